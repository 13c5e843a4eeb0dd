"""Issue 12, item 1: bad data never poisons the indicators.

Each value is checked against records.SCHEMA (finite numbers in range, texts within their column
and without NUL, dates within a window around the import): the file is refused with the same
French line/field message on SQLite and PostgreSQL, exit 2, nothing written, no traceback.
"""

import datetime as dt
import json
import math

import pytest

from pfspilot.contacts.models import Call, ImportBatch
from pfspilot.contacts.reader import read_file
from pfspilot.contacts.selectors import calls_frame
from pfspilot.contacts.services import import_files
from pfspilot.indicators.management.commands.kpi import Command as KpiCommand
from pfspilot.people.models import Team

from .helpers import CALL_ROWS, calls_csv, write


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def _call(call_id="c9", *, wait="", talk="", wrap="", agent="", team="", motif="", arrival=None):
    arrival = arrival or "2026-03-02 11:00:00"
    return f"{call_id},,{arrival},,,,,,{wait},{talk},{wrap},{agent},{team},,{motif},ivr"


def _run_import(path):
    from django.core.management import load_command_class

    command = load_command_class("pfspilot.contacts", "import")
    command.run_from_argv(["pfspilot", "import", "calls", str(path), "--mapping", "canonical"])


BAD_CELLS = [
    (_call(wait="1e400"), "wait_s", "nombre non fini « inf » refusé"),
    (_call(wait="inf"), "wait_s", "nombre non fini « inf » refusé"),
    (_call(talk="NaN"), "talk_s", "nombre non fini « nan » refusé"),
    (
        _call(wrap="1e308"),
        "wrap_s",
        "durée hors limites (1e+308 s, attendu de 0 s à 86\u202f400 s)",
    ),
    (
        _call(wait="99999999999"),
        "wait_s",
        "durée hors limites (1e+11 s, attendu de 0 s à 86\u202f400 s)",
    ),
    (_call(call_id="x" * 500), "call_id", "texte trop long (500 caractères, maximum 100)"),
    (
        _call(motif="m" * 10_000_000),
        "motif",
        "texte trop long (10\u202f000\u202f000 caractères, maximum 200)",
    ),
    (_call(agent="bo\x00b"), "agent", "caractère nul (octet 0) interdit dans un texte"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row,field,message", BAD_CELLS, ids=lambda v: str(v)[:20])
def test_a_bad_value_refuses_the_file_with_its_line_and_field(
    tmp_path, capsys, row, field, message
):
    path = write(tmp_path, "appels.csv", calls_csv([*CALL_ROWS, row]))
    with pytest.raises(SystemExit) as exit_info:
        _run_import(path)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"  appels.csv, ligne 5, champ « {field} » : {message}" in err
    assert "Traceback" not in err and len(err) < 5000
    assert Call.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


@pytest.mark.django_db
def test_dates_outside_a_window_around_the_import_are_refused(tmp_path):
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    rows = [
        _call("far", arrival="2999-03-02 11:00:00"),
        _call("old", arrival="1900-01-01 08:00:00"),
    ]
    path = write(tmp_path, "appels.csv", calls_csv(rows))
    errors = [str(e) for e in read_file("calls", path, "canonical", now=now).errors]
    window = "(du 07/11/1996 au 01/12/2027)"
    assert errors == [
        f"appels.csv, ligne 2, champ « arrival » : date « 02/03/2999 11:00 » hors de la "
        f"période plausible {window}",
        f"appels.csv, ligne 3, champ « arrival » : date « 01/01/1900 08:00 » hors de la "
        f"période plausible {window}",
    ]


@pytest.mark.parametrize("utf8_first", [True, False])
def test_a_file_mixing_utf8_and_latin1_is_refused_at_the_first_bad_line(tmp_path, utf8_first):
    header = b"call_id,caller_id,arrival,motif\n"
    first, second = ("utf-8", "latin-1") if utf8_first else ("latin-1", "utf-8")
    data = (
        header
        + "c1,,2026-03-02 09:00:00,Allocation éducation\n".encode(first)
        + b"c2,,2026-03-02 09:10:00,RSA\n"
        + "c3,,2026-03-02 09:20:00,Prime d'activité\n".encode(second)
    )
    path = tmp_path / "melange.csv"
    path.write_bytes(data)
    result = read_file("calls", path, "canonical")
    assert [(e.line, e.message_fr.split(" :")[0]) for e in result.errors] == [
        (4, "encodage mélangé")
    ]
    assert result.frame.is_empty()


def test_a_single_nul_byte_is_a_bad_cell_but_utf16_is_a_bad_file(tmp_path):
    path = write(tmp_path, "a.csv", calls_csv([*CALL_ROWS, _call(motif="A\x00B")]))
    assert [(e.line, e.field) for e in read_file("calls", path, "canonical").errors] == [
        (5, "motif")
    ]
    path = tmp_path / "u16.csv"
    path.write_bytes(calls_csv().encode("utf-16"))
    (error,) = read_file("calls", path, "canonical").errors
    assert error.message_fr.startswith("encodage non reconnu (octets nuls")


@pytest.mark.django_db
def test_unknown_team_names_are_reported_not_created(tmp_path):
    Team.objects.create(name="Arras")
    rows = [_call("a", team="Arras"), _call("b", team="Aras"), _call("c", team="Aras")]
    path = write(tmp_path, "appels.csv", calls_csv(rows))
    report = import_files(kind="calls", paths=[path], mapping="canonical")
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "appels.csv, ligne 3, champ « team » : équipe inconnue « Aras » (2 ligne(s)) : créez-la "
        "dans l'administration ou corrigez le fichier ; un import ne crée pas d'équipe."
    ]
    assert Call.objects.count() == 0
    assert list(Team.objects.values_list("name", flat=True)) == ["Arras"]


def _store_raw_wait(value: float) -> None:
    """A row stored before the checks existed (bypassing them): the guard of the readers."""
    Call.objects.create(
        source="old",
        source_id="bad",
        arrival=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
        answered_at=dt.datetime(2026, 3, 2, 10, 1, tzinfo=dt.UTC),
        wait_s=value,
        talk_s=value,
        outcome="answered",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("value", [math.inf, 1e308, 99_999_999_999.0])
def test_stored_implausible_numbers_read_as_unknown_and_kpi_json_stays_json(value, capsys):
    _store_raw_wait(value)
    frame = calls_frame(dt.date(2026, 3, 2), dt.date(2026, 3, 2))
    assert frame["wait_s"].to_list() == [None] and frame["talk_s"].to_list() == [None]
    KpiCommand().run_from_argv(
        ["pfspilot", "kpi", "--from", "2026-03-02", "--to", "2026-03-02", "--json"]
    )
    text = capsys.readouterr().out
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


def test_kpi_json_writes_non_finite_figures_as_null():
    from pfspilot.cli import finite_json

    assert finite_json({"aht_s": math.nan, "rows": [math.inf, 1.5], "n": 3}) == {
        "aht_s": None,
        "rows": [None, 1.5],
        "n": 3,
    }

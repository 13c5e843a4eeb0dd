"""`pfspilot kpi`: JSON keys and values on a hand-computed file and on the database, French errors."""

import csv
import io
import json
import subprocess
import sys
from datetime import datetime

import polars as pl
import pytest
from django.core.management import call_command

from pfspilot.contacts.reader import canonical_schema, hash_caller
from pfspilot.contacts.services import import_frame
from pfspilot.engine.records import as_instants
from pfspilot.indicators.management.commands.kpi import Command

D = datetime
KEYS = {
    "offered",
    "answered",
    "ivr_handled",
    "abandoned",
    "pickup_rate",
    "agent_answer_rate",
    "repeat_rate",
    "asa_s",
    "aht_s",
    "service_level_20s",
}
# Same eight calls as tests/engine/test_indicators.py (Monday 2 March 2026 onwards).
CALLS = [
    ("1", "c1", D(2026, 3, 2, 9, 0), "answered", 10.0, 100.0, 20.0),
    ("2", "c1", D(2026, 3, 2, 9, 10), "answered", 30.0, 200.0, 40.0),
    ("3", None, D(2026, 3, 2, 9, 40), "ivr", None, None, None),
    ("4", "c2", D(2026, 3, 2, 10, 5), "abandoned", 5.0, None, None),
    ("5", "c2", D(2026, 3, 3, 10, 0), "abandoned", 60.0, None, None),
    ("6", "c3", D(2026, 3, 9, 9, 0), "answered", 20.0, 300.0, None),
    ("7", "c1", D(2026, 3, 9, 9, 10), "answered", 0.0, 60.0, 0.0),
    ("8", "c3", D(2026, 3, 16, 9, 0, 1), "ivr", None, None, None),
]
HEADER = ["call_id", "caller_id", "arrival", "outcome", "wait_s", "talk_s", "wrap_s"]
CANONICAL = [
    "call_id",
    "caller_id",
    "arrival",
    "ivr_exit",
    "queue_entry",
    "queue_exit",
    "answered_at",
    "ended_at",
    "wait_s",
    "talk_s",
    "wrap_s",
    "agent",
    "team",
    "queue",
    "motif",
    "outcome",
]


@pytest.fixture
def calls_file(tmp_path):
    path = tmp_path / "appels.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(CANONICAL)
        for row in CALLS:
            values = dict(zip(HEADER, row, strict=True))
            writer.writerow(["" if values.get(c) is None else values[c] for c in CANONICAL])
    return path


def kpi(*args) -> dict:
    out = io.StringIO()
    call_command("kpi", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def refused(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["pfspilot", "kpi", *args])
    assert exit_info.value.code == 2
    return capsys.readouterr().err


@pytest.mark.django_db
def test_it_prints_the_indicators_of_a_file(calls_file):
    result = kpi("--calls", str(calls_file), "--mapping", "canonical")
    assert KEYS <= set(result)
    assert (result["offered"], result["answered"], result["ivr_handled"], result["abandoned"]) == (
        8,
        4,
        2,
        2,
    )
    assert result["pickup_rate"] == 0.75
    assert result["agent_answer_rate"] == 4 / 6
    assert result["repeat_rate"] == 3 / 7  # calls 2, 5 and 7 (exactly 168 h after call 2)
    assert result["asa_s"] == 15.0
    assert result["aht_s"] == 180.0
    assert result["service_level_20s"] == 0.5
    assert (result["first_day"], result["last_day"]) == ("2026-03-02", "2026-03-16")
    assert result["source"]["files"] == ["appels.csv"]
    assert "periods" not in result


@pytest.mark.django_db
def test_it_follows_the_repeat_window_option(calls_file):
    result = kpi("--calls", str(calls_file), "--mapping", "canonical", "--repeat-window-days", "6")
    assert result["repeat_rate"] == 2 / 7
    assert result["parameters"]["repeat_window_days"] == 6.0


@pytest.mark.django_db
def test_it_lists_weeks_with_the_same_keys(calls_file):
    result = kpi("--calls", str(calls_file), "--mapping", "canonical", "--by", "week")
    periods = result["periods"]
    assert [p["period"] for p in periods] == ["2026-W10", "2026-W11", "2026-W12"]
    assert all(KEYS <= set(p) for p in periods)
    assert [p["offered"] for p in periods] == [5, 2, 1]
    assert [p["repeat_rate"] for p in periods] == [0.5, 0.5, 0.0]
    assert [p["asa_s"] for p in periods] == [20.0, 10.0, None]


@pytest.mark.django_db
def test_it_lists_months_and_days(calls_file):
    months = kpi("--calls", str(calls_file), "--mapping", "canonical", "--by", "month")["periods"]
    assert [(p["period"], p["offered"], p["pickup_rate"]) for p in months] == [("2026-03", 8, 0.75)]
    days = kpi("--calls", str(calls_file), "--mapping", "canonical", "--by", "day")["periods"]
    assert len(days) == 15  # 2 to 16 March, empty days included
    assert days[1] == days[1] | {"period": "2026-03-03", "offered": 1, "abandoned": 1}
    assert days[2]["offered"] == 0 and days[2]["pickup_rate"] is None


@pytest.mark.django_db
def test_it_prints_the_indicators_of_a_period_of_the_database():
    frame = pl.DataFrame(
        [(i, hash_caller(c) if c else None, *rest) for i, c, *rest in CALLS],
        schema=HEADER,
        orient="row",
    )
    schema = canonical_schema("calls")
    frame = as_instants(frame).select(
        pl.col(c).cast(t) if c in HEADER else pl.lit(None, dtype=t).alias(c)
        for c, t in schema.items()
    )
    assert import_frame(kind="calls", frame=frame, source="test") == 8
    result = kpi("--from", "2026-03-03", "--to", "2026-03-16")
    assert (result["offered"], result["answered"], result["ivr_handled"], result["abandoned"]) == (
        4,
        2,
        1,
        1,
    )
    # Calls 5 and 7 repeat calls 4 and 2 of 2 March, read from before the period.
    assert result["repeat_rate"] == 0.5
    assert result["source"] == {"from": "2026-03-03", "to": "2026-03-16"}
    short = kpi("--from", "2026-03-03", "--to", "2026-03-16", "--repeat-window-days", "1")
    assert short["repeat_rate"] == 0.25  # only call 5 (23 h 55 after call 4)
    weeks = kpi("--from", "2026-03-02", "--to", "2026-03-22", "--by", "week")["periods"]
    assert [(p["period"], p["offered"]) for p in weeks] == [
        ("2026-W10", 5),
        ("2026-W11", 2),
        ("2026-W12", 1),
    ]


@pytest.mark.django_db
def test_it_prints_french_text_without_json(calls_file):
    out = io.StringIO()
    call_command("kpi", "--calls", str(calls_file), "--mapping", "canonical", stdout=out)
    text = out.getvalue()
    assert "Taux de décroché (A + S) / O : 75,0\u00a0%" in text
    assert "Appels offerts (O = A + S + X) : 8" in text


def test_it_refuses_both_sources(capsys, calls_file):
    err = refused(
        capsys, "--calls", str(calls_file), "--mapping", "canonical", "--from", "2026-01-01"
    )
    assert "pas les deux" in err


def test_it_refuses_no_source(capsys):
    assert "indiquer une source" in refused(capsys, "--json")


def test_it_refuses_a_bad_date(capsys):
    err = refused(capsys, "--from", "2026-13-01", "--to", "2026-12-31", "--json")
    assert "--from doit être une date AAAA-MM-JJ (reçu « 2026-13-01 »)" in err


def test_it_refuses_from_after_to(capsys):
    err = refused(capsys, "--from", "2026-03-05", "--to", "2026-03-01", "--json")
    assert "--from (2026-03-05) est postérieur à --to (2026-03-01)" in err


def test_it_refuses_a_lone_date(capsys):
    assert "--from et --to vont ensemble" in refused(capsys, "--from", "2026-03-05", "--json")


def test_it_refuses_an_unknown_mapping(capsys, calls_file):
    err = refused(capsys, "--calls", str(calls_file), "--mapping", "inconnu", "--json")
    assert "Profil d'import introuvable : « inconnu »" in err


def test_it_refuses_files_without_mapping(capsys, calls_file):
    assert "--mapping PROFIL est obligatoire" in refused(capsys, "--calls", str(calls_file))


def test_it_refuses_a_missing_file(capsys, tmp_path):
    err = refused(capsys, "--calls", str(tmp_path / "absent.csv"), "--mapping", "canonical")
    assert "fichier d'appels introuvable" in err


@pytest.mark.parametrize("window", ["0", "-3", "sept", "400"])
def test_it_refuses_a_bad_window(capsys, window):
    err = refused(
        capsys, "--from", "2026-03-01", "--to", "2026-03-05", f"--repeat-window-days={window}"
    )
    assert "--repeat-window-days doit être" in err


def test_it_refuses_an_unknown_period(capsys):
    err = refused(capsys, "--from", "2026-03-01", "--to", "2026-03-05", "--by", "year")
    assert "choix invalide" in err


def test_it_refuses_bad_rows_naming_the_line(capsys, tmp_path):
    path = tmp_path / "appels.csv"
    path.write_text(
        ";".join(CANONICAL)
        + "\n1;;2026-03-02 09:00:00;;;;;;;;;;;;;answered"
        + "\n2;;02/03/2026;;;;;;;;;;;;;answered\n",
        encoding="utf-8",
    )
    err = refused(capsys, "--calls", str(path), "--mapping", "canonical")
    assert "1 erreur(s)" in err
    assert "ligne 3" in err and "arrival" in err


def test_it_exits_with_status_2_from_the_console():
    completed = subprocess.run(
        [sys.executable, "-m", "pfspilot", "kpi", "--from", "2026-03-05", "--to", "2026-03-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("Erreur : --from (2026-03-05) est postérieur")
    assert completed.stdout == ""


def test_without_a_call_it_takes_the_parameters_in_force_on_the_paris_date(db, tmp_path):
    """At 23:30 UTC on 31 May 2026 it is 01:30 on 1 June in Paris (UTC+2): June's version."""
    import datetime as dt

    import time_machine

    from pfspilot.reference.models import IndicatorParameterSet

    seeded = IndicatorParameterSet.objects.order_by("valid_from").first()
    seeded.pk, seeded.valid_from, seeded.short_abandon_s = None, dt.date(2026, 6, 1), 5
    seeded.save()
    # Every row ignored by the profile: no call, hence no period to take the parameters from.
    profile = tmp_path / "tout-ignorer.toml"
    profile.write_text(
        'name = "tout-ignorer"\nsource = "essai"\n[calls]\n[calls.formats]\n'
        'datetime = "%Y-%m-%d %H:%M:%S"\n[calls.columns]\ncall_id = "call_id"\n'
        'arrival = "arrival"\noutcome = "outcome"\n[calls.ignore]\noutcome = ["test"]\n'
    )
    calls = tmp_path / "appels.csv"
    calls.write_text("call_id,arrival,outcome\n1,2026-03-02 09:00:00,test\n")
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        call_command("kpi", "--calls", str(calls), "--mapping", str(profile), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["offered"] == 0
    assert result["parameters"]["short_abandon_s"] == 5.0

"""No `pfspilot` command ever ends in a traceback (issue 7 §2): a French message on stderr and
exit status 2, for bad input as for any unexpected error."""

import json
import subprocess
import sys

import pytest
from django.core.management import get_commands, load_command_class

from pfspilot.__main__ import main
from pfspilot.cli import ProjectCommand

OFFSET_CALLS = (
    "call_id,caller_id,arrival,queue_entry,answered_at,ended_at,outcome\n"
    "o1,,2026-06-15 10:00:00+02:00,2026-06-15 10:00:10+02:00,2026-06-15 10:00:40+02:00,"
    "2026-06-15 10:05:40+02:00,\n"
    "o2,,2026-06-15 08:40:00Z,,,,ivr\n"
)
OFFSET_PROFILE = """name = "decalages"
[calls]
[calls.formats]
datetime = "%Y-%m-%d %H:%M:%S%z"
[calls.columns]
call_id = "call_id"
caller_id = "caller_id"
arrival = "arrival"
queue_entry = "queue_entry"
answered_at = "answered_at"
ended_at = "ended_at"
outcome = "outcome"
"""


def _offset_files(tmp_path):
    calls = tmp_path / "decalages.csv"
    calls.write_text(OFFSET_CALLS, encoding="utf-8")
    mapping = tmp_path / "decalages.toml"
    mapping.write_text(OFFSET_PROFILE, encoding="utf-8")
    return str(calls), str(mapping)


def test_kpi_on_timestamps_with_offsets_answers_instead_of_a_traceback(tmp_path):
    # Before: "polars.exceptions.SchemaError: failed to determine supertype of datetime[μs]
    # and datetime[μs, UTC]" and a Python traceback.
    calls, mapping = _offset_files(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "pfspilot", "kpi", "--calls", calls, "--mapping", mapping, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    result = json.loads(completed.stdout)
    # o1 queued 10:00:10+02:00, answered 10:00:40+02:00: 30 s; talk 10:00:40 → 10:05:40: 300 s.
    assert (result["offered"], result["asa_s"], result["aht_s"]) == (2, 30.0, 300.0)
    assert result["first_day"] == result["last_day"] == "2026-06-15"


def test_an_unexpected_error_becomes_a_french_message_and_status_2(tmp_path, monkeypatch, capsys):
    calls, mapping = _offset_files(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("pfspilot.indicators.management.commands.kpi.read_records", broken)
    monkeypatch.setattr(sys, "argv", ["pfspilot", "kpi", "--calls", calls, "--mapping", mapping])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "Erreur inattendue (RuntimeError) : la commande s'est arrêtée sans terminer. Relancez-la "
        "avec --traceback pour le détail technique et transmettez-le à l'administrateur.\n"
    )
    assert "Traceback" not in captured.err and captured.out == ""


def test_traceback_option_keeps_the_technical_detail(tmp_path, monkeypatch):
    calls, mapping = _offset_files(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("pfspilot.indicators.management.commands.kpi.read_records", broken)
    argv = ["pfspilot", "kpi", "--calls", calls, "--mapping", mapping, "--traceback"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(RuntimeError, match="boom"):
        main()


def test_an_unexpected_error_of_a_django_command_is_french_too(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr("django.core.management.commands.check.Command.handle", broken)
    monkeypatch.setattr(sys, "argv", ["pfspilot", "check"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("Erreur inattendue (OSError) :")


def test_every_project_command_uses_the_common_base():
    project = {name: app for name, app in get_commands().items() if app.startswith("pfspilot")}
    assert {"kpi", "import", "aggregates", "demo", "erlang", "staff", "simulate", "route"} <= set(
        project
    )
    for name, app in project.items():
        assert isinstance(load_command_class(app, name), ProjectCommand), name

"""`pfspilot aggregates`: rebuilds the dashboard's sums of the stored records, French errors."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connections

from pfspilot.contacts.services import import_frame
from pfspilot.indicators import selectors
from pfspilot.indicators.management.commands.aggregates import Command
from pfspilot.indicators.models import DailySatisfaction, DailyStats

from .factories import frames, make_agents


@pytest.fixture
def stored(db):
    """The factories' records, imported without running the rebuild of the sums."""
    make_agents()
    data = frames()
    for kind in ("calls", "emails", "surveys", "activity"):
        import_frame(kind=kind, frame=data[kind], source="test")
    assert not DailyStats.objects.exists()


def test_it_rebuilds_the_whole_stored_range_by_default(stored):
    out = io.StringIO()
    call_command("aggregates", "--json", stdout=out)
    result = json.loads(out.getvalue())
    # Calls from Mon 5 January to Fri 27 November, emails from 5 January to 2 February.
    assert (result["from"], result["to"]) == ("2026-01-05", "2026-11-27")
    assert result["rows"] == DailyStats.objects.count() > 0
    total = selectors.period_sums(year=2026)[0]
    assert (total["calls_offered"], total["calls_answered"], total["emails_answered"]) == (5, 3, 3)
    assert DailySatisfaction.objects.count() == 4


def test_it_rebuilds_a_given_range_and_says_so_in_french(stored):
    out = io.StringIO()
    call_command("aggregates", "--from", "2026-11-01", "--to", "2026-11-30", stdout=out)
    assert out.getvalue().startswith("Agrégats recalculés du 01/11/2026 au 30/11/2026 : ")
    assert out.getvalue().endswith(" lignes de sommes journalières écrites.\n")
    total = selectors.period_sums(year=2026)[0]
    assert (total["calls_offered"], total["calls_answered"]) == (1, 1)  # c5 only


@pytest.fixture
def refused(capsys, monkeypatch):
    # run_from_argv closes the connections when it ends: the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return lambda *args: _refused(capsys, *args)


def _refused(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["pfspilot", "aggregates", *args])
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_it_refuses_a_bad_date(refused, db):
    err = refused("--from", "01/11/2026")
    assert err == "Erreur : --from doit être une date AAAA-MM-JJ (reçu « 01/11/2026 »).\n"
    assert not DailyStats.objects.exists()


def test_it_refuses_an_empty_database_without_a_range(refused, db):
    err = refused()
    assert err.startswith("Erreur : aucun appel ni courriel enregistré ; indiquer --from et --to")


def test_it_refuses_a_reversed_range(refused, stored):
    err = refused("--from", "2026-03-05", "--to", "2026-03-01")
    assert err == "Erreur : --from (2026-03-05) est postérieur à --to (2026-03-01).\n"
    assert not DailyStats.objects.exists()


def test_it_exits_with_status_2_from_the_console():
    completed = subprocess.run(
        [sys.executable, "-m", "pfspilot", "aggregates", "--to", "demain"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr == "Erreur : --to doit être une date AAAA-MM-JJ (reçu « demain »).\n"
    assert completed.stdout == ""

"""`pfspilot purge`: a dry run by default, `--apply` erases, French text or JSON out."""

import datetime as dt
import json

from django.core.management import call_command

from pfspilot.desk import services
from pfspilot.desk.models import CallRecord
from pfspilot.engine.deadlines import PARIS


def test_it_counts_then_erases(personas, capsys):
    old = dt.datetime(2024, 2, 1, 9, 30, tzinfo=PARIS)
    services.record_open(agent=personas["alice"], call_id="P", caller_number="0612", now=old)
    call_command("purge")
    out = capsys.readouterr().out
    assert out.startswith(
        "Simulation (rien n'est effacé ; --apply pour effacer), conservation : 365"
    )
    assert "fiches d'appel : 1" in out
    assert CallRecord.objects.get().caller_number == "0612"
    call_command("purge", "--apply", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["applied"] is True and result["counts"]["fiches"] == 1
    assert CallRecord.objects.get().caller_number == ""

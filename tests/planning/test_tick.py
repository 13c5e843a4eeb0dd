"""`pfspilot tick`: today's sums, interrupted imports and the coming plans, each idempotent."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from pfspilot.cli import CliError
from pfspilot.contacts.services import import_frame
from pfspilot.indicators.models import DailyStats
from pfspilot.indicators.services import aggregates_paused
from pfspilot.planning import periodic
from pfspilot.planning.models import PlanComputation
from tests.indicators.factories import frames
from tests.indicators.factories import make_agents as make_indicator_agents
from tests.planning.dayplan_data import make_agents, make_history

pytestmark = pytest.mark.django_db

# Saturday 28 November 2026, noon in Paris: yesterday is Friday 27, the next working days are
# Monday 30 November to Friday 4 December.
NOW = timezone.make_aware(dt.datetime(2026, 11, 28, 12))


def tick(*args) -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("tick", *args, stdout=out)
    return out.getvalue().strip()


def test_it_refreshes_the_sums_of_yesterday_and_today_only(django_capture_on_commit_callbacks):
    make_indicator_agents()
    with aggregates_paused(), django_capture_on_commit_callbacks(execute=True):
        import_frame(kind="calls", frame=frames()["calls"], source="test")
    assert not DailyStats.objects.exists()  # the import's own refresh was paused
    result = json.loads(tick("--json"))
    sums = result["jobs"][0]
    assert sums["name"] == "today_sums" and sums["count"] > 0
    # c5 arrived on Friday 27 November: summed; the four calls of 5 January are not recent.
    friday = DailyStats.objects.filter(day=dt.date(2026, 11, 27), grain="agent")
    assert sum(row.calls_offered for row in friday) == 1
    assert not DailyStats.objects.filter(day=dt.date(2026, 1, 5)).exists()
    again = json.loads(tick("--json"))["jobs"][0]
    assert again["count"] == sums["count"]  # rebuilt the same, not added to
    assert sum(row.calls_offered for row in friday.all()) == 1


def test_it_queues_the_coming_working_days_once(personas):
    make_history()
    make_agents()
    text = tick()
    assert "Plans des prochains jours ouvrés mis en calcul : 5." in text
    assert "Imports interrompus relancés ou marqués en échec : 0." in text
    days = sorted(PlanComputation.objects.values_list("day", flat=True))
    assert days == [dt.date(2026, 11, 30) + dt.timedelta(days=n) for n in range(5)]
    assert set(PlanComputation.objects.values_list("status", flat=True)) == {"en_attente"}
    # Idempotent: the second minute finds them queued.
    jobs = {job["name"]: job for job in json.loads(tick("--json"))["jobs"]}
    assert jobs["coming_plans"] == {
        "name": "coming_plans",
        "count": 0,
        "message": "Plans des prochains jours ouvrés mis en calcul : 0.",
    }


def test_a_failing_job_is_reported_and_the_others_still_run():
    def broken(now):
        raise RuntimeError("boom")

    ran = []
    jobs = (
        periodic.PeriodicJob("broken", "jamais affiché", broken),
        periodic.PeriodicJob("counted", "Fait : %(count)s.", lambda now: ran.append(now) or 1234),
    )
    outcomes = periodic.tick(now=NOW, jobs=jobs)
    assert outcomes[0].count is None
    assert outcomes[0].message == "Échec de « broken » (RuntimeError)."
    assert outcomes[1].message == "Fait : 1\u202f234."
    assert ran == [NOW]


def test_the_command_ends_in_french_when_a_job_failed(monkeypatch):
    monkeypatch.setattr(
        periodic,
        "JOBS",
        (periodic.PeriodicJob("broken", "", lambda now: 1 / 0),),
    )
    out = io.StringIO()
    with pytest.raises(CliError, match="Tâches périodiques en échec : broken."):
        call_command("tick", stdout=out)
    assert "Échec de « broken » (ZeroDivisionError)." in out.getvalue()

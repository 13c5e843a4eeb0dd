"""Demo planning step: absences at the synthetic year's rates and the next day's plan."""

import datetime as dt
import io
import zoneinfo

import numpy as np
import pytest
import time_machine

from pfspilot.engine import calendar
from pfspilot.engine.synthetic import LEAVE, SICK
from pfspilot.people import demo as people_demo
from pfspilot.people.models import Role, User
from pfspilot.planning import demo
from pfspilot.planning.models import Absence, DayPlan, PlanComputation
from tests.planning.dayplan_data import make_history

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)


def test_it_needs_a_call_history():
    people_demo.load()
    out = io.StringIO()
    assert demo.load(out) is None
    assert out.getvalue() == (
        "Planification de démonstration : aucun historique d'appels, rien à planifier."
    )
    assert not Absence.objects.exists() and not DayPlan.objects.exists()


def test_it_records_absences_and_plans_the_next_working_day():
    people_demo.load()
    make_history()
    out = io.StringIO()
    with time_machine.travel(MONDAY, tick=False):
        recorded = demo.load(out)
    absences = list(Absence.objects.all())
    assert recorded == len(absences) == 181
    assert {a.reason for a in absences} == {"conge", "maladie"}
    assert all(a.agent.username.startswith("tc") for a in absences)
    assert min(a.start for a in absences) == dt.date(2026, 3, 2)
    assert max(a.end for a in absences) == dt.date(2026, 4, 24)  # Friday of the 8th week
    leave = [a for a in absences if a.reason == "conge"]
    assert all(a.start.weekday() == 0 and (a.end - a.start).days == 4 for a in leave)
    # Sick notes known over the first 10 working days only (2–13 March).
    sick = [a for a in absences if a.reason == "maladie"]
    assert max(a.end for a in sick) <= dt.date(2026, 3, 13)
    plan = DayPlan.objects.get()
    assert plan.day == dt.date(2026, 3, 3)
    payload = plan.payload
    assert payload["simulation"]["replications"] == 20
    on_leave = {a.agent_id for a in absences if a.start <= plan.day <= a.end}
    planned = {a["id"] for a in payload["agents"]}
    assert not planned & on_leave
    # Demo agents hired on 1 September 2026 are not there yet in March.
    assert (
        len(planned)
        == User.objects.filter(role=Role.AGENT, start_date__lte=plan.day)
        .exclude(pk__in=on_leave)
        .count()
    )
    text = out.getvalue()
    assert "181 absences enregistrées (congés sur 8 semaines, arrêts maladie sur 10" in text
    assert f"Plan optimisé du 03/03/2026 : {len(planned)} agents, décroché attendu" in text
    # The next working days are queued for the worker (Wednesday 4 to Monday 9 March).
    assert "Plans des 4 jours ouvrés suivants mis en calcul" in text
    queued = PlanComputation.objects.filter(status="en_attente").values_list("day", flat=True)
    assert sorted(queued) == [dt.date(2026, 3, d) for d in (4, 5, 6, 9)]

    again = io.StringIO()
    with time_machine.travel(MONDAY, tick=False):
        assert demo.load(again) is None
    assert Absence.objects.count() == 181 and DayPlan.objects.count() == 1
    assert "absences déjà enregistrées" in again.getvalue()
    assert "Plan du 03/03/2026 déjà calculé." in again.getvalue()
    assert "mis en calcul" not in again.getvalue()
    assert PlanComputation.objects.count() == 4


def test_it_draws_absences_at_the_synthetic_rates():
    agents = [User(pk=k, username=f"tc{k:04d}") for k in range(1, 3001)]
    today = dt.date(2026, 11, 30)  # a Monday: 4 weeks ending in December (20 %), then January (8 %)
    absences = demo.draw_absences(agents, today, np.random.default_rng(1))
    weeks = [today + dt.timedelta(weeks=k) for k in range(demo.LEAVE_WEEKS)]
    for week in weeks:
        share = sum(a.reason == "conge" and a.start == week for a in absences) / len(agents)
        friday = week + dt.timedelta(days=4)
        assert share == pytest.approx(LEAVE[friday.month - 1], abs=0.015)
    sick_days = sum(
        len(calendar.working_days(a.start, a.end)) for a in absences if a.reason == "maladie"
    )
    leave_share = LEAVE[11]  # the first two weeks end in December
    expected = SICK * (1 - leave_share) * 10 * len(agents)
    assert sick_days == pytest.approx(expected, rel=0.05)

"""Day plan services over the database: agents on duty, stored plans, what-if."""

import datetime as dt

import pytest

from pfspilot.contacts.models import AgentActivity
from pfspilot.engine.requirements import PlanningError
from pfspilot.planning import selectors, services
from pfspilot.planning.models import Absence, DayPlan
from tests.planning.dayplan_data import (
    FEBRUARY,
    MARCH_2,
    TRAINING_THURSDAY,
    make_agents,
    make_history,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(personas):
    make_history()
    return make_agents()


def test_it_gathers_the_agents_on_duty(platform, personas):
    Absence.objects.create(agent=platform[1], start=MARCH_2, end=MARCH_2)
    platform[0].end_date = MARCH_2 - dt.timedelta(days=1)
    platform[0].save()
    personas["bob"].start_date = MARCH_2 + dt.timedelta(days=1)
    personas["bob"].save()
    names = [a.name for a in selectors.agents_on_duty(MARCH_2)]
    # David absent, Chloé gone, Bob not yet arrived; Rita (national reinforcement) is not ours.
    assert names == ["Alice", "Emma"]


def test_it_computes_the_day_inputs(platform):
    inputs = selectors.day_inputs(MARCH_2)
    assert inputs.demand.arrivals == pytest.approx([10.0] * 15)
    assert inputs.demand.aht_s == pytest.approx(300.0)
    assert inputs.demand.patience_s == pytest.approx(300.0)
    assert inputs.demand.ivr_share == pytest.approx(0.1)
    assert inputs.target == 0.87
    assert inputs.requirement == [3] * 15
    assert [a.fte for a in inputs.agents] == [1.0, 1.0, 1.0, 1.0, 0.8]
    assert not inputs.training


def test_it_takes_the_training_morning_out_on_third_thursdays(platform):
    view = selectors.day_view(TRAINING_THURSDAY)
    assert view.inputs.training
    assert view.result.staffed[:4] == [0.0] * 4  # 9:00–11:00
    assert all(a.quarters.startswith("T" * 8) for a in view.result.agents)


def test_it_stores_the_optimised_plan(platform):
    plan = services.plan_day_for(MARCH_2, time_limit_s=5)
    payload = DayPlan.objects.get(day=MARCH_2).payload
    assert plan.payload == payload
    assert payload["status"] == "optimal"
    assert payload["template_objective"] == 439
    assert payload["objective"] == 237
    assert payload["expected_pickup"] == pytest.approx(0.972928, abs=1e-6)
    assert payload["template_expected_pickup"] == pytest.approx(0.966025, abs=1e-6)
    assert payload["target"] == 0.87
    assert len(payload["agents"]) == 5
    view = selectors.day_view(MARCH_2)
    assert view.optimised and view.result.objective == 237


def test_it_writes_nothing_for_a_day_without_agents(personas):
    make_history()
    for name in ("alice", "bob"):
        Absence.objects.create(agent=personas[name], start=MARCH_2, end=MARCH_2)
    with pytest.raises(PlanningError, match="Aucun agent en service"):
        services.plan_day_for(MARCH_2)
    assert not DayPlan.objects.exists()


def test_it_writes_nothing_without_a_forecast(platform):
    with pytest.raises(PlanningError, match="Prévision impossible"):
        services.plan_day_for(dt.date(2026, 1, 5))
    with pytest.raises(PlanningError, match="fermé"):
        services.plan_day_for(dt.date(2026, 3, 7))
    assert not DayPlan.objects.exists()


def test_it_recomputes_a_what_if_without_solving(platform):
    base = services.what_if(MARCH_2)
    assert base.expected_pickup == pytest.approx(0.966025, abs=1e-6)  # the note's A/B day
    assert base.expected_pickup == base.base_expected_pickup
    assert (base.base_agents, base.agents) == (5, 5)
    more = services.what_if(MARCH_2, add_agents=2)
    assert (more.base_agents, more.agents) == (5, 7)
    assert more.staffed[0] == base.staffed[0] + 2
    assert more.expected_pickup > base.expected_pickup
    fewer = services.what_if(MARCH_2, remove_agents=[str(platform[1].pk)])
    assert (fewer.base_agents, fewer.agents) == (5, 4)
    assert fewer.staffed[0] == base.staffed[0] - 1
    assert fewer.expected_pickup < base.expected_pickup
    busier = services.what_if(MARCH_2, volume_factor=2.0)
    assert busier.required == [4] * 15
    assert busier.expected_pickup < base.expected_pickup
    assert not DayPlan.objects.exists()


def test_it_moves_a_lunch_in_a_what_if(platform, personas):
    alice = personas["alice"]
    base = services.what_if(MARCH_2)
    moved = services.what_if(MARCH_2, moves={str(alice.pk): dt.time(13, 0)})
    # Alice leaves 11:45–12:45 for 13:00–14:00: one more agent at 12:00, one fewer at 13:30.
    assert moved.staffed[6] == base.staffed[6] + 1
    assert moved.staffed[9] == base.staffed[9] - 1


def test_it_rejects_bad_what_ifs_in_french(platform):
    with pytest.raises(PlanningError, match="Agent inconnu"):
        services.what_if(MARCH_2, remove_agents=["999999"])
    with pytest.raises(PlanningError, match="nombre d'agents ajoutés"):
        services.what_if(MARCH_2, add_agents=-1)
    with pytest.raises(PlanningError, match="coefficient de volume"):
        services.what_if(MARCH_2, volume_factor=0.0)
    with pytest.raises(PlanningError, match="hors de la fenêtre"):
        services.what_if(MARCH_2, moves={str(platform[0].pk): dt.time(9, 0)})


def log_phone_time(hours_per_day=30.0):
    """Agents' activity of the history days: `hours_per_day` of logged phone time per day."""
    AgentActivity.objects.bulk_create(
        AgentActivity(agent_code=f"a{k}", day=day, phone_s=hours_per_day * 3600 / 5, email_s=3000.0)
        for day in FEBRUARY
        for k in range(5)
    )


def test_it_assumes_no_shrinkage_without_activity(platform):
    inputs = selectors.day_inputs(MARCH_2)
    assert inputs.shrinkage_estimate is None
    assert inputs.shrinkage == 0.0


def test_it_estimates_the_shrinkage_from_the_history(platform):
    log_phone_time()
    inputs = selectors.day_inputs(MARCH_2)
    estimate = inputs.shrinkage_estimate
    # Every half-hour: 9 queued, 1 abandon, AHT = patience = 300 s → 2.597892 ready agents
    # (tests/engine/test_shrinkage.py), i.e. 19.48 h ready for 30 h logged.
    assert estimate.days == 20
    assert estimate.ready_s / 3600 == pytest.approx(20 * 15 * 0.5 * 2.597892, abs=1e-3)
    assert inputs.shrinkage == pytest.approx(0.350527, abs=1e-6)
    # 3 ready agents needed per half-hour: 3 / (1 − 0.3505) = 4.62 → 5 staffed.
    assert inputs.requirement == [5] * 15


def test_it_stores_the_plan_with_its_shrinkage_and_simulation(platform):
    log_phone_time()
    plan = services.plan_day_for(MARCH_2, time_limit_s=5)
    payload = plan.payload
    assert payload["shrinkage"] == pytest.approx(0.350527, abs=1e-6)
    simulation = payload["simulation"]
    assert simulation["shrinkage"] == payload["shrinkage"]
    assert simulation["erlang_pickup"] == pytest.approx(payload["expected_pickup"], abs=1e-12)
    assert payload["expected_pickup"] == pytest.approx(0.894508, abs=1e-6)
    low, high = simulation["pickup"]["ci95"]
    assert low < simulation["pickup"]["mean"] < high
    assert simulation["pickup"]["mean"] == pytest.approx(0.908852, abs=1e-6)
    # The ready agents are the staffed ones × (1 − shrinkage), on average over the runs.
    staffed, ready = simulation["slots"]["staffed"], simulation["slots"]["ready"]
    assert sum(ready) == pytest.approx(sum(staffed) * (1 - payload["shrinkage"]), rel=0.03)
    view = selectors.day_view(MARCH_2)
    assert view.simulation == simulation and view.shrinkage == payload["shrinkage"]


def test_it_counts_the_shrinkage_in_the_what_if(platform):
    log_phone_time()
    base = services.what_if(MARCH_2)
    # The note's A/B day: 96.6 % with every agent ready, less with a third of them not ready.
    assert base.expected_pickup == pytest.approx(0.886745, abs=1e-6)
    assert base.required == [5] * 15
    more = services.what_if(MARCH_2, add_agents=3)
    assert more.expected_pickup > base.expected_pickup

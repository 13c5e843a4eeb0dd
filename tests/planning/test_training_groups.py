"""Training days in groups and workshops in the day plan (issue 11, item 5): the sessions are
planning's; an agent in a training group is off the phone at their group's hours, agents in no
group at the rule's hours, workshop participants during the workshop; the supervision page's
expected décroché reads the same day inputs as the plan."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from pfspilot.engine.dayplan import quarter_starts
from pfspilot.engine.requirements import PlanningError, expected_pickup
from pfspilot.planning import selectors, services
from pfspilot.planning.models import DayPlan, PlanComputation, TrainingSession
from tests.planning import test_forecasting
from tests.planning.dayplan_data import MARCH_2, TRAINING_THURSDAY, make_agents, make_history

pytestmark = pytest.mark.django_db

MORNING = (dt.time(9), dt.time(11))
AFTERNOON = (dt.time(14), dt.time(16))


@pytest.fixture
def platform(personas):
    make_history()
    return make_agents()


def off_phone_windows(agent_plan, slots) -> list[tuple[dt.time, dt.time]]:
    """The windows (start, end) of an agent's « T » quarters in a plan."""
    quarters = quarter_starts(slots)
    windows, start = [], None
    for q, code in enumerate(agent_plan.quarters + "."):
        minute = quarters[q] if q < len(quarters) else quarters[-1] + 15
        if code == "T" and start is None:
            start = minute
        elif code != "T" and start is not None:
            windows.append((dt.time(start // 60, start % 60), dt.time(minute // 60, minute % 60)))
            start = None
    return windows


def two_groups(day=TRAINING_THURSDAY):
    """Alice, Chloé, Emma in the morning group; Bob and David in the afternoon group."""
    agents = {a.name: a.id for a in selectors.agents_on_duty(day)}
    assert sorted(agents) == ["Alice", "Bob", "Chloe", "David", "Emma"]
    morning = [agents[n] for n in ("Alice", "Chloe", "Emma")]
    afternoon = [agents[n] for n in ("Bob", "David")]
    created = services.training_groups_set(
        {day: [(*MORNING, morning), (*AFTERNOON, afternoon)]}, title="Formation continue"
    )
    assert created == 2
    return agents


def test_each_agent_trains_at_their_groups_hours_and_the_phones_stay_covered(platform):
    before = selectors.day_inputs(TRAINING_THURSDAY)
    assert {a.training for a in before.agents} == {MORNING}  # no session: the rule's hours
    before_plan = selectors.plan_inputs(before, optimise=False)
    two_groups()
    inputs = selectors.day_inputs(TRAINING_THURSDAY)
    windows = {a.name: a.training for a in inputs.agents}
    assert windows == {
        "Alice": MORNING,
        "Bob": AFTERNOON,
        "Chloe": MORNING,
        "David": AFTERNOON,
        "Emma": MORNING,
    }
    # Everything else is the day plan's inputs unchanged.
    assert inputs.requirement == before.requirement and inputs.demand == before.demand

    grouped = selectors.plan_inputs(inputs, optimise=False)
    everyone = selectors.plan_inputs(selectors.everyone_in_training(inputs), optimise=False)
    # Everyone at the rule's hours is the day as it was before the groups.
    assert everyone.staffed_quarters == before_plan.staffed_quarters
    assert everyone.expected_pickup == pytest.approx(before_plan.expected_pickup)
    # Exact windows off the phone in the plan, per agent.
    for plan in grouped.agents:
        assert off_phone_windows(plan, inputs.slots) == [windows[plan.name]], plan.name
    for plan in everyone.agents:
        assert off_phone_windows(plan, inputs.slots) == [MORNING]
    # Nobody on the phone 9:00–11:00 when everyone trains; two agents of five in groups.
    assert everyone.staffed_quarters[:8] == [0] * 8
    assert min(grouped.staffed_quarters) >= 1
    # The décroché recomputed independently (Erlang A of the plan's staffing, same demand).
    assert grouped.expected_pickup == pytest.approx(
        expected_pickup(inputs.demand, grouped.staffed_quarters, shrinkage=inputs.shrinkage)
    )
    assert grouped.expected_pickup > everyone.expected_pickup
    # The optimised plans keep the order.
    solved = selectors.plan_inputs(inputs, time_limit_s=5)
    solved_everyone = selectors.plan_inputs(selectors.everyone_in_training(inputs), time_limit_s=5)
    assert solved.expected_pickup > solved_everyone.expected_pickup
    for plan in solved.agents:
        assert off_phone_windows(plan, inputs.slots) == [windows[plan.name]], plan.name


def test_agents_in_no_group_train_at_the_rules_hours(platform):
    agents = {a.name: a.id for a in selectors.agents_on_duty(TRAINING_THURSDAY)}
    services.training_groups_set({TRAINING_THURSDAY: [(*AFTERNOON, [agents["Bob"]])]})
    windows = {a.name: a.training for a in selectors.day_inputs(TRAINING_THURSDAY).agents}
    assert windows["Bob"] == AFTERNOON
    assert {windows[n] for n in ("Alice", "Chloe", "David", "Emma")} == {MORNING}


def test_a_workshop_takes_its_participants_off_the_phone(platform):
    agents = {a.name: a.id for a in selectors.agents_on_duty(MARCH_2)}
    services.workshop_create(
        title="CMG",
        day=MARCH_2,
        start=dt.time(14, 30),
        end=dt.time(15, 30),
        participants=[agents["David"]],
    )
    inputs = selectors.day_inputs(MARCH_2)
    david = next(a for a in inputs.agents if a.name == "David")
    assert david.training is None and david.workshops == ((dt.time(14, 30), dt.time(15, 30)),)
    plan = selectors.plan_inputs(inputs, optimise=False)
    for agent in plan.agents:
        expected = [(dt.time(14, 30), dt.time(15, 30))] if agent.name == "David" else []
        assert off_phone_windows(agent, inputs.slots) == expected
    # On a training day, a workshop adds to the agent's training.
    services.workshop_create(
        title="Rappel",
        day=TRAINING_THURSDAY,
        start=dt.time(15),
        end=dt.time(16),
        participants=[agents["David"]],
    )
    thursday = selectors.plan_inputs(selectors.day_inputs(TRAINING_THURSDAY), optimise=False)
    david_plan = next(a for a in thursday.agents if a.name == "David")
    assert off_phone_windows(david_plan, selectors.day_inputs(TRAINING_THURSDAY).slots) == [
        MORNING,
        (dt.time(15), dt.time(16)),
    ]


def test_a_session_that_leaves_no_lunch_is_refused(platform):
    agents = [a.id for a in selectors.agents_on_duty(TRAINING_THURSDAY)]
    with pytest.raises(PlanningError, match="aucun horaire de déjeuner"):
        services.training_groups_set({TRAINING_THURSDAY: [(dt.time(11), dt.time(14, 30), agents)]})
    with pytest.raises(PlanningError, match="finit avant de commencer"):
        services.workshop_create(
            title="X", day=MARCH_2, start=dt.time(11), end=dt.time(10), participants=agents
        )
    assert not TrainingSession.objects.exists()


def test_changed_sessions_recompute_the_stored_plan(platform, django_capture_on_commit_callbacks):
    DayPlan.objects.create(day=TRAINING_THURSDAY, payload={"slots": []})
    with django_capture_on_commit_callbacks(execute=True):
        two_groups()
    computation = PlanComputation.objects.get(day=TRAINING_THURSDAY)
    assert computation.status == PlanComputation.Status.PENDING


def test_the_day_page_shows_the_groups(platform, client_for):
    two_groups()
    html = (
        client_for("maud")
        .get(reverse("planning:day"), {"jour": TRAINING_THURSDAY.isoformat()})
        .content.decode()
    )
    assert "Jeudi de formation continue en groupes" in html
    assert "groupe 1" in html and "de 09h00 à 11h00, 3 participants" in html
    assert "de 14h00 à 16h00, 2 participants" in html


def test_the_supervision_comparison_uses_the_day_plans_inputs(platform):
    from pfspilot.supervision.selectors import training_effect

    two_groups()
    effect = training_effect(TRAINING_THURSDAY)
    inputs = selectors.day_inputs(TRAINING_THURSDAY)
    assert effect.groups == pytest.approx(
        selectors.plan_inputs(inputs, time_limit_s=5.0).expected_pickup
    )
    assert effect.everyone == pytest.approx(
        selectors.plan_inputs(
            selectors.everyone_in_training(inputs), time_limit_s=5.0
        ).expected_pickup
    )
    assert effect.groups > effect.everyone


def test_the_capacity_staffing_reads_the_groups(personas):
    """The capacity page's hourly staffing counts each agent off the phone at their group's
    hours (the same `agent_sessions` as the day plan)."""
    test_forecasting.make_history(test_forecasting.FEBRUARY[:10])
    with time_machine.travel(dt.datetime(2026, 2, 16, 10, 0, tzinfo=dt.UTC), tick=False):
        before = selectors.capacity_page(2026, today=dt.date(2026, 2, 16))
        thursday = before.need.days.index(TRAINING_THURSDAY)
        assert before.need.staffed[thursday, 0] == pytest.approx(0.0)  # everyone 9:00–11:00
        services.training_groups_set({TRAINING_THURSDAY: [(*AFTERNOON, [personas["alice"].pk])]})
        after = selectors.capacity_page(2026, today=dt.date(2026, 2, 16))
    assert after.need.staffed[thursday, 0] == pytest.approx(1.0)  # Alice trains in the afternoon
    assert after.need.staffed[thursday].sum() == pytest.approx(before.need.staffed[thursday].sum())

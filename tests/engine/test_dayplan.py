import math
from datetime import time

import pytest

from pfspilot.engine.dayplan import (
    AgentInput,
    AgentPlan,
    DayPlanResult,
    PlanOptions,
    extra_agent,
    lunch_moves,
    lunch_options,
    move_lunch,
    plan_day,
    result_from_payload,
    result_to_payload,
    staffing,
    template_staffing,
    timeline,
)
from pfspilot.engine.parameters import PlatformRules
from pfspilot.engine.requirements import Demand, PlanningError, expected_pickup

SLOTS = [time(9 + m // 60, m % 60) for m in range(0, 450, 30)]  # 9:00 … 16:00
ARRIVALS = [22, 30, 34, 34, 32, 30, 26, 24, 22, 26, 28, 26, 22, 18, 12]
DEMAND = Demand([float(a) for a in ARRIVALS], aht_s=300.0, patience_s=150.0, ivr_share=0.1)
REQUIREMENT = [5, 7, 7, 7, 7, 7, 6, 6, 5, 6, 6, 6, 5, 4, 3]
AGENTS = [
    AgentInput(1, "Anne", "Arras", 1.0, "A"),
    AgentInput(2, "Bruno", "Arras", 1.0, "B"),
    AgentInput(3, "Chloé", "Arras", 0.5, "A"),
    AgentInput(4, "David", "Lens", 1.0, "A"),
    AgentInput(5, "Emma", "Lens", 0.8, "B"),
    AgentInput(6, "Farid", "Lens", 1.0, "B"),
]
LUNCH_WINDOW = [q for q, m in enumerate(range(540, 990, 15)) if 690 <= m <= 780]  # 11:30–13:00


def plan(agents=AGENTS, requirement=REQUIREMENT, **kwargs):
    return plan_day(agents, requirement, SLOTS, demand=DEMAND, time_limit_s=5, **kwargs)


def runs(codes: str, code: str) -> list[tuple[int, int]]:
    found, start = [], None
    for q, c in enumerate(codes + "#"):
        if c == code and start is None:
            start = q
        elif c != code and start is not None:
            found.append((start, q))
            start = None
    return found


def test_it_follows_every_hard_rule():
    result = plan()
    assert result.status == "optimal"
    for agent in result.agents:
        lunches = runs(agent.quarters, "L")
        assert len(lunches) == 1 and lunches[0][1] - lunches[0][0] == 4  # one lunch of 1 h
        assert lunches[0][0] in LUNCH_WINDOW
        # 6 h of phone (8h50–16h30 minus lunch = 6h40 with breaks), pro-rated by the ETP.
        assert agent.phone_minutes() == 15 * math.ceil(26 * agent.fte)
        assert agent.phone_minutes() >= 360 * agent.fte
        # One phone stretch, only lunch cuts it.
        phone = [r for r in runs(agent.quarters.replace("L", "P"), "P")]
        assert len(phone) == 1
    assert min(result.staffed_quarters) >= 1  # the opening hours are covered


def test_it_gives_full_time_agents_the_whole_opening_hours_but_lunch():
    result = plan()
    full = [a for a in result.agents if a.fte == 1.0]
    assert all(a.quarters.count("P") == 26 and "E" not in a.quarters for a in full)


PAIR = [AgentInput(1, "Anne", "Arras", 1.0, "A"), AgentInput(2, "Bruno", "Arras", 1.0, "B")]


def test_it_equals_the_template_when_nothing_is_better():
    # Two agents, two needed all day: whatever the lunches, 8 quarters have one agent missing,
    # each costing 10 (no arrivals given: weight 10, first tier).
    result = plan_day(PAIR, [2] * 15, SLOTS, time_limit_s=5)
    assert result.template_objective == 80
    assert result.objective == 80
    assert result.shortfall == 4.0


def test_it_beats_the_template_by_moving_lunches_to_the_quiet_hour():
    # One agent needed 11:30–13:30: lunches at 11:30 and 12:30 fit exactly (cost 0); the note's
    # 11:45 and 12:45 leave one agent too many at 11:30 (1) and one missing at 13:30 (10).
    need = [2, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]
    result = plan_day(PAIR, need, SLOTS, time_limit_s=5)
    assert result.template_objective == 11
    assert result.objective == 0
    assert [a.quarters.index("L") for a in result.agents] == [10, 14]  # 11:30 for A, 12:30 for B
    assert result.shortfall == 0.0


def test_it_does_at_least_as_well_as_the_note_template():
    result = plan()
    assert result.template_objective == 19224
    assert result.objective == 15142
    assert result.shortfall == 19.0
    assert result.expected_pickup == pytest.approx(0.849557, abs=1e-6)
    assert result.template_expected_pickup == pytest.approx(0.837527, abs=1e-6)
    assert result.expected_pickup == pytest.approx(expected_pickup(DEMAND, result.staffed_quarters))


def test_it_is_deterministic():
    first, second = plan(), plan()
    assert [a.quarters for a in first.agents] == [a.quarters for a in second.agents]
    assert first.objective == second.objective


def test_it_keeps_the_note_day_without_optimising():
    result = plan(optimise=False)
    assert result.status == "template"
    anne = result.agents[0]
    assert timeline(anne, SLOTS) == [
        (time(8, 0), time(8, 50), "email"),
        (time(8, 50), time(11, 45), "phone"),
        (time(11, 45), time(12, 45), "lunch"),
        (time(12, 45), time(16, 30), "phone"),
        (time(16, 30), time(17, 0), "email"),
    ]
    bruno = result.agents[1]
    assert (time(12, 45), time(13, 45), "lunch") in timeline(bruno, SLOTS)


def test_it_takes_agents_off_the_phone_during_training():
    training = [
        AgentInput(a.id, a.name, a.team, a.fte, a.lunch_group, (time(9, 0), time(11, 0)))
        for a in AGENTS
    ]
    result = plan(training)
    assert result.staffed_quarters[:8] == [0] * 8  # 9:00–11:00: everybody in training
    assert min(result.staffed_quarters[8:]) >= 1
    anne = result.agents[0]
    assert anne.quarters[:8] == "T" * 8
    assert anne.quarters.count("P") == 26 - 8
    assert timeline(anne, SLOTS)[0] == (time(8, 0), time(9, 0), "email")
    assert timeline(anne, SLOTS)[1] == (time(9, 0), time(11, 0), "training")


def test_each_agent_is_off_the_phone_in_their_own_windows():
    """Training in groups (each agent's own window) and workshops (more windows off the phone)."""
    morning, afternoon = (time(9, 0), time(11, 0)), (time(14, 0), time(16, 0))
    agents = [
        AgentInput(a.id, a.name, a.team, a.fte, a.lunch_group, morning if i % 2 else afternoon)
        for i, a in enumerate(AGENTS)
    ]
    agents[0] = AgentInput(1, "Anne", "Arras", 1.0, "A", afternoon, ((time(10, 0), time(10, 30)),))
    result = plan(agents, optimise=False)
    anne, bruno = result.agents[0], result.agents[1]
    assert anne.quarters[4:6] == "TT" and anne.quarters[20:28] == "T" * 8
    assert anne.quarters.count("T") == 10
    assert bruno.quarters[:8] == "T" * 8 and bruno.quarters.count("T") == 8
    assert min(result.staffed_quarters) >= 1  # the groups keep the phones covered
    assert template_staffing(agents, SLOTS) == result.staffed_quarters


def test_it_refuses_a_day_without_agents():
    with pytest.raises(PlanningError, match="Aucun agent en service"):
        plan([])


def test_it_refuses_an_empty_forecast():
    with pytest.raises(PlanningError, match="La prévision est vide"):
        plan_day(AGENTS, [], [], demand=None)
    with pytest.raises(PlanningError, match="La prévision est vide"):
        plan_day(AGENTS, REQUIREMENT, SLOTS, demand=Demand([0.0] * 15, 300.0, 150.0, 0.1))


def test_it_says_when_the_opening_hours_cannot_be_covered():
    with pytest.raises(PlanningError, match="Impossible de couvrir"):
        plan(AGENTS[:1])


def test_it_survives_a_round_trip_through_json():
    result = plan()
    back = result_from_payload(result_to_payload(result))
    assert back.agents == result.agents
    assert back.staffed == result.staffed
    assert back.slots == SLOTS


def test_it_moves_a_lunch_keeping_the_phone_time():
    anne = AgentPlan(1, "Anne", "Arras", 1.0, "A", "P" * 11 + "L" * 4 + "P" * 15)
    moved = move_lunch(anne, time(13, 0), SLOTS)
    assert moved.quarters == "P" * 16 + "L" * 4 + "P" * 10
    with pytest.raises(PlanningError, match="hors de la fenêtre"):
        move_lunch(anne, time(15, 0), SLOTS)


def test_it_adds_agents_on_the_note_day():
    first = extra_agent(1, [], SLOTS)
    second = extra_agent(2, [], SLOTS)
    assert first.quarters == "P" * 11 + "L" * 4 + "P" * 15  # A: 11:45
    assert second.quarters == "P" * 15 + "L" * 4 + "P" * 11  # B: 12:45
    assert staffing([first, second], 30)[11:19] == [1, 1, 1, 1, 1, 1, 1, 1]


def test_it_lists_the_lunch_starts_of_the_window():
    assert lunch_options(SLOTS, PlatformRules(), PlanOptions()) == [
        time(11, 30),
        time(11, 45),
        time(12, 0),
        time(12, 15),
        time(12, 30),
        time(12, 45),
        time(13, 0),
    ]


# Quarter indexes of the note's lunches in the 9:00–16:30 day: 11:45 is quarter 11, 12:45
# quarter 15.
NOTE_LUNCH_QUARTERS = {11, 15}


def test_the_note_slots_only_option_lists_only_a_and_b():
    options = PlanOptions(note_lunches_only=True)
    assert lunch_options(SLOTS, PlatformRules(), options) == [time(11, 45), time(12, 45)]


def test_the_optimised_plan_moves_lunches_out_of_the_note_slots_unless_required():
    free = plan()
    free_starts = {runs(a.quarters, "L")[0][0] for a in free.agents}
    assert free_starts - NOTE_LUNCH_QUARTERS  # some lunch left the note's slots
    required = plan(options=PlanOptions(note_lunches_only=True))
    for agent in required.agents:
        assert runs(agent.quarters, "L")[0][0] in NOTE_LUNCH_QUARTERS
    # At most the other group's slot of the note.
    assert all(m.in_note_slot for m in lunch_moves(required))
    # Requiring the note's slots never covers the requirement better than the free window.
    assert required.shortfall >= free.shortfall


def _result(quarters_by_agent, staffed, template, required):
    slots = [time(11, 0), time(11, 30), time(12, 0), time(12, 30), time(13, 0), time(13, 30)]
    agents = [
        AgentPlan(i, name, "", 1.0, group, codes)
        for i, (name, group, codes) in enumerate(quarters_by_agent, start=1)
    ]
    return DayPlanResult(
        slots=slots,
        required=required,
        staffed_quarters=staffed,
        agents=agents,
        objective=0,
        template_objective=0,
        status="optimal",
        solve_time_s=0.0,
        template_staffed_quarters=template,
    )


def test_lunch_moves_give_the_half_hours_covered_by_hand():
    # Quarters from 11:00 to 13:45. Anne (A, note lunch 11:45–12:45 = quarters 3–6) eats
    # 12:00–13:00 (quarters 4–7): on the phone at 11:45 (quarter 3), in the 11:30 half-hour.
    # Bruno (B, note lunch 12:45–13:45 = quarters 7–10) eats there: no move.
    # Chloé (A) eats 11:45 like the note: no move.
    anne = "PPPPLLLLPPPP"
    bruno = "PPPPPPPLLLLP"
    chloe = "PPPLLLLPPPPP"
    staffed = [3, 3, 3, 2, 1, 1, 1, 1, 2, 2, 2, 3]
    template = [3, 3, 3, 1, 1, 1, 1, 0, 1, 1, 1, 3]  # Anne at lunch from 11:45
    # Required per half-hour: 3 at 11:30 (template (3 + 1) / 2 = 2 < 3: short), 1 elsewhere.
    result = _result(
        [("Anne", "A", anne), ("Bruno", "B", bruno), ("Chloé", "A", chloe)],
        staffed,
        template,
        [3, 3, 1, 1, 1, 1],
    )
    (move,) = lunch_moves(result)
    assert (move.name, move.lunch_group) == ("Anne", "A")
    assert (move.note_start, move.start, move.end) == (time(11, 45), time(12, 0), time(13, 0))
    assert not move.in_note_slot
    # 11:30 half-hour: required 3, A/B day (3 + 1) / 2 = 2, plan (3 + 2) / 2 = 2.5.
    assert move.covered == [(time(11, 30), 3, 2.0, 2.5)]


def test_a_lunch_move_covering_no_short_half_hour_says_so():
    anne = "PPPPLLLLPPPP"
    result = _result([("Anne", "A", anne)], [1] * 12, [1] * 12, [0] * 6)
    (move,) = lunch_moves(result)
    assert move.covered == []

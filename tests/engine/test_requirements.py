import pytest

from pfspilot.engine import erlang
from pfspilot.engine.requirements import (
    Demand,
    PlanningError,
    expected_pickup,
    interval_pickups,
    requirement,
)

# 10 then 30 calls offered per half-hour, AHT 5 min, patience 2 min, 10 % ended in the IVR.
DEMAND = Demand(arrivals=[10.0, 30.0], aht_s=300.0, patience_s=120.0, ivr_share=0.1)


def pickup(calls_per_half_hour, agents):
    """Décroché of one half-hour by hand: IVR share + agents' share × (1 − P(abandon))."""
    queue_per_hour = calls_per_half_hour * 0.9 * 2
    p_abandon = erlang.metrics(queue_per_hour, 300.0, agents, patience_s=120.0)["p_abandon"]
    return 0.1 + 0.9 * (1 - p_abandon)


def test_it_finds_the_fewest_agents_reaching_the_target():
    assert requirement(DEMAND, 0.87) == [3, 6]
    # One agent fewer misses 87 %, the requirement reaches it.
    assert pickup(10, 2) == pytest.approx(0.787156, abs=1e-6)
    assert pickup(10, 3) == pytest.approx(0.922702, abs=1e-6)
    assert pickup(30, 5) == pytest.approx(0.843891, abs=1e-6)
    assert pickup(30, 6) == pytest.approx(0.911804, abs=1e-6)


def test_it_needs_nobody_for_a_slot_without_calls():
    assert requirement(Demand([0.0, 30.0], 300.0, 120.0, 0.1), 0.87) == [0, 6]


def test_it_needs_nobody_when_the_ivr_alone_reaches_the_target():
    assert requirement(Demand([10.0, 30.0], 300.0, 120.0, 0.9), 0.87) == [0, 0]


def test_it_weights_the_day_pickup_by_the_offered_calls():
    expected = (10 * pickup(10, 2) + 30 * pickup(30, 5)) / 40
    assert expected_pickup(DEMAND, [2, 5]) == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(0.829708, abs=1e-6)
    assert interval_pickups(DEMAND, [2, 5]) == pytest.approx([pickup(10, 2), pickup(30, 5)])


def test_it_splits_half_hours_into_quarters():
    # Quarters carry half the calls of their half-hour over half the time: same arrival rate.
    by_hand = (5 * pickup(10, 2) + 5 * pickup(10, 3) + 15 * pickup(30, 5) + 15 * pickup(30, 6)) / 40
    assert expected_pickup(DEMAND, [2, 3, 5, 6]) == pytest.approx(by_hand, abs=1e-12)
    assert by_hand == pytest.approx(0.872118, abs=1e-6)
    assert expected_pickup(DEMAND, [3, 3, 6, 6]) == pytest.approx(
        expected_pickup(DEMAND, [3, 6]), abs=1e-12
    )


def test_it_leaves_only_the_ivr_without_agents():
    assert expected_pickup(DEMAND, [0, 0]) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "demand,message",
    [
        (Demand([], 300.0, 120.0, 0.1), "La prévision est vide"),
        (Demand([0.0, 0.0], 300.0, 120.0, 0.1), "La prévision est vide"),
        (Demand([1.0, -1.0], 300.0, 120.0, 0.1), "négatif"),
        (Demand([1.0], 0.0, 120.0, 0.1), "DMT"),
        (Demand([1.0], 300.0, 0.0, 0.1), "patience"),
        (Demand([1.0], 300.0, 120.0, 1.5), "SVI"),
    ],
)
def test_it_rejects_bad_demand_in_french(demand, message):
    with pytest.raises(PlanningError, match=message):
        requirement(demand, 0.87)


def test_it_rejects_a_target_of_100_percent():
    with pytest.raises(PlanningError, match="cible de décroché"):
        requirement(DEMAND, 1.0)

"""An interval no call reaches needs 0 agents, and its figures over calls are unknown (§3)."""

import math

import numpy as np
import pytest

from pfspilot.engine import erlang
from pfspilot.engine.requirements import Demand, expected_pickup, interval_pickups, requirement

NO_CALL = {
    "p_wait": None,
    "p_abandon": None,
    "service_level": None,
    "service_level_answered": None,
    "asa_answered_s": None,
}


def test_no_arrival_needs_no_agent():
    assert erlang.required_agents(0, 180, min_service_level=0.8) == 0
    assert erlang.required_agents(0, 180, 60, max_abandon=0.05) == 0
    # Nobody calls, so nobody hangs up: even a 0 % abandon target holds with 0 agents.
    assert erlang.required_agents(0, 180, 60, max_abandon=0) == 0


def test_an_ivr_share_of_one_needs_no_agent():
    # Every call handled by the IVR: décroché = 1 + 0 × (1 − P(Ab)) = 100 % ≥ 87 %.
    assert erlang.required_agents(100, 600, 60, target_pickup=0.87, ivr_share=1.0) == 0
    # Just below 1 the queue still gets calls: 0.99 + 0.01 × (1 − P(Ab)) ≥ 0.995 needs agents.
    assert erlang.required_agents(100, 600, 60, target_pickup=0.995, ivr_share=0.99) > 0


def test_figures_without_calls_are_unknown_not_zero():
    assert erlang.metrics(0, 180, 5) == NO_CALL | {"occupancy": 0.0}  # 5 idle agents
    assert erlang.metrics(0, 180, 5, patience_s=60) == NO_CALL | {"occupancy": 0.0}
    assert erlang.no_call_figures(0) == NO_CALL | {"occupancy": None}


def test_one_empty_interval_does_not_refuse_a_batch():
    args = dict(
        min_service_level=[0.8, 0.8, np.nan, np.nan, np.nan],
        max_abandon=[np.nan, np.nan, 0.5, np.nan, 0.0],
        target_pickup=[np.nan, np.nan, np.nan, 0.87, np.nan],
        ivr_share=[0.0, 0.0, 0.0, 1.0, 0.0],
    )
    arrivals = [200, 0, 100, 100, 0]
    patience = [np.nan, np.nan, 60, 60, 60]
    agents = erlang.required_agents_batch(arrivals, [180, 180, 600, 600, 600], patience, **args)
    # Rows 1 and 3 as the single searches (14 and 9 agents); rows 2, 4 and 5 reach no agent.
    assert agents.tolist() == [14, 0, 9, 0, 0]
    assert agents[0] == erlang.required_agents(200, 180, min_service_level=0.8)
    assert agents[2] == erlang.required_agents(100, 600, 60, max_abandon=0.5)


def test_batch_figures_of_an_empty_interval_are_nan():
    figures = erlang.metrics_batch([200, 0, 0], 180, [14, 0, 3])
    single = erlang.metrics(200, 180, 14)
    for key in erlang.METRIC_KEYS:
        assert figures[key][0] == pytest.approx(single[key], rel=1e-12)
        if key != "occupancy":
            assert math.isnan(figures[key][1]) and math.isnan(figures[key][2])
    assert math.isnan(figures["occupancy"][1])  # no agent, no call: nothing to measure
    assert figures["occupancy"][2] == 0.0  # three idle agents


def test_planning_with_every_call_in_the_ivr_needs_nobody():
    demand = Demand([10.0, 0.0, 12.0], 300.0, 120.0, ivr_share=1.0)
    assert requirement(demand, 0.87) == [0, 0, 0]
    assert interval_pickups(demand, [0, 0, 0]) == [1.0, 1.0, 1.0]
    assert expected_pickup(demand, [0, 0, 0]) == 1.0

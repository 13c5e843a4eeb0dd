"""Shrinkage estimated from the abandonment (Erlang A inverted) and the logged phone time."""

import math

import numpy as np
import pytest

from pfspilot.engine import erlang, shrinkage


def poisson_abandon(agents: int, a: float = 1.5) -> float:
    """Erlang A abandonment when patience = AHT: the number in the system is Poisson(a)."""
    p = [math.exp(-a) * a**k / math.factorial(k) for k in range(60)]
    return sum((k - agents) * p[k] for k in range(agents, 60)) / a


def test_it_finds_the_agents_of_an_erlang_a_abandonment():
    target = erlang.metrics(180.0, 300.0, 17, patience_s=120.0)["p_abandon"]
    found = shrinkage.effective_agents([180.0], 300.0, 120.0, [target])
    assert found[0] == pytest.approx(17.0, abs=1e-9)


def test_it_interpolates_between_two_whole_numbers_of_agents():
    # 18 calls/hour, AHT = patience = 300 s: p(2) = 0.187304, p(3) = 0.059868 by hand.
    assert poisson_abandon(2) == pytest.approx(0.187304, abs=1e-6)
    assert poisson_abandon(3) == pytest.approx(0.059868, abs=1e-6)
    found = shrinkage.effective_agents([18.0, 18.0, 18.0], 300.0, 300.0, [1 / 9, 0.999, 0.0])
    share = (poisson_abandon(2) - 1 / 9) / (poisson_abandon(2) - poisson_abandon(3))
    assert found[0] == pytest.approx(2 + share, abs=1e-9)
    assert found[0] == pytest.approx(2.597892, abs=1e-6)
    # Almost everybody hangs up: a tiny fraction of one agent (p(0) = 1).
    assert found[1] == pytest.approx((1 - 0.999) / (1 - poisson_abandon(1)), abs=1e-9)
    # No abandon at all is out of reach: the search's ceiling, 2 × 1.5 + 20 agents.
    assert found[2] == 23.0


def test_it_estimates_the_shrinkage_of_days():
    # Two days of 15 half-hours, 9 queued calls and 1 abandon each; 30 h logged per day.
    queued = np.full((2, 15), 9.0)
    abandoned = np.full((2, 15), 1.0)
    estimate = shrinkage.estimate(
        queued, abandoned, [300.0, 300.0], 300.0, [108_000.0, 108_000.0], [72_000.0, 72_000.0]
    )
    ready_h = 2 * 15 * 0.5 * 2.597892
    assert estimate.ready_s / 3600 == pytest.approx(ready_h, abs=1e-4)
    assert estimate.shrinkage == pytest.approx(1 - ready_h / 60, abs=1e-6)
    assert estimate.shrinkage == pytest.approx(0.350527, abs=1e-6)
    assert estimate.days == 2
    assert estimate.occupancy == pytest.approx(40 / ready_h, abs=1e-6)


def test_it_refuses_a_history_it_cannot_read():
    with pytest.raises(shrinkage.ShrinkageInputError, match="aucun appel en file"):
        shrinkage.estimate([[0.0, 9.0]], [[0.0, 1.0]], [300.0], 300.0, [3600.0], [100.0])
    with pytest.raises(shrinkage.ShrinkageInputError, match="temps de téléphone"):
        shrinkage.estimate([[9.0]], [[1.0]], [300.0], 300.0, [0.0], [100.0])

"""Plans validated by simulation: agreement with Erlang A, lunches, seed, shrinkage."""

import math

import pytest

from pfspilot.engine.dayplan import result_to_payload
from pfspilot.engine.requirements import PlanningError
from pfspilot.planning import selectors, services
from tests.planning.dayplan_data import MARCH_2, make_agents, make_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(personas):
    make_history()
    return make_agents()


def poisson_pickup(agents: int) -> float:
    """Décroché of the history's queue by hand: 18 queued calls/hour, AHT = patience = 300 s.

    With patience equal to the AHT every caller in the system leaves at rate 1/300 s, served
    or not, so the number in the system is Poisson of mean a = 1.5 (an M/M/∞ queue) and
    P(abandon) = E[(K − n)+] / a. The IVR takes 10 % of the calls.
    """
    a = 1.5
    p = [math.exp(-a) * a**k / math.factorial(k) for k in range(60)]
    p_abandon = sum((k - agents) * p[k] for k in range(agents, 60)) / a
    return 0.1 + 0.9 * (1 - p_abandon)


def flat_payload(agents: int, shrinkage: float = 0.0) -> dict:
    """Agents on the phone all day (no lunch): a stationary day."""
    return {
        "slots": [f"{9 + k // 2:02d}:{30 * (k % 2):02d}" for k in range(15)],
        "agents": [{"id": k, "quarters": "P" * 30} for k in range(agents)],
        "shrinkage": shrinkage,
    }


def without_clock(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "elapsed_s"}


def test_it_agrees_with_erlang_a_on_a_stationary_day(platform):
    result = services.validate_plan(MARCH_2, flat_payload(3))
    assert poisson_pickup(3) == pytest.approx(0.946119, abs=1e-6)
    assert result["erlang_pickup"] == pytest.approx(poisson_pickup(3), abs=1e-9)
    low, high = result["pickup"]["ci95"]
    assert low < result["erlang_pickup"] < high
    assert result["pickup"]["mean"] == pytest.approx(0.947513, abs=1e-6)
    assert result["replications"] == 20 and result["seed"] == 2026
    assert result["offered_per_day"] == pytest.approx(150.6)
    assert result["slots"]["staffed"] == [3.0] * 15
    assert result["slots"]["ready"] == [3.0] * 15


def test_it_counts_only_the_ready_agents_with_shrinkage(platform):
    # Half of 4 agents ready: the queue of 2 agents, by hand 83.1 %.
    result = services.validate_plan(MARCH_2, flat_payload(4, shrinkage=0.5))
    assert result["shrinkage"] == 0.5
    assert result["slots"]["ready"] == [2.0] * 15
    assert result["erlang_pickup"] == pytest.approx(poisson_pickup(2), abs=1e-9)
    assert poisson_pickup(2) == pytest.approx(0.831427, abs=1e-6)
    low, high = result["pickup"]["ci95"]
    assert low < poisson_pickup(2) < high


def test_it_simulates_fewer_agents_and_a_lower_pickup_at_lunch(platform):
    view = selectors.day_view(MARCH_2)
    result = services.validate_plan(MARCH_2, result_to_payload(view.result))
    slots = result["slots"]
    # The A/B day: 5 agents in the morning; at 12:00 the A group (3 agents) is at lunch.
    assert slots["ready"][:5] == [5.0] * 5
    assert slots["ready"][6] == 2.0
    assert slots["pickup"][6] < min(slots["pickup"][:5])
    assert slots["pickup"][6] == pytest.approx(0.793103, abs=1e-6)
    assert slots["erlang_pickup"][6] == pytest.approx(0.831427, abs=1e-6)
    assert result["erlang_pickup"] == pytest.approx(view.result.expected_pickup, abs=1e-12)


def test_it_gives_the_same_figures_for_the_same_seed(platform):
    payload = flat_payload(3, shrinkage=0.2)
    first = services.validate_plan(MARCH_2, payload, seed=7)
    again = services.validate_plan(MARCH_2, payload, seed=7)
    other = services.validate_plan(MARCH_2, payload, seed=8)
    assert without_clock(first) == without_clock(again)
    assert first["pickup"]["mean"] != other["pickup"]["mean"]


def test_it_rejects_a_plan_that_does_not_fit_the_forecast(platform):
    payload = flat_payload(3)
    with pytest.raises(PlanningError, match="demi-heures de la prévision"):
        services.validate_plan(MARCH_2, payload | {"slots": payload["slots"][:-1]})
    with pytest.raises(PlanningError, match="deux réplications"):
        services.validate_plan(MARCH_2, payload, replications=1)
    with pytest.raises(PlanningError, match="indisponibilité"):
        services.validate_plan(MARCH_2, flat_payload(3, shrinkage=1.0))


def test_a_day_without_abandon_has_intervals_above_zero_and_below_one(platform):
    # 40 agents for 18 queued calls an hour: nobody waits, nobody hangs up, décroché 100 %.
    result = services.validate_plan(MARCH_2, flat_payload(40))
    assert result["p_abandon"]["mean"] == 0.0 and result["pickup"]["mean"] == 1.0
    offered = round(result["offered_per_day"] * 20)  # every call of the 20 replications
    low, high = result["pickup"]["ci95"]
    # Clopper–Pearson with all n calls treated: [0.025^(1/n), 1], not [1, 1].
    assert (low, high) == (pytest.approx(0.025 ** (1 / offered), rel=1e-9), 1.0)
    low, high = result["p_abandon"]["ci95"]
    assert low == 0.0 and 0.0 < high < 0.01  # [0, 1 − 0.025^(1/queued)], not [0, 0]

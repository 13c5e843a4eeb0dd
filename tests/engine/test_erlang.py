"""Erlang B/C/A: published cases, brute-force CTMC cross-checks, staffing, bad input."""

import math

import numpy as np
import pytest
from scipy import linalg
from scipy.special import gammaln, logsumexp

from pfspilot.engine import erlang

KEYS = set(erlang.METRIC_KEYS)


def birth_death(arrivals_per_hour, aht_s, patience_s, agents, extra=200):
    """Stationary law of the truncated M/M/n+M chain, solved as a linear system with NumPy."""
    lam, mu, theta = arrivals_per_hour / 3600, 1 / aht_s, 1 / patience_s
    size = agents + extra + 1
    generator = np.zeros((size, size))
    for j in range(size):
        if j + 1 < size:
            generator[j, j + 1] = lam
        if j > 0:
            generator[j, j - 1] = min(j, agents) * mu + max(j - agents, 0) * theta
        generator[j, j] = -generator[j].sum()
    system = generator.T.copy()
    system[-1] = 1.0  # one balance equation is redundant: replace it by Σπ = 1
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    return np.linalg.solve(system, rhs)


def brute_force(arrivals_per_hour, aht_s, patience_s, agents, within_s, extra=200):
    """All six figures from the CTMC and a tagged caller's absorbing chain (matrix exponential).

    A caller finding k callers queued sees them leave at rate nμ + jθ (served or hanging up),
    then waits nμ for an agent; they hang up themselves at rate θ. Served by t:
    p0 Q⁻¹(e^{Qt} − I) r; E[wait; served] = p0 Q⁻² r.
    """
    pi = birth_death(arrivals_per_hour, aht_s, patience_s, agents, extra)
    lam, mu, theta = arrivals_per_hour / 3600, 1 / aht_s, 1 / patience_s
    queue = np.arange(extra + 1)
    p_abandon = theta * (queue * pi[agents:]).sum() / lam
    transient = np.diag(-(agents * mu + queue * theta + theta))
    transient[queue[1:], queue[1:] - 1] = agents * mu + queue[1:] * theta
    served_rate = np.zeros(extra + 1)
    served_rate[0] = agents * mu
    inverse = np.linalg.inv(transient)
    start = pi[agents:]
    exp_q = linalg.expm(transient * within_s)
    served_within = start @ inverse @ (exp_q - np.eye(extra + 1)) @ served_rate
    served_wait = start @ inverse @ inverse @ served_rate
    p_served = 1 - p_abandon
    level = pi[:agents].sum() + served_within
    return {
        "p_wait": pi[agents:].sum(),
        "p_abandon": p_abandon,
        "service_level": level,
        "service_level_answered": level / p_served,
        "asa_answered_s": served_wait / p_served,
        "occupancy": lam * p_served / (agents * mu),
    }


def product_form(arrivals_per_hour, aht_s, patience_s, agents, extra=300_000):
    """P(wait) and P(abandon) from the explicit birth–death product, summed in log space."""
    lam, mu, theta = arrivals_per_hour / 3600, 1 / aht_s, 1 / patience_s
    j = np.arange(1, agents + extra + 1)
    deaths = np.minimum(j, agents) * mu + np.maximum(j - agents, 0) * theta
    log_p = np.concatenate([[0.0], np.cumsum(math.log(lam) - np.log(deaths))])
    p = np.exp(log_p - logsumexp(log_p))
    queued = np.maximum(np.arange(p.size) - agents, 0)
    return p[agents:].sum(), theta * (queued * p).sum() / lam


# --- published and hand-checked cases --------------------------------------------------------


def test_it_staffs_the_published_erlang_c_case_with_14_agents():
    assert erlang.required_agents(200, 180, min_service_level=0.8, answer_within_s=20) == 14
    assert erlang.metrics(200, 180, 13)["service_level"] < 0.8


def test_it_gives_the_hand_computed_erlang_c_figures_at_14_agents():
    # a = 10 erlangs; B(10, 14) from the recursion, C = B / (1 − (a/n)(1 − B)).
    figures = erlang.metrics(200, 180, 14, answer_within_s=20)
    assert figures["p_wait"] == pytest.approx(0.174131934, abs=1e-9)
    # SL = 1 − C e^{−(n − a) T / AHT} = 1 − C e^{−4 × 20 / 180}
    assert figures["service_level"] == pytest.approx(1 - 0.174131934 * math.exp(-80 / 180), 1e-8)
    # ASA = C × AHT / (n − a) = C × 180 / 4
    assert figures["asa_answered_s"] == pytest.approx(0.174131934 * 45, 1e-8)
    assert figures["occupancy"] == pytest.approx(10 / 14)
    assert figures["p_abandon"] == 0.0
    assert figures["service_level_answered"] == figures["service_level"]
    assert set(figures) == KEYS


@pytest.mark.parametrize(
    ("load", "agents", "expected"),
    [
        (10, 10, 0.214582),  # Erlang B table
        (5, 10, 0.018385),
        (2, 3, 4 / 19),  # (8/6) / (1 + 2 + 2 + 8/6)
        (1, 2, 0.2),
        (1, 1, 0.5),
    ],
)
def test_it_matches_the_erlang_b_table(load, agents, expected):
    assert erlang.erlang_b(load, agents) == pytest.approx(expected, abs=5e-7)


@pytest.mark.parametrize(
    ("load", "agents", "expected"),
    [
        (1, 2, 1 / 3),  # B = 0.2, C = 0.2 / (1 − 0.5 × 0.8)
        (10, 11, 0.682118),  # Erlang C table
        (10, 12, 0.449388),
        (2, 3, (4 / 19) / (1 - (2 / 3) * (15 / 19))),
    ],
)
def test_it_matches_erlang_c_values(load, agents, expected):
    assert erlang.erlang_c(load, agents) == pytest.approx(expected, abs=5e-7)


# --- Erlang A against brute force --------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrivals", "aht", "patience", "agents", "within"),
    [
        (100, 600, 60, 10, 20),
        (200, 180, 120, 9, 20),
        (50, 300, 30, 2, 10),
        (360, 240, 90, 30, 30),
        (30, 200, 600, 1, 60),
        (500, 120, 45, 20, 5),
    ],
)
def test_it_matches_a_brute_force_ctmc(arrivals, aht, patience, agents, within):
    expected = brute_force(arrivals, aht, patience, agents, within)
    figures = erlang.metrics(arrivals, aht, agents, patience_s=patience, answer_within_s=within)
    for key in KEYS:
        assert figures[key] == pytest.approx(expected[key], rel=1e-7), key


def test_it_gives_the_waiting_time_tail_of_the_ctmc():
    # P(V > t) for the offered wait: tagged chain without the caller's own patience.
    arrivals, aht, patience, agents, t = 200, 180, 120, 9, 30
    pi = birth_death(arrivals, aht, patience, agents)
    mu, theta = 1 / aht, 1 / patience
    queue = np.arange(201)
    transient = np.diag(-(agents * mu + queue * theta))
    transient[queue[1:], queue[1:] - 1] = agents * mu + queue[1:] * theta
    still_waiting = pi[agents:] @ linalg.expm(transient * t) @ np.ones(201)
    offered = erlang.wait_tail(arrivals, aht, agents, t, patience_s=patience, offered=True)
    actual = erlang.wait_tail(arrivals, aht, agents, t, patience_s=patience)
    assert offered == pytest.approx(still_waiting, rel=1e-7)
    assert actual == pytest.approx(still_waiting * math.exp(-theta * t), rel=1e-7)
    p_wait = erlang.metrics(arrivals, aht, agents, patience_s=patience)["p_wait"]
    assert erlang.wait_tail(arrivals, aht, agents, 0, patience_s=patience) == pytest.approx(p_wait)


def test_it_gives_the_erlang_c_waiting_tail():
    # C e^{−(nμ − λ)t} with C = 0.174131934, nμ − λ = 4/180 per second.
    tail = erlang.wait_tail(200, 180, 14, 20)
    assert tail == pytest.approx(0.174131934 * math.exp(-80 / 180), rel=1e-8)


def test_it_tends_to_erlang_c_when_callers_are_very_patient():
    patient = erlang.metrics(200, 180, 14, patience_s=1e9)
    erlang_c = erlang.metrics(200, 180, 14)
    for key in KEYS - {"p_abandon"}:
        assert patient[key] == pytest.approx(erlang_c[key], rel=1e-6), key
    assert patient["p_abandon"] < 1e-7


def test_it_follows_the_mandelbaum_zeltyn_abandonment_formula():
    # P(Ab | W > 0) = 1/(ρ A) + 1 − 1/ρ, with A = A(nμ/θ, λ/θ) = Σ_k y^k / ((x+1)…(x+k)).
    arrivals, aht, patience, agents = 360, 240, 90, 22
    lam, mu, theta = arrivals / 3600, 1 / aht, 1 / patience
    x, y, rho = agents * mu / theta, lam / theta, lam / (agents * mu)
    terms = np.cumprod(y / (x + np.arange(1, 400)))
    series = 1 + terms.sum()
    figures = erlang.metrics(arrivals, aht, agents, patience_s=patience)
    conditional = 1 / (rho * series) + 1 - 1 / rho
    assert figures["p_abandon"] == pytest.approx(conditional * figures["p_wait"], rel=1e-10)


# --- stability and monotonicity --------------------------------------------------------------


def test_it_stays_exact_at_1000_agents_and_1000_erlangs():
    arrivals = 1000 * 3600 / 180  # 1 000 erlangs with AHT 180 s
    for agents, patience in ((1000, 300), (1000, 3600), (900, 60), (1, 300)):
        figures = erlang.metrics(arrivals, 180, agents, patience_s=patience)
        p_wait, p_abandon = product_form(arrivals, 180, patience, agents)
        assert figures["p_wait"] == pytest.approx(p_wait, rel=1e-9)
        assert figures["p_abandon"] == pytest.approx(p_abandon, rel=1e-9)
        assert all(0 <= figures[key] <= 1 for key in KEYS - {"asa_answered_s"})
        assert math.isfinite(figures["asa_answered_s"])
    # One agent facing 1 000 erlangs: nearly everybody hangs up, the agent never rests.
    assert figures["p_abandon"] == pytest.approx(0.999, abs=1e-9)
    big = erlang.metrics(arrivals * 0.999, 180, 1000)
    assert 0 < big["p_wait"] < 1
    assert big["asa_answered_s"] == pytest.approx(big["p_wait"] * 180 / 1, rel=1e-9)


def test_it_stays_exact_for_very_patient_callers_near_saturation():
    # x = nμ/θ = 1e8: the incomplete gamma's far tail is avoided (series instead).
    p_wait, p_abandon = product_form(999 * 360, 10, 1e6, 1000)
    figures = erlang.metrics(999 * 360, 10, 1000, patience_s=1e6)
    assert figures["p_wait"] == pytest.approx(p_wait, rel=1e-9)
    assert figures["p_abandon"] == pytest.approx(p_abandon, rel=1e-6)


def test_it_moves_every_figure_the_right_way_when_agents_are_added():
    agents = np.arange(1, 61)
    figures = erlang.metrics_batch(np.full(60, 300.0), 240, agents, patience_s=90)
    assert np.all(np.diff(figures["p_wait"]) < 0)
    assert np.all(np.diff(figures["p_abandon"]) < 0)
    assert np.all(np.diff(figures["service_level"]) > 0)
    assert np.all(np.diff(figures["service_level_answered"]) >= 0)
    assert np.all(np.diff(figures["asa_answered_s"]) < 0)
    assert np.all(np.diff(figures["occupancy"]) < 0)


def test_it_gives_the_same_figures_one_by_one_and_in_a_batch():
    batch = erlang.metrics_batch([100, 200, 360], [600, 180, 240], [10, 14, 30], [60, np.nan, 90])
    for index, (arrivals, aht, agents, patience) in enumerate(
        [(100, 600, 10, 60), (200, 180, 14, None), (360, 240, 30, 90)]
    ):
        single = erlang.metrics(arrivals, aht, agents, patience_s=patience)
        for key in KEYS:
            assert batch[key][index] == pytest.approx(single[key], rel=1e-12)


# --- staffing -----------------------------------------------------------------------------


def test_it_staffs_below_the_offered_load_when_callers_hang_up():
    # λ = 100/h, AHT 600 s: 16.7 erlangs; patience 60 s; at most half may hang up.
    agents = erlang.required_agents(100, 600, 60, max_abandon=0.5)
    assert agents == 9
    assert erlang.metrics(100, 600, 9, patience_s=60)["p_abandon"] <= 0.5
    assert erlang.metrics(100, 600, 8, patience_s=60)["p_abandon"] > 0.5


def test_it_staffs_for_a_pickup_target_with_the_ivr_share():
    agents = erlang.required_agents(100, 600, 60, target_pickup=0.87, ivr_share=0.1)
    assert agents == 17

    def pickup(n):
        return erlang.pickup_rate(erlang.metrics(100, 600, n, patience_s=60)["p_abandon"], 0.1)

    assert pickup(17) >= 0.87 > pickup(16)


def test_it_staffs_for_occupancy_and_asa_targets():
    # Erlang C, a = 10: occupancy 10/13 ≤ 0.8 < 10/12; ASA(13) = 17.1 s, ASA(14) = 7.8 s.
    assert erlang.required_agents(200, 180, max_occupancy=0.8) == 13
    assert erlang.required_agents(200, 180, max_asa_s=10) == 14
    # Targets combine: the strictest one decides.
    assert erlang.required_agents(200, 180, max_occupancy=0.8, max_asa_s=10) == 14


def test_it_reports_unreachable_targets_instead_of_looping():
    with pytest.raises(erlang.UnreachableTarget, match="inatteignable"):
        erlang.required_agents(2000, 600, min_service_level=0.8, max_agents=100)
    with pytest.raises(erlang.UnreachableTarget):
        erlang.required_agents(100, 600, 60, max_abandon=0.0)
    with pytest.raises(erlang.UnreachableTarget) as caught:
        erlang.required_agents_batch([100, 2000], 600, 60, max_abandon=0.05, max_agents=100)
    assert caught.value.rows == [1]
    with pytest.raises(erlang.UnreachableTarget) as caught:
        erlang.required_agents_batch([100, 100], 600, [np.nan, 60], max_abandon=0.0)
    assert caught.value.rows == [1]


def test_it_staffs_a_batch_exactly_like_one_interval_at_a_time():
    rng = np.random.default_rng(20260601)
    size = 60
    arrivals = rng.uniform(5, 400, size)
    aht = rng.uniform(120, 600, size)
    patience = rng.uniform(30, 600, size)
    patience[::5] = np.nan  # Erlang C rows
    targets = [
        {"max_abandon": 0.05},
        {"min_service_level": 0.8, "answer_within_s": 30.0},
        {"target_pickup": 0.87, "ivr_share": 0.1},
        {"max_asa_s": 25.0},
        {"max_occupancy": 0.85, "min_service_level": 0.7},
    ]
    for target in targets:
        batch = erlang.required_agents_batch(arrivals, aht, patience, **target)
        for i in range(size):
            single_patience = None if np.isnan(patience[i]) else patience[i]
            expected = erlang.required_agents(arrivals[i], aht[i], single_patience, **target)
            assert batch[i] == expected, (target, i)


def erlang_c_by_sums(arrivals_per_hour, aht_s, within_s, agents):
    """Erlang C figures for every n in `agents` from the explicit sums Σ a^k/k!, in log space."""
    load = arrivals_per_hour * aht_s / 3600
    log_terms = np.arange(agents.max() + 1) * math.log(load) - gammaln(
        np.arange(agents.max() + 1) + 1
    )
    below = np.logaddexp.accumulate(log_terms)[agents - 1]  # log Σ_{k<n} a^k/k!
    queued = log_terms[agents] + np.log(agents / (agents - load))
    p_wait = np.exp(queued - np.logaddexp(below, queued))
    service_level = 1 - p_wait * np.exp(-(agents - load) * within_s / aht_s)
    return service_level, p_wait * aht_s / (agents - load), load / agents


def test_it_staffs_erlang_c_like_an_exhaustive_search_over_the_explicit_sums():
    # The one-pass recursion (batch) and the plain-float loop (one interval) against the first n
    # meeting every target by the textbook sums, on 300 random intervals of up to 500 erlangs.
    rng = np.random.default_rng(20261128)
    size = 300
    arrivals = rng.uniform(1, 2000, size)
    aht = rng.uniform(30, 900, size)
    within = rng.choice([0.0, 10.0, 20.0, 60.0], size)
    min_sl = rng.uniform(0.5, 0.95, size)
    max_asa = rng.uniform(2, 120, size)
    max_occ = rng.uniform(0.6, 0.98, size)
    min_sl[::3], max_asa[1::3], max_occ[2::3] = np.nan, np.nan, np.nan
    goals = {"min_service_level": min_sl, "max_asa_s": max_asa, "max_occupancy": max_occ}
    batch = erlang.required_agents_batch(arrivals, aht, answer_within_s=within, **goals)
    for i in range(size):
        load = arrivals[i] * aht[i] / 3600
        agents = np.arange(math.floor(load) + 1, math.floor(load) + 400)
        level, asa, occupancy = erlang_c_by_sums(arrivals[i], aht[i], within[i], agents)
        with np.errstate(invalid="ignore"):
            ok = (
                (np.isnan(min_sl[i]) | (level >= min_sl[i]))
                & (np.isnan(max_asa[i]) | (asa <= max_asa[i]))
                & (np.isnan(max_occ[i]) | (occupancy <= max_occ[i]))
            )
        expected = int(agents[np.argmax(ok)])
        assert batch[i] == expected, i
        one = {key: None if np.isnan(goal[i]) else goal[i] for key, goal in goals.items()}
        assert erlang.required_agents(arrivals[i], aht[i], answer_within_s=within[i], **one) == (
            expected
        ), i


def test_it_matches_the_previous_exact_figures_at_the_staffing_found():
    # The search stops at n where the exact figures (metrics_batch) meet the target, not at n − 1.
    rng = np.random.default_rng(4)
    arrivals = rng.uniform(20, 400, 500)
    aht = rng.uniform(240, 420, 500)
    agents = erlang.required_agents_batch(arrivals, aht, min_service_level=0.8, max_asa_s=30)
    at = erlang.metrics_batch(arrivals, aht, agents)
    below = erlang.metrics_batch(arrivals, aht, agents - 1)
    assert np.all((at["service_level"] >= 0.8) & (at["asa_answered_s"] <= 30))
    with np.errstate(invalid="ignore"):
        assert not np.any((below["service_level"] >= 0.8) & (below["asa_answered_s"] <= 30))


def test_it_staffs_erlang_c_far_above_the_load_and_stops_at_the_cap():
    # a = 0.5 and 0.1 erlang, occupancy ≤ 0.1 %: 500 and 100 agents; D_500 overflows, C = 0.
    agents = erlang.required_agents_batch([1800, 360], 1, max_occupancy=0.001)
    assert agents.tolist() == [500, 100]
    assert erlang.required_agents(1800, 1, max_occupancy=0.001) == 500
    assert erlang.metrics(1800, 1, 500)["p_wait"] == 0.0
    # 14 agents are needed for 200 calls/h × 180 s; a cap of 13 fails those rows only.
    with pytest.raises(erlang.UnreachableTarget, match="n° 1 .*13 agents") as caught:
        erlang.required_agents_batch([200, 20, 200], 180, min_service_level=0.8, max_agents=13)
    assert caught.value.rows == [0, 2]
    assert erlang.required_agents_batch([200, 20], 180, min_service_level=0.8).tolist() == [14, 3]


def test_it_accepts_one_target_per_interval_in_a_batch():
    agents = erlang.required_agents_batch(
        [200, 100, 100],
        [180, 600, 600],
        [np.nan, 60, 60],
        max_abandon=[np.nan, 0.5, np.nan],
        min_service_level=[0.8, np.nan, np.nan],
        target_pickup=[np.nan, np.nan, 0.87],
        ivr_share=[0.0, 0.0, 0.1],
    )
    assert agents.tolist() == [14, 9, 17]


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: erlang.metrics(-5, 180, 10), "appels par heure doit être positif ou nul"),
        (lambda: erlang.metrics(200, 0, 10), "durée moyenne de traitement"),
        (lambda: erlang.metrics(200, 180, 10, patience_s=0), "patience"),
        (lambda: erlang.metrics(200, 180, 1001), "entre 1 et 1000"),
        (lambda: erlang.metrics(200, 180, 0, patience_s=60), "entre 1 et 1000"),
        (lambda: erlang.metrics(200, 180, 2.5, patience_s=60), "entier"),
        (lambda: erlang.required_agents(200, 180, max_abandon=1.0), "100 %"),
        (lambda: erlang.required_agents(200, 180, min_service_level=1.2), "100 %"),
        (lambda: erlang.required_agents(200, 180, target_pickup=-0.1), "entre 0 et 1"),
        (lambda: erlang.required_agents(200, 180), "Aucun objectif"),
        (lambda: erlang.required_agents(200, 180, max_abandon=0.1, max_agents=1001), "1000"),
        (lambda: erlang.required_agents_batch([200, -1], 180, max_abandon=0.1), "n° 2"),
        (lambda: erlang.required_agents(200, 180, target_pickup=0.8, ivr_share=1.2), "SVI"),
        (lambda: erlang.required_agents_batch([200], 180, max_abandon=[1.0]), "100 %"),
        (lambda: erlang.required_agents_batch([200, 100], 180, max_abandon=[0.1, np.nan]), "n° 2"),
    ],
)
def test_it_rejects_bad_input_with_a_french_message(call, message):
    with pytest.raises(erlang.ErlangError, match=message):
        call()


def test_it_reports_an_unstable_erlang_c_queue():
    with pytest.raises(erlang.UnstableQueue, match="File instable"):
        erlang.metrics(200, 180, 10)  # load 10 on 10 agents, nobody hangs up
    with pytest.raises(erlang.UnstableQueue):
        erlang.erlang_c(12, 10)
    # Erlang A is stable at any load: the same interval with impatient callers has figures.
    assert erlang.metrics(200, 180, 10, patience_s=60)["p_abandon"] > 0
    # Staffing Erlang C starts above the load on its own.
    assert erlang.required_agents(200, 180, max_abandon=0.1) == 11
    assert issubclass(erlang.ErlangError, ValueError)

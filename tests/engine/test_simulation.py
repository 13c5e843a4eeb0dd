"""The queue simulator: hand-computed timelines, Erlang A agreement, edge cases, determinism."""

import math

import numpy as np
import pytest

from pfspilot.engine.simulation import (
    ABANDONED,
    ANSWERED,
    IVR,
    SimulationInputError,
    run_queue,
    simulate,
    simulate_stationary,
    staffing_table,
)


def erlang_a_reference(arrivals_per_hour, aht_s, patience_s, agents, states=600):
    """Independent M/M/n+M figures from a truncated birth-death chain.

    P(abandon) = θ·E[queue]/λ; the mean wait of answered callers follows a tagged caller who
    arrives behind q queued callers: each step ahead happens at rate nμ + iθ, against θ for
    hanging up, and the time spent at each step is exponential with the total rate.
    """
    lam, mu, theta, n = arrivals_per_hour / 3600, 1 / aht_s, 1 / patience_s, agents
    k = np.arange(states + 1)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    queued = np.maximum(k - n, 0)
    p_abandon = theta * float((queued * p).sum()) / lam
    step = n * mu + k * theta
    p_reach = np.cumprod(step / (step + theta))
    time_to_serve = np.cumsum(1 / (step + theta))
    served = np.where(k < n, 1.0, p_reach[queued])
    wait_served = np.where(k < n, 0.0, p_reach[queued] * time_to_serve[queued])
    asa = float((p * wait_served).sum() / (p * served).sum())
    return p_abandon, 1 - float((p * served).sum()), asa


def erlang_b(load, agents):
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def test_it_follows_a_hand_computed_timeline_across_a_break():
    # One agent on the phone in [0, 100) and [200, 300), on break in [100, 200).
    available = np.array([[True, False, True]])
    queue = run_queue(
        np.array([10.0, 90.0, 110.0, 150.0]),
        np.array([50.0, 30.0, 40.0, 10.0]),
        np.array([5.0, 5.0, 200.0, 10.0]),
        available,
        slot_s=100.0,
    )
    # 10-60 served; 90-120 served (the call overruns the break); 110 waits for 200; 150 leaves.
    assert queue.wait_s.tolist() == [0.0, 0.0, 90.0, 10.0]
    assert queue.outcome.tolist() == [ANSWERED, ANSWERED, ANSWERED, ABANDONED]
    assert queue.agent.tolist() == [0, 0, 0, -1]


def test_it_does_not_give_a_call_to_an_agent_gone_on_break():
    # Agent 0 is idle since 11 but leaves the phone at 100; agent 1 is busy until 520.
    available = np.array([[True, False], [True, True]])
    queue = run_queue(
        np.array([10.0, 20.0, 150.0]),
        np.array([1.0, 500.0, 1.0]),
        np.array([0.0, 0.0, 0.0]),
        available,
        slot_s=100.0,
    )
    assert queue.outcome.tolist() == [ANSWERED, ANSWERED, ABANDONED]
    assert queue.agent.tolist() == [0, 1, -1]


@pytest.mark.parametrize(
    ("drain", "wait", "outcome"), [(True, 90.0, ANSWERED), (False, 1000.0, ABANDONED)]
)
def test_it_serves_callers_queued_at_closing_only_when_draining(drain, wait, outcome):
    available = np.array([[True]])
    queue = run_queue(
        np.array([10.0, 20.0]),
        np.array([100.0, 5.0]),
        np.array([1000.0, 1000.0]),
        available,
        slot_s=100.0,
        drain=drain,
    )
    assert queue.wait_s[1] == wait
    assert queue.outcome[1] == outcome


def test_it_matches_a_plain_event_simulation_with_a_constant_team():
    rng = np.random.default_rng(5)
    arrival = np.cumsum(rng.exponential(20.0, 3000))
    service = rng.exponential(180.0, 3000)
    patience = rng.exponential(60.0, 3000)
    fast = run_queue(arrival, service, patience, 8)
    # Reference: agents' free times as a sorted list, callers in arrival order.
    free = [0.0] * 8
    waits, outcomes = [], []
    for a, s, p in zip(arrival, service, patience, strict=True):
        free.sort()
        start = max(a, free[0])
        if start - a > p:
            waits.append(p)
            outcomes.append(ABANDONED)
        else:
            waits.append(start - a)
            outcomes.append(ANSWERED)
            free[0] = start + s
    assert np.allclose(fast.wait_s, waits)
    assert fast.outcome.tolist() == outcomes


def test_it_keeps_fifo_order_and_each_agent_on_the_phone_and_on_one_call():
    rng = np.random.default_rng(11)
    slot_s = 300.0
    counts = rng.integers(2, 9, 40)
    available = staffing_table(counts)
    arrival = np.sort(rng.random(4000) * 40 * slot_s)
    service = rng.exponential(150.0, 4000)
    queue = run_queue(arrival, service, rng.exponential(90.0, 4000), available, slot_s=slot_s)
    answered = queue.outcome == ANSWERED
    start = (arrival + queue.wait_s)[answered]
    assert np.all(np.diff(start) >= 0)  # FIFO: served in arrival order
    agent = queue.agent[answered]
    slot = np.minimum((start / slot_s).astype(int), 39)
    assert available[agent, slot].all()
    end = start + service[answered]
    for j in np.unique(agent):
        mine = agent == j
        assert np.all(start[mine][1:] >= end[mine][:-1] - 1e-9)
    assert 0 < (~answered).sum() < 4000


def test_it_agrees_with_erlang_a_in_a_stationary_case():
    p_ref, p_ref_tagged, asa_ref = erlang_a_reference(200, 180, 120, 12)
    assert p_ref == pytest.approx(p_ref_tagged, rel=1e-9)
    assert p_ref == pytest.approx(0.0616, abs=1e-4)
    # 40 independent 8-hour days.
    result = simulate([200] * 16, 180, 120, 12, replications=40, seed=2026).summary()
    assert result["offered"] > 60_000
    low, high = result["p_abandon_ci95"]
    assert low <= p_ref <= high
    assert high - low < 0.01
    low, high = result["asa_answered_s_ci95"]
    assert low <= asa_ref <= high


def test_it_agrees_with_erlang_a_by_batch_means_on_one_long_run():
    p_ref, _, asa_ref = erlang_a_reference(300, 240, 90, 20)
    figures = simulate_stationary(300, 240, 90, 20, hours=300, seed=4)
    low, high = figures["p_abandon_ci95"]
    assert low <= p_ref <= high
    low, high = figures["asa_answered_s_ci95"]
    assert low <= asa_ref <= high


def test_it_agrees_with_the_erlang_module():
    erlang = pytest.importorskip("pfspilot.engine.erlang")
    p_ref, _, asa_ref = erlang_a_reference(200, 180, 120, 12)
    figures = erlang.metrics(200, 180, 12, patience_s=120)
    assert figures["p_abandon"] == pytest.approx(p_ref, rel=1e-6)
    assert figures["asa_answered_s"] == pytest.approx(asa_ref, rel=1e-6)


def test_it_obeys_the_abandonment_and_occupancy_balances():
    rep = simulate([200] * 200, 180, 120, 12, seed=8).replications[0]
    abandoned = (rep.outcome == ABANDONED).sum()
    # Exponential patience: abandons ≈ total time spent waiting / mean patience (domain.md).
    assert rep.wait_s.sum() / abandoned == pytest.approx(120, rel=0.05)
    # Agents' busy time = answered calls × their service: mean service close to the AHT.
    answered = rep.outcome == ANSWERED
    assert rep.talk_s[answered].mean() == pytest.approx(180, rel=0.02)
    # Offered ≈ λ × duration (100 hours).
    assert rep.outcome.size == pytest.approx(20_000, rel=0.02)


def test_it_gives_erlang_b_blocking_when_nobody_waits():
    # Zero patience: a caller who finds every agent busy leaves at once (M/M/n/n loss system).
    result = simulate([100] * 20, 300, 0.0, 10, replications=20, seed=3).summary()
    blocking = erlang_b(100 * 300 / 3600, 10)
    assert blocking == pytest.approx(0.1369, abs=1e-4)
    low, high = result["p_abandon_ci95"]
    assert low <= blocking <= high
    assert result["asa_answered_s"] == 0.0


def test_it_loses_every_call_without_agents():
    rep = simulate([60, 60], 180, 30, 0, seed=1).replications[0]
    assert rep.outcome.size > 0
    assert (rep.outcome == ABANDONED).all()
    assert (rep.agent == -1).all()
    totals = rep.totals()
    assert totals["answered"] == 0
    assert totals["p_abandon"] == 1.0
    assert totals["pickup_rate"] == 0.0


def test_it_is_deterministic_with_a_seed():
    first = simulate([120] * 4, 200, 60, staffing_table([3, 2, 3, 3]), seed=42)
    again = simulate([120] * 4, 200, 60, staffing_table([3, 2, 3, 3]), seed=42)
    other = simulate([120] * 4, 200, 60, staffing_table([3, 2, 3, 3]), seed=43)
    a, b, c = first.replications[0], again.replications[0], other.replications[0]
    assert np.array_equal(a.arrival_s, b.arrival_s)
    assert np.array_equal(a.wait_s, b.wait_s)
    assert np.array_equal(a.agent, b.agent)
    assert first.summary() == again.summary()
    assert not np.array_equal(a.arrival_s, c.arrival_s)


def test_it_answers_fewer_calls_when_half_the_team_is_at_lunch():
    staffing = [10] * 5 + [5, 5] + [10] * 5
    result = simulate([150] * 12, 180, 120, staffing, replications=10, seed=9)
    lunch, other = [], []
    for rep in result.replications:
        slots = rep.by_slot()
        lunch.append(slots["answered"][5:7].sum() / slots["offered"][5:7].sum())
        other.append(slots["answered"][:5].sum() / slots["offered"][:5].sum())
    assert np.mean(lunch) < np.mean(other) - 0.1
    # The same load with the full team all day loses (almost) nothing.
    full = simulate([150] * 12, 180, 120, 10, replications=10, seed=9).summary()
    assert full["p_abandon"] < result.summary()["p_abandon"]


def test_it_keeps_ivr_calls_out_of_the_queue_and_counts_them_in_the_pickup_rate():
    result = simulate([400] * 16, 180, 120, 15, ivr_share=0.3, seed=6)
    rep = result.replications[0]
    ivr = rep.outcome == IVR
    assert ivr.mean() == pytest.approx(0.3, abs=0.02)
    assert (rep.agent[ivr] == -1).all()
    assert (rep.wait_s[ivr] == 0).all()
    totals = rep.totals()
    assert totals["pickup_rate"] == pytest.approx(
        (totals["answered"] + totals["ivr"]) / totals["offered"]
    )
    assert totals["p_abandon"] == pytest.approx(
        totals["abandoned"] / (totals["answered"] + totals["abandoned"])
    )


def test_it_sums_the_half_hours_to_the_day():
    rep = simulate([100, 300, 200, 50], 180, 90, [6, 8, 8, 4], seed=12).replications[0]
    slots = rep.by_slot()
    totals = rep.totals()
    for key in ("offered", "answered", "abandoned", "ivr"):
        assert int(slots[key].sum()) == totals[key]
    assert slots["offered"][1] > slots["offered"][3]


def test_it_computes_a_student_interval_from_replications():
    from pfspilot.engine.simulation import confidence_interval

    low, high = confidence_interval([0.1, 0.2, 0.3])
    # mean 0.2, sd 0.1, t(2) = 4.303: half-width 4.303 × 0.1 / √3.
    assert low == pytest.approx(0.2 - 4.303 * 0.1 / math.sqrt(3))
    assert high == pytest.approx(0.2 + 4.303 * 0.1 / math.sqrt(3))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"aht_s": 0}, "DMT"),
        ({"patience_s": -1}, "patience"),
        ({"ivr_share": 1.5}, "SVI"),
        ({"staffing": -2}, "agents"),
    ],
)
def test_it_refuses_bad_input_in_french(kwargs, message):
    args = {"aht_s": 180, "patience_s": 60, "staffing": 3} | kwargs
    with pytest.raises(SimulationInputError, match=message):
        simulate(
            [100],
            args["aht_s"],
            args["patience_s"],
            args["staffing"],
            **{k: v for k, v in kwargs.items() if k == "ivr_share"},
        )


def test_it_refuses_unsorted_arrivals():
    with pytest.raises(SimulationInputError, match="triées"):
        run_queue(np.array([5.0, 1.0]), np.ones(2), np.ones(2), 1)


def test_it_simulates_a_week_with_closed_nights_and_weekend():
    rates = np.zeros(7 * 48)
    staffing = np.zeros(7 * 48, dtype=int)
    for day in range(5):
        open_slots = slice(day * 48 + 18, day * 48 + 33)  # 9:00-16:30
        rates[open_slots] = 120
        staffing[open_slots] = 6
    rep = simulate(rates, 180, 90, staffing, seed=21).replications[0]
    slots = rep.by_slot()
    assert slots["offered"][rates == 0].sum() == 0
    per_day = slots["answered"].reshape(7, 48).sum(axis=1)
    assert (per_day[:5] > 700).all()
    assert (per_day[5:] == 0).all()
    # Calls start only in opening hours (the week ends on a closed night: nothing drains).
    answered = rep.outcome == ANSWERED
    start_slot = ((rep.arrival_s + rep.wait_s)[answered] // 1800).astype(int)
    assert (staffing[np.minimum(start_slot, 7 * 48 - 1)] > 0).all()


@pytest.mark.parametrize("slot_s", [300.0, 1800.0 / 7])
def test_it_handles_arrivals_and_ends_of_calls_on_slot_boundaries(slot_s):
    # Alternating phone / break slots, every event exactly on a boundary.
    available = np.tile([True, False], (3, 50))
    arrival = np.arange(100) * slot_s
    queue = run_queue(arrival, np.full(100, slot_s), np.full(100, 2.5 * slot_s), available, slot_s)
    answered = queue.outcome == ANSWERED
    start = (arrival + queue.wait_s)[answered]
    slot = np.floor(start / slot_s + 1e-9).astype(int)
    assert available[queue.agent[answered], np.minimum(slot, 99)].all()
    # Callers of a break slot wait exactly one slot for the next phone slot; the last caller
    # arrives in the closing break and, with no phone slot left, hangs up after its patience.
    assert answered[:99].all()
    assert not answered[99]
    assert np.allclose(
        queue.wait_s, np.concatenate([np.tile([0.0, slot_s], 49), [0, 2.5 * slot_s]])
    )


def test_it_terminates_when_boundaries_round_either_way():
    # k × 0.1 is not a multiple of 0.1 in floating point: the slot of a boundary event is
    # ambiguous, and the loop must still move on (no re-keying forever).
    available = np.tile([True, False], (3, 50))
    arrival = np.arange(100) * 0.1
    queue = run_queue(arrival, np.full(100, 0.1), np.full(100, 0.25), available, 0.1)
    assert (queue.outcome[:99] == ANSWERED).all()
    assert queue.wait_s[:99].max() <= 0.1 + 1e-9

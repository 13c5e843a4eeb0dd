"""A simulation that saw no abandon does not report [0, 0] (issue 7 §3)."""

import pytest

from pfspilot.engine import simulation as sim


def test_the_exact_interval_of_zero_and_all_events():
    # Clopper–Pearson: 0 of 10 → [0, 1 − 0.025^(1/10)] = [0, 1 − 0.69150] = [0, 0.30850].
    low, high = sim.proportion_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(1 - 0.025**0.1, rel=1e-9)
    assert high == pytest.approx(0.30850, abs=1e-5)
    low, high = sim.proportion_interval(10, 10)
    assert low == pytest.approx(0.025**0.1, rel=1e-9) and high == 1.0
    assert sim.proportion_interval(0, 0) is None  # no trial: nothing known


def test_a_stationary_run_without_abandon_has_a_real_interval():
    # 50 agents for 10 calls an hour: nobody waits, nobody hangs up.
    out = sim.simulate_stationary(10, 60, 600, 50, 4, seed=1)
    assert out["abandoned"] == 0 and out["p_abandon"] == 0.0
    low, high = out["p_abandon_ci95"]
    # All calls queued (no IVR): [0, 1 − 0.025^(1/n)], about 3.7/n, never [0, 0].
    assert low == 0.0 and high == pytest.approx(1 - 0.025 ** (1 / out["offered"]), rel=1e-9)
    assert 0 < high < 1
    # Everyone answered at once: service level 100 %, its interval is below 1 too.
    assert out["service_level"] == 1.0
    assert out["service_level_ci95"][0] == pytest.approx(0.025 ** (1 / out["offered"]), rel=1e-9)


def test_replications_without_abandon_and_full_pickup_have_real_intervals():
    result = sim.simulate([20.0, 20.0], 60.0, 600.0, 30, replications=5, seed=2)
    summary = result.summary()
    assert summary["abandoned"] == 0 and summary["pickup_rate"] == 1.0
    n = summary["offered"]
    assert summary["p_abandon_ci95"] == [0.0, pytest.approx(1 - 0.025 ** (1 / n), rel=1e-9)]
    assert summary["pickup_rate_ci95"] == [pytest.approx(0.025 ** (1 / n), rel=1e-9), 1.0]


def test_the_interval_stays_the_batch_means_one_when_it_is_wider():
    # Busy queue: abandons in every batch; the batch-means interval is the wider one.
    out = sim.simulate_stationary(200, 180, 120, 9, 8, seed=3)
    exact = sim.proportion_interval(out["abandoned"], out["answered"] + out["abandoned"])
    low, high = out["p_abandon_ci95"]
    assert low <= exact[0] and high >= exact[1]
    assert low < out["p_abandon"] < high


def test_rates_over_no_call_are_unknown():
    result = sim.simulate([0.0], 60.0, 600.0, 3, replications=2, seed=4)
    totals = result.replications[0].totals()
    assert totals["offered"] == 0
    assert (totals["p_abandon"], totals["service_level"], totals["pickup_rate"]) == (None,) * 3
    assert totals["asa_answered_s"] is None
    summary = result.summary()
    assert summary["p_abandon_ci95"] is None and summary["asa_answered_s_ci95"] is None


def test_an_ivr_share_of_one_sends_no_call_to_the_agents():
    summary = sim.simulate([30.0], 60.0, 600.0, 0, ivr_share=1.0, seed=5).summary()
    assert summary["offered"] == summary["ivr"] > 0
    assert summary["pickup_rate"] == 1.0 and summary["p_abandon"] is None

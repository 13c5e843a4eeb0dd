"""Arrival model, backtest WAPE, handling estimates (censored patience) and corrections."""

import math
from datetime import date, datetime, time, timedelta

import numpy as np
import polars as pl
import pytest

from pfspilot.engine import forecast as fc
from pfspilot.engine import records
from pfspilot.engine.calendar import is_working_day

SLOTS = tuple(fc.slot_starts(time(9, 0), time(16, 30)))
S = len(SLOTS)


def _history(days, offered) -> fc.SlotHistory:
    zeros = np.zeros_like(offered)
    return fc.SlotHistory(SLOTS, tuple(days), offered, *[zeros] * 9)


def _truth():
    """A known multiplicative structure: levels grow 5 %/year, September +30 %."""
    rng = np.random.default_rng(3)
    profile = rng.uniform(0.5, 1.5, (7, S))
    profile /= profile.sum(axis=1, keepdims=True)
    weekday = np.array([1.3, 1.05, 0.95, 0.9, 0.8, 1.0, 1.0])
    dom = np.linspace(1.4, 0.8, fc.N_DOM_BUCKETS)
    level = {
        (y, m): 1000.0 * (1.3 if m == 9 else 1.0) * 1.05 ** (y - 2025)
        for y in (2025, 2026)
        for m in range(1, 13)
    }

    def expected(day):
        return (
            level[(day.year, day.month)]
            * weekday[day.weekday()]
            * dom[fc.dom_bucket(day.day)]
            * profile[day.weekday()]
        )

    return expected, weekday, profile


def _exact_history(start, end, expected, skip=()):
    days = [
        start + timedelta(days=k)
        for k in range((end - start).days)
        if is_working_day(start + timedelta(days=k))
    ]
    days = [d for d in days if d not in skip]
    return _history(days, np.array([expected(d) for d in days]))


def test_it_buckets_days_of_month():
    assert [fc.dom_bucket(d) for d in (1, 5, 10, 11, 15, 16, 21, 26, 31)] == [
        0,
        4,
        9,
        10,
        10,
        11,
        12,
        13,
        13,
    ]


def test_it_recovers_an_exact_multiplicative_history():
    expected, weekday, profile = _truth()
    history = _exact_history(date(2025, 1, 1), date(2026, 10, 1), expected)
    model = fc.fit_arrivals(history)
    assert model.origin == date(2026, 10, 1)
    # In-sample month (September, back to school), a Monday and a Friday.
    for day in (date(2026, 9, 7), date(2026, 9, 18), date(2025, 3, 5)):
        np.testing.assert_allclose(model.predict(day), expected(day), rtol=1e-9)
    # October 2026 was never seen: October 2025 × the year-on-year trend (exactly 1.05).
    assert model.trend == pytest.approx(1.05, rel=1e-12)
    np.testing.assert_allclose(model.predict(date(2026, 10, 5)), expected(date(2026, 10, 5)))
    np.testing.assert_allclose(model.weekday[:5] / model.weekday[0], weekday[:5] / weekday[0])
    np.testing.assert_allclose(model.profile[:5], profile[:5], rtol=1e-12)


def test_it_ignores_missing_working_days():
    expected, _, _ = _truth()
    gaps = {date(2026, 2, 2), date(2026, 2, 3), date(2026, 6, 5)}
    history = _exact_history(date(2025, 1, 1), date(2026, 10, 1), expected, skip=gaps)
    model = fc.fit_arrivals(history)
    for day in sorted(gaps):
        np.testing.assert_allclose(model.predict(day), expected(day), rtol=1e-9)


def test_it_forecasts_zero_on_closed_days():
    expected, _, _ = _truth()
    model = fc.fit_arrivals(_exact_history(date(2025, 1, 1), date(2026, 10, 1), expected))
    for closed in (date(2026, 9, 5), date(2026, 9, 6), date(2026, 11, 11), date(2026, 12, 25)):
        assert model.predict(closed).tolist() == [0.0] * S


def _calls(rows) -> pl.DataFrame:
    """rows: (arrival, outcome, wait_s, talk_s, wrap_s)."""
    return pl.DataFrame(
        {
            "arrival": [r[0] for r in rows],
            "outcome": [r[1] for r in rows],
            "wait_s": [r[2] for r in rows],
            "talk_s": [r[3] for r in rows],
            "wrap_s": [r[4] for r in rows],
        },
        schema={
            "arrival": pl.Datetime("us"),
            "outcome": pl.String,
            "wait_s": pl.Float64,
            "talk_s": pl.Float64,
            "wrap_s": pl.Float64,
        },
    )


ANS, IVR, ABN = records.ANSWERED, records.IVR, records.ABANDONED
MONDAY = date(2026, 2, 2)


def _at(day, hour, minute):
    return datetime.combine(day, time(hour, minute))


SMALL = [
    (_at(MONDAY, 9, 0), ANS, 10.0, 200.0, 40.0),
    (_at(MONDAY, 9, 29), ANS, 20.0, 300.0, None),
    (_at(MONDAY, 9, 30), ANS, 30.0, 100.0, 20.0),
    (_at(MONDAY, 9, 45), ANS, 0.0, None, None),  # answered, duration unknown
    (_at(MONDAY, 10, 0), ABN, 5.0, None, None),
    (_at(MONDAY, 16, 29), ABN, 15.0, None, None),
    (_at(MONDAY, 11, 0), IVR, None, None, None),
    (_at(MONDAY, 8, 59), ANS, 99.0, 999.0, 0.0),  # before opening: left out
    (_at(MONDAY, 16, 30), ABN, 99.0, None, None),  # at closing: left out
    (_at(date(2026, 2, 7), 10, 0), ANS, 99.0, 999.0, 0.0),  # Saturday: left out
]


def test_it_aggregates_calls_per_working_day_and_half_hour():
    history = fc.aggregate_calls(_calls(SMALL))
    assert history.days == (MONDAY,)
    assert history.offered[0].tolist() == [2, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert history.handled.sum() == 3
    assert history.handle_s.sum() == 240 + 300 + 120
    assert history.queued.sum() == 6
    assert history.wait_s.sum() == 80
    assert history.abandon_wait_s.sum() == 20
    assert history.ivr.sum() == 1


def test_it_estimates_patience_with_censoring():
    estimates = fc.estimate_handling(fc.aggregate_calls(_calls(SMALL)))
    # Waits of all 6 queued callers: 10 + 20 + 30 + 0 + 5 + 15 = 80 s, for 2 abandons.
    assert estimates.patience_s == 40.0
    # The naive mean of the abandoners' waits, (5 + 15) / 2, is 4 times lower.
    assert estimates.naive_patience_s == 10.0
    assert estimates.abandons == 2
    assert estimates.queued == 6
    assert estimates.ivr_share == 1 / 7
    assert estimates.aht_s == 660 / 3


def test_it_shrinks_slot_handling_times_toward_the_weekday_mean():
    estimates = fc.estimate_handling(fc.aggregate_calls(_calls(SMALL)), shrinkage=30.0)
    overall = 660 / 3
    monday = (660 + 30 * overall) / (3 + 30)  # = overall: Monday holds every call
    assert estimates.aht_by_slot[0, 0] == pytest.approx((540 + 30 * monday) / (2 + 30))
    assert estimates.aht_by_slot[0, 1] == pytest.approx((120 + 30 * monday) / (1 + 30))
    assert estimates.aht_by_slot[0, 5] == pytest.approx(monday)
    # Tuesday has no call: its slots take the overall mean.
    assert estimates.aht_by_slot[1, 0] == pytest.approx(overall)
    arrivals = np.zeros(S)
    arrivals[0], arrivals[1] = 3.0, 1.0
    assert estimates.day_aht(0, arrivals) == pytest.approx(
        (3 * estimates.aht_by_slot[0, 0] + estimates.aht_by_slot[0, 1]) / 4
    )


def test_it_assumes_one_abandon_when_there_is_none():
    assert fc.censored_patience(300.0, 0) == 300.0
    with pytest.raises(fc.ForecastInputError, match="patience impossible à estimer"):
        fc.censored_patience(0.0, 0)


def test_it_computes_wape_by_hand():
    assert fc.wape([10, 20, 30], [12, 18, 33]) == pytest.approx(7 / 60)
    assert fc.wape([[10, 0], [5, 5]], [[8, 1], [5, 6]]) == pytest.approx(4 / 20)
    assert math.isnan(fc.wape([0, 0], [1, 2]))


def test_it_backtests_each_week_from_the_weeks_before():
    # Three February weeks (no holiday), 10 calls per half-hour; the last Monday doubles.
    days = [d for d in (date(2026, 2, 2) + timedelta(days=k) for k in range(19)) if d.weekday() < 5]
    offered = np.full((len(days), S), 10.0)
    offered[days.index(date(2026, 2, 16))] = 20.0
    result = fc.backtest(_history(days, offered), weeks=2)
    # Week 1 has no history before it; week 2 is learned from week 1, week 3 from weeks 1–2.
    assert [d.day for d in result.days] == days[5:]
    monday = result.days[5]
    assert (monday.day, monday.actual, monday.forecast, monday.wape) == (
        date(2026, 2, 16),
        20.0 * S,
        pytest.approx(10.0 * S),
        pytest.approx(0.5),
    )
    # Σ|a − f| = 10 × S on the Monday; Σ a = (9 × 10 + 20) × S.
    assert result.wape == pytest.approx(10 / 110)
    assert result.wape_daily == pytest.approx(10 / 110)
    assert result.wape_by_slot == pytest.approx([10 / 110] * S)


def test_it_cannot_backtest_a_single_week():
    days = [date(2026, 2, 2) + timedelta(days=k) for k in range(5)]
    assert fc.backtest(_history(days, np.full((5, S), 10.0))) is None


def test_it_refuses_an_empty_history():
    with pytest.raises(fc.ForecastInputError, match="aucun historique"):
        fc.fit_arrivals(_history([], np.zeros((0, S))))


def test_it_applies_slot_then_day_corrections():
    base = np.full(S, 10.0)
    slot_factor = fc.Override(slot=time(9, 0), factor=2.0)
    slot_calls = fc.Override(slot=time(9, 30), calls=4.0)
    out = fc.apply_overrides(SLOTS, base, [slot_factor, slot_calls])
    assert out[:3].tolist() == [20.0, 4.0, 10.0]
    out = fc.apply_overrides(SLOTS, base, [slot_calls, fc.Override(slot=None, factor=1.5)])
    assert out[:3].tolist() == [15.0, 4.0, 15.0]
    # The day totals 144: the fixed slot keeps 4, the other 14 share 140 in proportion.
    out = fc.apply_overrides(SLOTS, base, [slot_calls, fc.Override(slot=None, calls=144.0)])
    assert out.sum() == pytest.approx(144.0)
    assert out[1] == 4.0 and out[0] == pytest.approx(10.0)


def test_it_spreads_a_day_total_evenly_over_a_zero_forecast():
    out = fc.apply_overrides(SLOTS, np.zeros(S), [fc.Override(slot=None, calls=30.0)])
    assert out.tolist() == [2.0] * S


def test_it_rejects_invalid_corrections():
    with pytest.raises(fc.ForecastInputError, match="soit un coefficient"):
        fc.apply_overrides(SLOTS, np.ones(S), [fc.Override(slot=None)])
    with pytest.raises(fc.ForecastInputError, match="heures d'ouverture"):
        fc.apply_overrides(SLOTS, np.ones(S), [fc.Override(slot=time(17, 0), factor=2.0)])


def test_it_recovers_a_simulated_patience_that_the_naive_mean_misses():
    from pfspilot.engine.simulation import ABANDONED, run_queue

    rng = np.random.default_rng(11)
    n = 40_000
    arrivals = np.cumsum(rng.exponential(3600 / 100, n))  # 100 calls/h
    result = run_queue(
        arrivals, rng.exponential(300.0, n), rng.exponential(150.0, n), 8
    )  # 8 agents: 83 % load
    abandons = int((result.outcome == ABANDONED).sum())
    patience = fc.censored_patience(float(result.wait_s.sum()), abandons)
    naive = float(result.wait_s[result.outcome == ABANDONED].mean())
    assert patience == pytest.approx(150.0, rel=0.05)
    assert naive < 0.5 * 150.0

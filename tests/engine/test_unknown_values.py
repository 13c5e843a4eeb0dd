"""An empty value is unknown, never 0 (issue 7 §3): means and rates over known values only."""

from datetime import date, datetime

import polars as pl
import pytest

from pfspilot.engine import forecast, indicators
from pfspilot.engine.parameters import IndicatorParams

D = datetime
COLUMNS = ["call_id", "arrival", "outcome", "wait_s", "talk_s", "wrap_s"]


def frame(rows) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "call_id": pl.String,
            "arrival": pl.Datetime("us"),
            "outcome": pl.String,
            "wait_s": pl.Float64,
            "talk_s": pl.Float64,
            "wrap_s": pl.Float64,
        },
        orient="row",
    )


def test_the_issue_example_gives_40_s_300_s_and_0():
    # One answered call waited 40 s and talked 300 s; the other has both cells empty.
    calls = frame(
        [
            ("1", D(2026, 3, 2, 9, 0), "answered", 40.0, 300.0, None),
            ("2", D(2026, 3, 2, 9, 5), "answered", None, None, None),
        ]
    )
    s = indicators.call_summary(calls, service_thresholds_s=(20.0,))
    # ASA = 40 / 1 (not (40 + 0) / 2 = 20); AHT = 300 / 1 (not 150).
    assert (s["asa_s"], s["asa_known"]) == (40.0, 1)
    assert (s["aht_s"], s["aht_known"]) == (300.0, 1)
    # SL(20 s): 40 s > 20 s, so 0 within, over 1 call of known wait (not 1 / 2 = 0.5).
    assert (s["service_level_20s"], s["service_level_known"]) == (0.0, 1)
    assert s["answered"] == 2  # the call still counts as answered


def test_all_unknown_gives_unknown_not_zero():
    calls = frame(
        [
            ("1", D(2026, 3, 2, 9, 0), "answered", None, None, 30.0),
            ("2", D(2026, 3, 2, 9, 5), "answered", None, None, None),
        ]
    )
    s = indicators.call_summary(calls)
    assert (s["asa_s"], s["asa_known"]) == (None, 0)
    # A wrap-up alone does not make a handle time: the talk is unknown.
    assert (s["aht_s"], s["aht_known"]) == (None, 0)
    assert (s["service_level"], s["service_level_known"]) == (None, 0)
    assert s["agent_answer_rate"] == 1.0  # outcomes are known: 2 / 2


def test_abandons_count_in_the_service_level_even_without_a_wait():
    calls = frame(
        [
            ("1", D(2026, 3, 2, 9, 0), "answered", 10.0, 100.0, 20.0),
            ("2", D(2026, 3, 2, 9, 1), "answered", 25.0, 200.0, None),
            ("3", D(2026, 3, 2, 9, 2), "answered", None, 60.0, None),
            ("4", D(2026, 3, 2, 9, 3), "abandoned", None, None, None),
            ("5", D(2026, 3, 2, 9, 4), "abandoned", 50.0, None, None),
            ("6", D(2026, 3, 2, 9, 5), "ivr", None, None, None),
        ]
    )
    s = indicators.call_summary(calls, service_thresholds_s=(30.0,))
    # Known waits of answered calls: 10 and 25 → ASA 17.5 s over 2.
    assert (s["asa_s"], s["asa_known"]) == (17.5, 2)
    # Handle times: 120, 200, 60 (missing wrap-ups count 0) → 380 / 3.
    assert s["aht_s"] == pytest.approx(380 / 3) and s["aht_known"] == 3
    # SL denominator: 2 answered with known wait + 2 abandons = 4 (call 3 is left out).
    assert s["service_level_known"] == 4
    assert s["service_level"] == 1 / 4  # only the 10 s wait is within 20 s
    assert s["service_level_30s"] == 2 / 4  # 10 s and 25 s
    assert s["agent_answer_rate"] == 3 / 5  # A / (A + X) counts every call


def test_a_wait_from_queue_timestamps_is_known():
    calls = pl.DataFrame(
        {
            "call_id": ["1", "2"],
            "arrival": [D(2026, 3, 2, 9, 0), D(2026, 3, 2, 9, 1)],
            "queue_entry": [D(2026, 3, 2, 9, 0, 5), None],
            "answered_at": [D(2026, 3, 2, 9, 0, 35), D(2026, 3, 2, 9, 1, 2)],
            "outcome": ["answered", "answered"],
        }
    )
    s = indicators.call_summary(calls)
    # Call 1 waited 09:00:05 → 09:00:35 = 30 s; call 2 has no queue time: unknown.
    assert (s["asa_s"], s["asa_known"]) == (30.0, 1)


def test_per_day_known_counts_follow_each_day():
    calls = frame(
        [
            ("1", D(2026, 3, 2, 9, 0), "answered", 40.0, 300.0, None),
            ("2", D(2026, 3, 2, 9, 5), "answered", None, None, None),
            ("3", D(2026, 3, 3, 9, 0), "answered", None, None, None),
            ("4", D(2026, 3, 4, 9, 0), "answered", 0.0, 90.0, 30.0),
        ]
    )
    rows = indicators.call_indicators(
        calls, by="day", start=date(2026, 3, 2), end=date(2026, 3, 6)
    ).to_dicts()
    got = [(r["label"], r["asa_s"], r["asa_known"], r["aht_s"], r["aht_known"]) for r in rows]
    assert got == [
        ("2026-03-02", 40.0, 1, 300.0, 1),
        ("2026-03-03", None, 0, None, 0),  # one answered call, nothing known
        ("2026-03-04", 0.0, 1, 120.0, 1),  # a known 0 s wait is a real 0
        ("2026-03-05", None, 0, None, 0),  # no call at all
    ]
    assert [r["service_level"] for r in rows] == [0.0, None, 1.0, None]


def test_the_short_abandon_rule_keeps_an_abandon_of_unknown_wait():
    calls = frame(
        [
            ("1", D(2026, 3, 2, 9, 0), "abandoned", 3.0, None, None),
            ("2", D(2026, 3, 2, 9, 1), "abandoned", None, None, None),
        ]
    )
    s = indicators.call_summary(calls, params=IndicatorParams(short_abandon_s=5))
    # Call 1 waited 3 s < 5 s: a short abandon. Call 2 may have waited long: it stays in X.
    assert (s["short_abandons"], s["abandoned"]) == (1, 1)


def test_the_forecast_patience_counts_only_abandons_of_known_wait():
    calls = frame(
        [
            ("1", D(2026, 3, 2, 9, 0), "answered", 60.0, 100.0, None),
            ("2", D(2026, 3, 2, 9, 1), "abandoned", 30.0, None, None),
            ("3", D(2026, 3, 2, 9, 2), "abandoned", None, None, None),
            ("4", D(2026, 3, 2, 9, 3), "answered", None, None, None),
        ]
    )
    history = forecast.aggregate_calls(calls)
    estimates = forecast.estimate_handling(history)
    # Known waits: 60 + 30 = 90 s over 1 abandon of known wait = 90 s (not 90 / 2 = 45 s).
    assert estimates.patience_s == 90.0
    assert (estimates.abandons, estimates.queued) == (1, 2)
    assert (estimates.aht_s, estimates.handled) == (100.0, 1)
    assert estimates.naive_patience_s == 30.0

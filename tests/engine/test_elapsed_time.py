"""Issue 7 §2 in the engine: windows and durations on instants, local time only to group."""

import datetime as dt

import polars as pl
import pytest

from pfspilot.engine import forecast, indicators, records, synthetic
from pfspilot.engine.parameters import IndicatorParams
from tests.timeutil import paris, utc


def _calls(*rows) -> pl.DataFrame:
    """(call_id, caller_id, arrival instant) rows, all handled by the IVR."""
    return pl.DataFrame(
        {
            "call_id": [r[0] for r in rows],
            "caller_id": [r[1] for r in rows],
            "arrival": pl.Series([r[2] for r in rows], dtype=records.INSTANT),
            "outcome": ["ivr"] * len(rows),
        }
    )


def _repeat_calls(first, second) -> int:
    frame = _calls(("a", "X", first), ("b", "X", second))
    summary = indicators.call_summary(frame, params=IndicatorParams(repeat_window_days=7))
    return summary["repeat_calls"]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # 10:00 CEST (08:00 UTC) → 09:30 CET (08:30 UTC): 7 days + 30 min = 168.5 h > 168 h,
        # not a repeat (the wall clock says 167.5 h).
        (paris(2026, 10, 24, 10, 0), paris(2026, 10, 31, 9, 30), 0),
        # 10:00 CET (09:00 UTC) → 10:30 CEST (08:30 UTC): 7 days - 30 min = 167.5 h ≤ 168 h,
        # a repeat (the wall clock says 168.5 h).
        (paris(2026, 3, 28, 10, 0), paris(2026, 4, 4, 10, 30), 1),
        # Exactly 168 h across the autumn change (08:00 UTC → 08:00 UTC): a gap of exactly the
        # window counts.
        (paris(2026, 10, 24, 10, 0), paris(2026, 10, 31, 9, 0), 1),
        # 168 h + 1 s across the spring change: 09:00 UTC → 09:00:01 UTC a week later.
        (paris(2026, 3, 28, 10, 0), paris(2026, 4, 4, 11, 0, 1), 0),
    ],
)
def test_the_repeat_window_counts_elapsed_hours(first, second, expected):
    assert _repeat_calls(first, second) == expected


def test_naive_readings_are_read_on_the_paris_clock():
    # The same autumn pair as naive readings: the engine places them on the Paris clock.
    frame = pl.DataFrame(
        {
            "call_id": ["a", "b"],
            "caller_id": ["X", "X"],
            "arrival": [dt.datetime(2026, 10, 24, 10), dt.datetime(2026, 10, 31, 9, 30)],
            "outcome": ["ivr", "ivr"],
        }
    )
    assert indicators.call_summary(frame)["repeat_calls"] == 0


def test_a_naive_reading_that_is_not_one_instant_is_refused():
    frame = pl.DataFrame({"arrival": [dt.datetime(2026, 10, 25, 2, 30)]})
    with pytest.raises(records.LocalTimeError, match="ambiguous"):
        records.as_instants(frame)
    frame = pl.DataFrame({"arrival": [dt.datetime(2026, 3, 29, 2, 30)]})
    with pytest.raises(records.LocalTimeError, match="non-existent"):
        records.as_instants(frame)


def test_instants_in_another_zone_are_grouped_on_the_paris_day():
    # 2026-06-15 22:30 UTC is 00:30 on the 16th in Paris.
    frame = _calls(("a", None, dt.datetime(2026, 6, 15, 22, 30, tzinfo=dt.UTC)))
    frame = frame.with_columns(pl.col("arrival").dt.convert_time_zone("UTC"))
    (row,) = indicators.call_indicators(frame, by="day").to_dicts()
    assert row["period"] == dt.date(2026, 6, 16)


def test_an_offset_instant_falls_in_its_paris_half_hour():
    # 2026-06-15 10:00:00+02:00 = 08:00 UTC: the 10:00 Paris half-hour.
    frame = _calls(("a", None, dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)))
    (row,) = indicators.half_hour_volumes(frame).to_dicts()
    assert (row["slot"], row["fold"], row["offered"]) == (dt.time(10, 0), 0, 1)


DURATIONS = ("wait_s", "talk_s", "wrap_s")


def _every_half_hour(day: dt.date) -> pl.DataFrame:
    """One call at the start of every real half-hour of the Paris day `day`."""
    start = paris(day.year, day.month, day.day).astimezone(dt.UTC)
    end = paris(*(day + dt.timedelta(days=1)).timetuple()[:3]).astimezone(dt.UTC)
    instants = pl.datetime_range(start, end, "30m", closed="left", eager=True, time_zone="UTC")
    return pl.DataFrame(
        {
            "call_id": [str(k) for k in range(instants.len())],
            "arrival": instants.dt.convert_time_zone(records.TIMEZONE),
            "outcome": ["ivr"] * instants.len(),
            **{name: pl.Series([None] * instants.len(), dtype=pl.Float64) for name in DURATIONS},
        }
    )


@pytest.mark.parametrize(
    ("day", "half_hours"),
    [
        (dt.date(2026, 3, 29), 46),  # 23 h: 02:00 and 02:30 never happen
        (dt.date(2026, 10, 25), 50),  # 25 h: 02:00 and 02:30 happen twice
        (dt.date(2026, 6, 15), 48),
    ],
)
def test_a_day_has_its_real_half_hours(day, half_hours):
    calls = _every_half_hour(day)
    assert calls.height == half_hours
    volumes = indicators.half_hour_volumes(calls, by="day")
    assert volumes.height == half_hours
    assert volumes["offered"].to_list() == [1] * half_hours
    assert set(volumes["period"].to_list()) == {day}
    counts = forecast.half_hour_counts(calls)
    assert counts.height == half_hours


def test_the_autumn_day_keeps_both_2_30_half_hours_apart():
    volumes = indicators.half_hour_volumes(_every_half_hour(dt.date(2026, 10, 25)))
    repeated = volumes.filter(pl.col("slot").is_in([dt.time(2, 0), dt.time(2, 30)]))
    assert repeated.select("slot", "fold").rows() == [
        (dt.time(2, 0), 0),
        (dt.time(2, 0), 1),
        (dt.time(2, 30), 0),
        (dt.time(2, 30), 1),
    ]


def test_an_email_deadline_on_the_calendar_clock_counts_elapsed_hours():
    # Received Sat 28/03 10:00 CET (09:00 UTC), answered Mon 30/03 10:30 CEST (08:30 UTC):
    # 47.5 h ≤ 48 h (the wall clock says 48.5 h).
    emails = pl.DataFrame(
        {
            "email_id": ["m"],
            "received_at": pl.Series([paris(2026, 3, 28, 10)], dtype=records.INSTANT),
            "kind": ["niveau1"],
            "answered_at": pl.Series([paris(2026, 3, 30, 10, 30)], dtype=records.INSTANT),
        }
    )
    (row,) = indicators.email_indicators(
        emails, at=paris(2026, 4, 30), params=IndicatorParams(deadline_clock="calendar")
    ).to_dicts()
    assert (row["level1_due"], row["level1_within"]) == (1, 1)


def test_the_generator_reads_its_clock_readings_as_instants():
    frame = pl.DataFrame(
        {
            "received_at": [
                dt.datetime(2026, 3, 29, 2, 30),  # skipped: the clock shows 03:30 CEST
                dt.datetime(2026, 10, 25, 2, 30),  # repeated: its first occurrence (CEST)
            ]
        }
    )
    out = synthetic._instants(frame)["received_at"].to_list()
    assert [utc(v) for v in out] == [
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
    ]

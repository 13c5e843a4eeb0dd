"""The one deadline clock: hand-computed due dates on each clock, DST nights, holidays, and a
property test that the scalar and columnar readings agree."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pfspilot.engine.deadlines import (
    Clock,
    DeadlineRule,
    due_at,
    elapsed,
    holidays_until,
    reading,
    reading_expr,
    remaining,
)

PARIS = ZoneInfo("Europe/Paris")
H48 = DeadlineRule(48, "hours")
D10 = DeadlineRule(10, "days")


def paris(*args, fold=0):
    return datetime(*args, tzinfo=PARIS, fold=fold)


def test_calendar_48h_is_real_time_across_the_spring_change():
    # Friday 27 March 2026 10:00 CET (09:00 UTC) + 48 h = Sunday 29 March 09:00 UTC, which is
    # 11:00 CEST (the night of the 29th lost an hour), not 10:00.
    due = due_at(paris(2026, 3, 27, 10), H48, Clock("calendar"))
    assert due == paris(2026, 3, 29, 11)
    assert due.astimezone(UTC) == datetime(2026, 3, 29, 9, tzinfo=UTC)


def test_calendar_elapsed_uses_instants_not_wall_clock():
    # Queued 01:55:10 CET (00:55:10 UTC), answered 03:05:00 CEST (01:05:00 UTC): 590 s.
    assert elapsed(paris(2026, 3, 29, 1, 55, 10), paris(2026, 3, 29, 3, 5), Clock()) == 590
    # Autumn: 02:50 CEST (00:50 UTC) → 02:05 CET (01:05 UTC, fold=1): 15 min.
    start, end = paris(2026, 10, 25, 2, 50), paris(2026, 10, 25, 2, 5, fold=1)
    assert elapsed(start, end, Clock()) == 900


def test_naive_instants_are_paris_wall_clock():
    naive = datetime(2026, 6, 15, 10, 0)
    assert reading(naive, Clock()) == datetime(2026, 6, 15, 8, tzinfo=UTC).timestamp()


def test_business_48h_runs_over_working_days_only():
    # Friday 8 May 2026 is a public holiday (Victoire 1945). Received Thursday 7 May 15:00:
    # Thursday runs 9 h (15:00 → 24:00), Friday 8 and the weekend do not run, Monday 11 runs
    # 24 h (33 h), Tuesday 12 runs the last 15 h → Tuesday 12 May 15:00.
    assert due_at(paris(2026, 5, 7, 15), H48, Clock("business")) == paris(2026, 5, 12, 15)


def test_business_received_on_a_weekend_starts_on_the_next_working_day():
    # Saturday 6 June 2026 → the clock starts Monday 8 June 00:00; 48 h → Wednesday 10 June 00:00,
    # written as the end of Tuesday 9 June (24:00).
    due = due_at(paris(2026, 6, 6, 11), H48, Clock("business"))
    assert due == paris(2026, 6, 10, 0)


def test_complaint_ten_working_days_over_christmas():
    # Received Monday 21 Dec 2026 10:00: ten working days later at the same hour, skipping
    # Christmas (25th), New Year (1 Jan) and the weekends: 22, 23, 24, 28, 29, 30, 31, 4, 5, 6
    # → Wednesday 6 January 2027 10:00 (14 h of the 21st + 9 × 24 h + 10 h of the 6th = 240 h).
    due = due_at(paris(2026, 12, 21, 10), D10, Clock("business"))
    assert due == paris(2027, 1, 6, 10)


def test_opening_clock_counts_opening_hours_only():
    clock = Clock("opening")  # 9:00–16:30, 7.5 h a day
    # Received Monday 9 Nov 2026 at 15:00: 1.5 h that day; Tuesday 10 runs 7.5 h (9 h);
    # Wednesday 11 is Armistice; 48 h - 9 h = 39 h = 5 days of 7.5 h + 1.5 h:
    # Thu 12, Fri 13, Mon 16, Tue 17, Wed 18 (46.5 h) then Thursday 19 from 9:00 + 1.5 h = 10:30.
    assert due_at(paris(2026, 11, 9, 15), H48, clock) == paris(2026, 11, 19, 10, 30)
    # A day is one opening day on this clock: 10 days from Monday 9 Nov 15:00 → 1.5 h on the 9th,
    # then 9 opening days (10, 12, 13, 16, 17, 18, 19, 20, 23) and 6 h on Tuesday 24 → 15:00.
    assert due_at(paris(2026, 11, 9, 15), D10, clock) == paris(2026, 11, 24, 15)


def test_opening_deadline_ending_at_closing_is_that_closing():
    clock = Clock("opening")
    # 7.5 h from Monday 9:00 is Monday 16:30, not Tuesday 9:00.
    assert due_at(paris(2026, 11, 30, 9), DeadlineRule(7.5), clock) == paris(2026, 11, 30, 16, 30)


def test_remaining_is_negative_when_overdue():
    clock = Clock("business")
    due = due_at(paris(2026, 11, 30, 10), H48, clock)  # Wednesday 2 Dec 10:00
    assert due == paris(2026, 12, 2, 10)
    assert remaining(due, paris(2026, 12, 1, 10), clock) == 86400
    assert remaining(due, paris(2026, 12, 2, 12), clock) == -7200
    # Saturday morning: Wednesday 14 h + Thursday + Friday = 14 h + 48 h overdue.
    assert remaining(due, paris(2026, 12, 5, 9), clock) == -(14 + 48) * 3600


def test_bad_rules_and_clocks_are_refused_in_french():
    with pytest.raises(ValueError, match="positif"):
        DeadlineRule(-1)
    with pytest.raises(ValueError, match="unité"):
        DeadlineRule(2, "weeks")
    with pytest.raises(ValueError, match="décompte inconnu"):
        Clock("lunar")


def test_it_counts_working_time_across_a_weekend():
    # Friday 15:00 → Tuesday 14:00: Friday 9 h + Monday 24 h + Tuesday 14 h.
    start, end = paris(2026, 11, 6, 15), paris(2026, 11, 10, 14)
    assert elapsed(start, end, Clock("business")) == 47 * 3600


def test_it_skips_11_november_on_the_working_clock():
    start, end = paris(2026, 11, 10, 10), paris(2026, 11, 12, 10)
    assert elapsed(start, end, Clock("business")) == 86400


def test_it_starts_the_working_clock_on_the_next_working_day():
    # Received on Saturday, answered Monday 08:00: 8 h of working time.
    assert elapsed(paris(2026, 11, 7, 11), paris(2026, 11, 9, 8), Clock("business")) == 8 * 3600


def test_it_counts_opening_hours_across_a_weekend_and_a_holiday():
    clock = Clock("opening")
    # Friday 6/11 15:00 → Thursday 12/11 10:00: 1.5 h + Mon 7.5 + Tue 7.5 + (Wed off) + 1 h.
    assert elapsed(paris(2026, 11, 6, 15), paris(2026, 11, 12, 10), clock) == 17.5 * 3600
    # Before opening and after closing nothing runs.
    assert elapsed(paris(2026, 3, 2, 7), paris(2026, 3, 2, 8), clock) == 0
    assert elapsed(paris(2026, 3, 2, 17), paris(2026, 3, 3, 9), clock) == 0


# --- scalar and columnar agree ------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
clocks = st.sampled_from([Clock("calendar"), Clock("business"), Clock("opening")])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(values=st.lists(instants, min_size=1, max_size=20), clock=clocks)
def test_scalar_and_columnar_readings_agree(values, clock):
    frame = pl.DataFrame({"at": values}, schema={"at": pl.Datetime("us", "UTC")})
    columnar = frame.select(reading_expr(pl.col("at"), clock, holidays_until(2027)))
    for value, got in zip(values, columnar.to_series().to_list(), strict=True):
        assert got == pytest.approx(reading(value, clock), abs=1e-6)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    received=instants,
    clock=clocks,
    amount=st.floats(min_value=0, max_value=400),
    unit=st.sampled_from(["hours", "days"]),
)
def test_due_at_runs_exactly_the_rule(received, clock, amount, unit):
    rule = DeadlineRule(amount, unit)
    due = due_at(received, rule, clock)
    assert elapsed(received, due, clock) == pytest.approx(clock.seconds(rule), abs=1e-3)
    # Earliest such instant: a second earlier the deadline had not run out (unless zero).
    if clock.seconds(rule) > 0:
        assert elapsed(received, due - timedelta(seconds=1), clock) < clock.seconds(rule)


def test_every_day_of_the_years_reads_the_same_in_both_forms():
    # Every working-day boundary of 2026 and 2027 (holidays included), at opening and closing.
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(730)]
    stamps = [
        datetime.combine(day, moment, tzinfo=PARIS)
        for day in days
        for moment in (time(0), time(9), time(12), time(16, 30), time(23, 59))
    ]
    frame = pl.DataFrame({"at": stamps}, schema={"at": pl.Datetime("us", "Europe/Paris")})
    for clock in (Clock("business"), Clock("opening")):
        got = frame.select(reading_expr(pl.col("at"), clock, holidays_until(2027)))
        assert got.to_series().to_list() == [reading(stamp, clock) for stamp in stamps]

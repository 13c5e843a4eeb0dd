"""The platform's calendar: French public holidays, working days, opening hours, training days.

Pure Python (no Django). Days are `datetime.date`; instants are `datetime.datetime`, aware
(read on the Paris clock) or naive Paris wall-clock readings. Opening hours and working days are
readings of the local clock; the clock changes fall at night on Sundays, outside both. A working day is Monday to Friday and not a French public
holiday (`holidays.France`, metropolitan calendar as in the Nord and the Pas-de-Calais).

Two deadline clocks besides calendar time (domain.md, "business time on the platform calendar"):
- working-day time: only working days run, 24 h each, so "48 h ouvrées" is two working days
  and "10 jours ouvrés" ten working days (`working_seconds_between`, `working_days_between`);
- opening time: only the platform's opening hours of working days run, 9:00–16:30 by default
  (`opening_seconds_between`, `business_hours_between`).
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from pfspilot.engine.parameters import PlatformRules

DAY_S = 86400.0
PARIS_ZONE = ZoneInfo("Europe/Paris")


@lru_cache(maxsize=256)
def _holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays.France(years=year).keys())


def public_holidays(years: int | Iterable[int]) -> frozenset[date]:
    """French public holidays of one year or several."""
    if isinstance(years, int):
        return _holidays_of(years)
    return frozenset().union(*(_holidays_of(year) for year in years))


def is_public_holiday(day: date) -> bool:
    return day in _holidays_of(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, not a French public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def working_days(start: date, end: date) -> list[date]:
    """Working days from `start` to `end`, both included."""
    return [day for day in _days(start, end) if is_working_day(day)]


def count_working_days(start: date, end: date) -> int:
    """Number of working days from `start` to `end`, both included (0 if end < start)."""
    return len(working_days(start, end))


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    """The `nth` (1-based) `weekday` (Monday = 0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=nth - 1)


def _training_day(year: int, month: int, rules: PlatformRules) -> date:
    return nth_weekday(year, month, rules.training_week_of_month, rules.training_weekday)


def training_days(year: int, rules: PlatformRules | None = None) -> list[date]:
    """Continuing-training days (note §E): third Thursday of each month of `training_months`."""
    rules = rules or PlatformRules()
    return [_training_day(year, month, rules) for month in sorted(rules.training_months)]


def is_training_day(day: date, rules: PlatformRules | None = None) -> bool:
    rules = rules or PlatformRules()
    return day.month in rules.training_months and day == _training_day(day.year, day.month, rules)


def opening_window(
    day: date, rules: PlatformRules | None = None
) -> tuple[datetime, datetime] | None:
    """Opening and closing instants of the phone reception on `day`, None when closed."""
    rules = rules or PlatformRules()
    if not is_working_day(day):
        return None
    return datetime.combine(day, rules.opening), datetime.combine(day, rules.closing)


def wall_clock(instant: datetime) -> datetime:
    """The naive Paris reading of an instant (aware ones are converted, naive ones kept)."""
    if instant.tzinfo is None:
        return instant
    return instant.astimezone(PARIS_ZONE).replace(tzinfo=None)


def is_open(instant: datetime, rules: PlatformRules | None = None) -> bool:
    instant = wall_clock(instant)
    window = opening_window(instant.date(), rules)
    return window is not None and window[0] <= instant < window[1]


def opening_seconds(rules: PlatformRules | None = None) -> float:
    """Length of an opening day in seconds (7.5 h by default)."""
    rules = rules or PlatformRules()
    return seconds_of_day(rules.closing) - seconds_of_day(rules.opening)


def half_hour_slots(day: date, rules: PlatformRules | None = None) -> list[datetime]:
    """Start instants of the half-hour slots of the opening hours of `day` (none when closed).

    Naive readings: no clock change falls in the opening hours of a working day.
    """
    window = opening_window(day, rules)
    if window is None:
        return []
    slots, slot = [], window[0]
    while slot < window[1]:
        slots.append(slot)
        slot += timedelta(minutes=30)
    return slots


def seconds_of_day(moment: time) -> float:
    """Seconds from midnight to `moment`."""
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _clock_reading(
    instant: datetime, origin: date, day_start_s: float, day_length_s: float
) -> float:
    """Seconds of running clock from `origin` (midnight) to `instant`, on working days only."""
    instant = wall_clock(instant)
    day = instant.date()
    before = _working_days_before(origin, day)
    if not is_working_day(day):
        return before * day_length_s
    into = seconds_of_day(instant.time()) - day_start_s
    return before * day_length_s + min(max(into, 0.0), day_length_s)


def _working_days_before(origin: date, day: date) -> int:
    """Working days in [origin, day): whole weeks at once, then the holidays and the rest."""
    total_days = (day - origin).days
    weeks, rest = divmod(total_days, 7)
    weekdays = weeks * 5 + sum(
        1 for offset in range(rest) if (origin + timedelta(days=weeks * 7 + offset)).weekday() < 5
    )
    off = sum(
        1
        for holiday in public_holidays(range(origin.year, day.year + 1))
        if origin <= holiday < day and holiday.weekday() < 5
    )
    return weekdays - off


def _elapsed(start: datetime, end: datetime, day_start_s: float, day_length_s: float) -> float:
    origin = min(wall_clock(start), wall_clock(end)).date()
    return _clock_reading(end, origin, day_start_s, day_length_s) - _clock_reading(
        start, origin, day_start_s, day_length_s
    )


def working_seconds_between(start: datetime, end: datetime) -> float:
    """Seconds elapsed from `start` to `end` counting only working days (24 h each)."""
    return _elapsed(start, end, 0.0, DAY_S)


def working_days_between(start: datetime, end: datetime) -> float:
    """Working days elapsed from `start` to `end` (fractional: 12 h of a working day is 0.5)."""
    return working_seconds_between(start, end) / DAY_S


def opening_seconds_between(
    start: datetime, end: datetime, rules: PlatformRules | None = None
) -> float:
    """Seconds of the platform's opening hours (working days only) from `start` to `end`."""
    rules = rules or PlatformRules()
    return _elapsed(start, end, seconds_of_day(rules.opening), opening_seconds(rules))


def business_hours_between(
    start: datetime, end: datetime, rules: PlatformRules | None = None
) -> float:
    """Opening hours of working days elapsed from `start` to `end`."""
    return opening_seconds_between(start, end, rules) / 3600.0


def year_progress(as_of: date, year: int | None = None) -> tuple[int, int, int]:
    """(elapsed, remaining, total) working days of the year, `as_of` counted as elapsed."""
    year = year or as_of.year
    first, last = date(year, 1, 1), date(year, 12, 31)
    total = count_working_days(first, last)
    if as_of < first:
        return 0, total, total
    elapsed = count_working_days(first, min(as_of, last))
    return elapsed, total - elapsed, total

"""The platform's calendar: French public holidays, working days, opening hours, training days.

Pure Python (no Django). Days are `datetime.date`; instants are `datetime.datetime`, aware
(read on the Paris clock) or naive Paris wall-clock readings. Opening hours and working days are
readings of the local clock; the clock changes fall at night on Sundays, outside both. A working day is Monday to Friday and not a French public
holiday (`holidays.France`, metropolitan calendar as in the Nord and the Pas-de-Calais).

Deadline clocks (calendar, working-day and opening time) are in `engine/deadlines.py`.
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from pfspilot.engine.parameters import PlatformRules

DAY_S = 86400.0
# Years the platform measures, forecasts and plans: a date outside is refused with a French
# message (forecasts read two years back and plans a week ahead, which stays far from the
# limits of `datetime.date`).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def in_supported_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


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


def year_progress(as_of: date, year: int | None = None) -> tuple[int, int, int]:
    """(elapsed, remaining, total) working days of the year, `as_of` counted as elapsed."""
    year = year or as_of.year
    first, last = date(year, 1, 1), date(year, 12, 31)
    total = count_working_days(first, last)
    if as_of < first:
        return 0, total, total
    elapsed = count_working_days(first, min(as_of, last))
    return elapsed, total - elapsed, total

"""The one deadline clock of the platform: due dates and remaining time of emails and requests.

Every deadline of PFS Pilot (level-1 emails within 48 h, complaints within 10 days, the delay of a
callback, an urgency's commitment) is an amount of *clock time* after an instant. A clock says
which time runs (domain.md, « Emails »; the reference data chooses it):

- ``calendar``: real elapsed time between absolute instants, clock changes included (a night of
  the spring change is 23 h long); a day is 24 h;
- ``business``: only working days run (Monday to Friday, not a French public holiday), 24 h each,
  so « 48 h ouvrées » is two working days and « 10 jours ouvrés » ten;
- ``opening``: only the platform's opening hours of working days run (9:00–16:30 by default); a
  day is one opening day (7.5 h).

The clock is a *reading*: seconds of running clock since 1970-01-01 (Paris) at an instant. Elapsed
clock time is a difference of readings; a deadline is reached when the reading has grown by the
rule's amount. The scalar reading (`reading`) and the columnar one (`reading_expr`, Polars) are the
same formula — working days before the day × day length + the clipped part of the day — and a
property test checks they agree. French clock changes fall on Sundays, never on working days, so
the business and opening clocks read wall-clock time of day without ambiguity.

Instants are aware datetimes; a naive one is Paris wall-clock time (its `fold` chooses the hour
repeated in autumn). Pure Python and Polars, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal

import polars as pl

from pfspilot.engine.calendar import (
    is_working_day,
    public_holidays,
    seconds_of_day,
)
from pfspilot.engine.records import DAY_S, PARIS

CLOCKS = ("calendar", "business", "opening")
ClockKind = Literal["calendar", "business", "opening"]
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class DeadlineRule:
    """An amount of clock time: `amount` hours or days (unit `"hours"` or `"days"`).

    A day is 24 h on the calendar and business clocks and one opening day on the opening clock.
    Raises ValueError on a negative or non-finite amount or an unknown unit.
    """

    amount: float
    unit: Literal["hours", "days"] = "hours"

    def __post_init__(self):
        if not (self.amount >= 0 and self.amount != float("inf")):
            raise ValueError("le délai doit être un nombre positif fini")
        if self.unit not in ("hours", "days"):
            raise ValueError("l'unité du délai doit être « hours » ou « days »")


@dataclass(frozen=True)
class Clock:
    """Which time runs (`kind`, one of CLOCKS) and the platform's opening hours.

    `opening` and `closing` are the local opening hours read by the ``opening`` clock
    (PlatformRules.opening / closing).
    """

    kind: ClockKind = "calendar"
    opening: time = time(9, 0)
    closing: time = time(16, 30)
    _years: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        if self.kind not in CLOCKS:
            raise ValueError(f"décompte inconnu : {self.kind!r} (attendu : {', '.join(CLOCKS)})")
        if self.kind == "opening" and self.closing <= self.opening:
            raise ValueError("la fermeture doit suivre l'ouverture")

    @classmethod
    def of(cls, kind: str, rules=None) -> Clock:
        """The clock `kind` with the opening hours of `rules` (a PlatformRules, optional)."""
        if rules is None:
            return cls(kind)
        return cls(kind, rules.opening, rules.closing)

    @property
    def day_start_s(self) -> float:
        return 0.0 if self.kind != "opening" else seconds_of_day(self.opening)

    @property
    def day_length_s(self) -> float:
        """Seconds of clock time in one running day (24 h, or the opening hours)."""
        if self.kind == "opening":
            return seconds_of_day(self.closing) - seconds_of_day(self.opening)
        return DAY_S

    def seconds(self, rule: DeadlineRule) -> float:
        """The rule's amount in seconds of this clock."""
        if rule.unit == "hours":
            return rule.amount * 3600.0
        return rule.amount * self.day_length_s


def to_paris(instant: datetime) -> datetime:
    """`instant` as an aware Paris datetime (a naive one is read as Paris wall-clock time)."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=PARIS)
    return instant.astimezone(PARIS)


@lru_cache(maxsize=4096)
def _working_days_before(day: date) -> int:
    """Working days in [1970-01-01, day): weekdays by arithmetic, minus weekday holidays.

    Memoised: every due date of a work item reads it (each call and callback of the API), and
    it walks every holiday since 1970."""
    days = (day - _EPOCH).days
    weeks, rest = divmod(days, 7)
    # 1970-01-01 was a Thursday (weekday 3).
    weekdays = weeks * 5 + sum(1 for offset in range(rest) if (3 + offset) % 7 < 5)
    off = sum(
        1
        for holiday in public_holidays(range(1970, day.year + 1))
        if holiday < day and holiday.weekday() < 5
    )
    return weekdays - off


def reading(instant: datetime, clock: Clock) -> float:
    """Seconds of running `clock` from 1970-01-01 00:00 Paris to `instant`.

    Calendar: real seconds since the Unix epoch (elapsed time across clock changes). Business and
    opening: working days before the instant's local day × the day length, plus the part of the
    day that has run (wall-clock seconds since the day start, clipped to [0, day length]) when
    the day is a working day.
    """
    local = to_paris(instant)
    if clock.kind == "calendar":
        return local.timestamp()
    day = local.date()
    before = _working_days_before(day) * clock.day_length_s
    if not is_working_day(day):
        return before
    into = seconds_of_day(local.time()) - clock.day_start_s
    return before + min(max(into, 0.0), clock.day_length_s)


def elapsed(start: datetime, end: datetime, clock: Clock) -> float:
    """Clock seconds from `start` to `end` (negative when `end` is before `start`)."""
    return reading(end, clock) - reading(start, clock)


def due_at(received: datetime, rule: DeadlineRule, clock: Clock) -> datetime:
    """The earliest instant at which `rule` of `clock` time has run since `received`.

    Returns an aware Paris datetime. On the business and opening clocks a deadline that falls
    exactly at the end of a running day is that end (16:30 on the opening clock, midnight on the
    business clock), not the start of the next working day.
    """
    received = to_paris(received)
    amount = clock.seconds(rule)
    if clock.kind == "calendar":
        return (received.astimezone(UTC) + timedelta(seconds=amount)).astimezone(PARIS)
    target = reading(received, clock) + amount
    length = clock.day_length_s
    day = received.date()
    while True:
        if is_working_day(day):
            start = _working_days_before(day) * length
            if target <= start + length:
                into = max(target - start, 0.0)
                return _wall_clock(day, clock.day_start_s + into)
        day += timedelta(days=1)


def _wall_clock(day: date, seconds: float) -> datetime:
    """The Paris instant `seconds` of wall-clock time after midnight of `day` (may be 24 h)."""
    naive = datetime.combine(day, time()) + timedelta(seconds=seconds)
    return naive.replace(tzinfo=PARIS)


def remaining(due: datetime, now: datetime, clock: Clock) -> float:
    """Clock seconds left from `now` until `due` (negative when overdue)."""
    return reading(due, clock) - reading(now, clock)


# --- columnar form (Polars) -------------------------------------------------------------------


def holidays_until(last_year: int) -> list[date]:
    """Public holidays from 1970 to `last_year`: what `reading_expr` needs for instants up to
    that year (the reading counts working days since 1970)."""
    return sorted(public_holidays(range(_EPOCH.year, last_year + 1)))


def reading_expr(column: pl.Expr, clock: Clock, holidays: list[date]) -> pl.Expr:
    """The columnar `reading`: seconds of running clock at each instant of `column`.

    `column` holds aware Datetime values (any zone; records are `records.INSTANT`); `holidays`
    must cover 1970 to the instants' last year (`holidays_until`). Same formula as the scalar
    `reading`.
    """
    local = column.dt.convert_time_zone(PARIS.key)
    if clock.kind == "calendar":
        return local.dt.epoch("us").cast(pl.Float64) / 1e6
    day = local.dt.date()
    length = clock.day_length_s
    before = pl.business_day_count(pl.lit(_EPOCH), day, holidays=holidays).cast(pl.Float64)
    wall = (
        local.dt.hour().cast(pl.Float64) * 3600
        + local.dt.minute().cast(pl.Float64) * 60
        + local.dt.second().cast(pl.Float64)
        + local.dt.microsecond().cast(pl.Float64) / 1e6
    )
    into = (wall - clock.day_start_s).clip(0.0, length)
    running = pl.when(day.dt.is_business_day(holidays=holidays)).then(into).otherwise(0.0)
    return before * length + running

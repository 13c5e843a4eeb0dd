"""Plain parameter objects the engine reads; the `reference` app builds them from the database.

Defaults are the reference note's values (and domain.md's defaults for the indicator
parameters), so the engine works on files without a database.
"""

from dataclasses import dataclass, field
from datetime import date, time


@dataclass(frozen=True)
class CogTargets:
    """COG targets of one year (note §A and « Précisions »); rates are fractions in [0, 1]."""

    year: int = 2026
    pickup_rate: float = 0.87  # taux de décroché, agents + SVI, at least
    repeat_rate_max: float = 0.21  # taux de réitération, below
    phone_satisfaction: float = 0.83
    email_within_deadline: float = 0.80  # level-1 emails answered within 48 h
    complaint_within_deadline: float = 0.82  # complaints handled within 10 days
    email_satisfaction: float = 0.86
    calls_per_fte: int = 7600  # per funded ETP and year
    emails_per_fte: int = 1700


@dataclass(frozen=True)
class IndicatorParams:
    """Parameters of the indicator definitions (domain.md): not public, hence configurable."""

    short_abandon_s: float = 0.0
    repeat_window_days: float = 7.0
    repeat_unit: str = "calls"  # "calls" or "callers"
    service_level_threshold_s: float = 20.0
    email_deadline_hours: float = 48.0
    complaint_deadline_days: float = 10.0
    deadline_clock: str = "calendar"  # "calendar" or "business"
    # Dashboard statuses: a rate missing its target by at most `risk_points` (a fraction, 0.02
    # = 2 points) is « à risque »; a production at `risk_share` or more of its pro-rated
    # target too.
    risk_points: float = 0.02
    risk_share: float = 0.95


@dataclass(frozen=True)
class DaySlot:
    start: time
    end: time
    activity: str  # "email", "phone", "lunch"


@dataclass(frozen=True)
class PlatformRules:
    """Platform rules of the note in force from `valid_from`."""

    phone_share: float = 0.85
    email_share: float = 0.15
    calls_per_hour: float = 10.0
    emails_per_hour: float = 10.0
    opening: time = time(9, 0)
    closing: time = time(16, 30)
    phone_hours_per_day: float = 6.0
    training_months: tuple[int, ...] = (3, 5, 6, 9, 10, 11)  # third Thursday of these months
    supervisions_per_semester: int = 1
    # Typical day of note §F, per lunch group.
    day_template: dict[str, tuple[DaySlot, ...]] = field(
        default_factory=lambda: {
            "A": (
                DaySlot(time(8, 0), time(8, 50), "email"),
                DaySlot(time(8, 50), time(11, 45), "phone"),
                DaySlot(time(11, 45), time(12, 45), "lunch"),
                DaySlot(time(12, 45), time(16, 30), "phone"),
                DaySlot(time(16, 30), time(17, 0), "email"),
            ),
            "B": (
                DaySlot(time(8, 0), time(8, 50), "email"),
                DaySlot(time(8, 50), time(12, 45), "phone"),
                DaySlot(time(12, 45), time(13, 45), "lunch"),
                DaySlot(time(13, 45), time(16, 30), "phone"),
                DaySlot(time(16, 30), time(17, 0), "email"),
            ),
        }
    )

    training_week_of_month: int = 3  # "3eme Jeudis": the third…
    training_weekday: int = 3  # …Thursday (Monday = 0)
    # Note §E: every agent supervised on every mission each year, besides one per semester.
    supervise_all_missions_yearly: bool = True
    short_lunch_activity: str = "email"  # note §F: a shorter lunch break is spent on emails
    # The note gives the training Thursdays but not their hours: the morning is assumed.
    training_hours: tuple[time, time] = (time(9, 0), time(11, 0))
    # Window in which the day plan may move a lunch around §F's slots (A 11:45, B 12:45).
    lunch_earliest: time = time(11, 30)
    lunch_latest_end: time = time(14, 0)
    # Target years of the note's « Précisions », side by side on the capacity page.
    note_target_years: tuple[int, ...] = (2026, 2027)
    valid_from: date | None = None


@dataclass(frozen=True)
class ParametersInForce:
    """The indicator parameters and platform rules in force on every day of [start, end]."""

    start: date
    end: date  # included
    params: IndicatorParams
    rules: PlatformRules

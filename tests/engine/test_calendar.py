from datetime import date, datetime, time

from pfspilot.engine import calendar
from pfspilot.engine.parameters import PlatformRules


def test_it_lists_french_public_holidays_of_2026():
    assert sorted(calendar.public_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 6),  # lundi de Pâques
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # lundi de Pentecôte
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ]


def test_it_tells_working_days():
    assert calendar.is_working_day(date(2026, 11, 10))  # Tuesday
    assert not calendar.is_working_day(date(2026, 11, 11))  # Armistice, a Wednesday
    assert not calendar.is_working_day(date(2026, 11, 7))  # Saturday
    assert not calendar.is_working_day(date(2026, 11, 8))  # Sunday
    assert calendar.working_days(date(2026, 11, 6), date(2026, 11, 13)) == [
        date(2026, 11, 6),
        date(2026, 11, 9),
        date(2026, 11, 10),
        date(2026, 11, 12),
        date(2026, 11, 13),
    ]
    assert calendar.count_working_days(date(2026, 11, 13), date(2026, 11, 6)) == 0


def test_it_counts_252_working_days_in_2026():
    # 261 weekdays, minus 9 holidays on weekdays (15 August and 1 November fall on a weekend).
    assert calendar.count_working_days(date(2026, 1, 1), date(2026, 12, 31)) == 252


def test_it_finds_the_third_thursdays_of_the_training_months_of_2026():
    assert calendar.training_days(2026) == [
        date(2026, 3, 19),
        date(2026, 5, 21),
        date(2026, 6, 18),
        date(2026, 9, 17),
        date(2026, 10, 15),
        date(2026, 11, 19),
    ]
    assert calendar.is_training_day(date(2026, 11, 19))
    assert not calendar.is_training_day(date(2026, 11, 12))
    assert not calendar.is_training_day(date(2026, 4, 16))  # third Thursday, April not listed


def test_it_follows_the_training_months_of_the_rules():
    rules = PlatformRules(training_months=(1, 2))
    assert calendar.training_days(2026, rules) == [date(2026, 1, 15), date(2026, 2, 19)]


def test_it_gives_the_opening_window_only_on_working_days():
    assert calendar.opening_window(date(2026, 3, 2)) == (
        datetime(2026, 3, 2, 9, 0),
        datetime(2026, 3, 2, 16, 30),
    )
    assert calendar.opening_window(date(2026, 11, 11)) is None
    assert calendar.is_open(datetime(2026, 3, 2, 9, 0))
    assert not calendar.is_open(datetime(2026, 3, 2, 16, 30))
    assert not calendar.is_open(datetime(2026, 3, 2, 8, 59))
    assert calendar.opening_seconds() == 7.5 * 3600


def test_it_cuts_the_opening_hours_into_15_half_hours():
    slots = calendar.half_hour_slots(date(2026, 3, 2))
    assert len(slots) == 15
    assert slots[0] == datetime(2026, 3, 2, 9, 0)
    assert slots[-1] == datetime(2026, 3, 2, 16, 0)
    assert calendar.half_hour_slots(date(2026, 3, 1)) == []
    rules = PlatformRules(opening=time(8, 30), closing=time(17, 0))
    assert len(calendar.half_hour_slots(date(2026, 3, 2), rules)) == 17


def test_it_gives_the_progress_of_the_year_in_working_days():
    # January 2026: 21 working days (1 January off).
    assert calendar.year_progress(date(2026, 1, 31)) == (21, 231, 252)
    assert calendar.year_progress(date(2026, 12, 31)) == (252, 0, 252)
    assert calendar.year_progress(date(2025, 12, 31), 2026) == (0, 252, 252)

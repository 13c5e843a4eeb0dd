"""Each day's sums use the indicator parameters in force that day, not those of the range's end."""

import datetime as dt
from functools import partial
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from django.db.models import Sum

from pfspilot.contacts.reader import canonical_schema
from pfspilot.contacts.services import import_frame
from pfspilot.indicators.models import DailyStats, Grain, HalfHourStats
from pfspilot.indicators.services import refresh_aggregates
from pfspilot.reference.models import IndicatorParameterSet, PlatformRuleSet
from pfspilot.reference.selectors import parameters_in_force

D = partial(dt.datetime, tzinfo=ZoneInfo("Europe/Paris"))  # instants read in Paris
CHANGE = dt.date(2026, 3, 3)  # short abandons: none before, under 5 s from this day on
CALLS = [
    ("1", D(2026, 3, 2, 9, 0), "abandoned", 3.0, None),
    ("2", D(2026, 3, 2, 9, 10), "answered", 10.0, 100.0),
    ("3", D(2026, 3, 3, 9, 0), "abandoned", 3.0, None),
    ("4", D(2026, 3, 3, 9, 10), "answered", 10.0, 100.0),
    ("5", D(2026, 3, 4, 9, 0), "abandoned", 8.0, None),
]


def _new_version(model, valid_from, **values):
    version = model.objects.order_by("valid_from").first()
    version.pk, version.valid_from = None, valid_from
    for name, value in values.items():
        setattr(version, name, value)
    version.save()
    return version


def _load_calls():
    header = ["call_id", "arrival", "outcome", "wait_s", "talk_s"]
    frame = pl.DataFrame(CALLS, schema=header, orient="row")
    frame = frame.select(
        pl.col(c).cast(t) if c in header else pl.lit(None, dtype=t).alias(c)
        for c, t in canonical_schema("calls").items()
    )
    import_frame(kind="calls", frame=frame, source="test")


def _day(day):
    return DailyStats.objects.filter(grain=Grain.MOTIF, day=day).aggregate(
        offered=Sum("calls_offered"), abandoned=Sum("calls_abandoned")
    )


@pytest.mark.django_db
def test_each_day_is_summed_with_its_own_short_abandon_threshold():
    _new_version(IndicatorParameterSet, CHANGE, short_abandon_s=5)
    _load_calls()
    refresh_aggregates(dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    # 2 March, threshold 0 s: the 3 s abandon counts. O = A + X = 1 + 1 = 2, X = 1.
    assert _day(dt.date(2026, 3, 2)) == {"offered": 2, "abandoned": 1}
    # 3 March, threshold 5 s: the 3 s abandon is short, left out. O = 1 (the answered call).
    assert _day(dt.date(2026, 3, 3)) == {"offered": 1, "abandoned": 0}
    # 4 March, threshold 5 s: the 8 s abandon counts. O = X = 1.
    assert _day(dt.date(2026, 3, 4)) == {"offered": 1, "abandoned": 1}
    # Half-hour sums alike: the 3 s abandon is short on 3 March only.
    short = dict(
        HalfHourStats.objects.filter(slot=dt.time(9, 0)).values_list("day", "short_abandons")
    )
    assert short == {dt.date(2026, 3, 2): 0, dt.date(2026, 3, 3): 1, dt.date(2026, 3, 4): 0}


@pytest.mark.django_db
def test_a_later_version_does_not_rewrite_the_days_before_it():
    """The version of the range's end (10 s from 10 March) must not reach 2–4 March."""
    _new_version(IndicatorParameterSet, CHANGE, short_abandon_s=5)
    _new_version(IndicatorParameterSet, dt.date(2026, 3, 10), short_abandon_s=10)
    _load_calls()
    refresh_aggregates(dt.date(2026, 3, 1), dt.date(2026, 3, 20))
    assert _day(dt.date(2026, 3, 2)) == {"offered": 2, "abandoned": 1}
    assert _day(dt.date(2026, 3, 4)) == {"offered": 1, "abandoned": 1}


@pytest.mark.django_db
def test_it_cuts_a_range_where_either_referential_changes():
    _new_version(IndicatorParameterSet, CHANGE, short_abandon_s=5)
    _new_version(PlatformRuleSet, dt.date(2026, 3, 10), calls_per_hour=12)
    stretches = parameters_in_force(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [(s.start, s.end) for s in stretches] == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 2)),
        (dt.date(2026, 3, 3), dt.date(2026, 3, 9)),
        (dt.date(2026, 3, 10), dt.date(2026, 3, 31)),
    ]
    assert [s.params.short_abandon_s for s in stretches] == [0.0, 5.0, 5.0]
    assert [s.rules.calls_per_hour for s in stretches] == [10.0, 10.0, 12.0]
    # A version starting on the first day does not cut; one day alone is one stretch.
    assert len(parameters_in_force(CHANGE, CHANGE)) == 1

"""The demo step loads a synthetic year once, with its dashboard sums."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone

from pfspilot.contacts import demo
from pfspilot.contacts.models import Call, Email
from pfspilot.indicators import selectors
from pfspilot.indicators.models import DailyStats
from pfspilot.people import demo as people_demo


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 28, 10), tick=False):
        yield


@pytest.mark.django_db
def test_it_loads_a_small_year_and_its_sums_once(frozen):
    people_demo.load()
    out = io.StringIO()
    counts = demo.load(stdout=out, scale=0.02, year=2026)
    assert counts["calls"] == Call.objects.count() > 1000
    assert counts["emails"] == Email.objects.count() > 100
    assert Call.objects.filter(agent__username="tc001").exists()
    total = selectors.period_sums(year=2026)[0]
    assert total["calls_offered"] == counts["calls"]  # no short abandon with the 0 s default
    assert total["calls_answered"] == Call.objects.filter(outcome="answered").count()
    message = out.getvalue()
    assert message.startswith("Données de démonstration 2026 : ")
    assert "appels" in message and "\u00a0s (génération " in message

    rows = DailyStats.objects.count()
    again = io.StringIO()
    assert demo.load(stdout=again, scale=0.02, year=2026) is None
    assert again.getvalue() == "Données de démonstration : appels déjà présents, rien à charger."
    assert Call.objects.count() == counts["calls"]
    assert DailyStats.objects.count() == rows


@pytest.mark.django_db
def test_it_attaches_records_to_the_demo_teams(frozen):
    people_demo.load()
    demo.load(scale=0.01, year=2026)
    teams = {row["team"] for row in selectors.period_sums(year=2026, by=("team",))}
    assert {"Arras", "Lille"} <= teams


def _snapshot():
    fields = [f.name for f in DailyStats._meta.concrete_fields if not f.primary_key]
    return {
        (row["day"], row["grain"], row["team"], row["agent"], row["motif"]): row
        for row in DailyStats.objects.values(*fields)
    }


@pytest.mark.django_db
def test_its_sums_equal_the_sums_rebuilt_from_the_stored_records(frozen):
    from pfspilot.indicators.services import refresh_aggregates

    people_demo.load()
    demo.load(scale=0.01, year=2026)
    from_frames = _snapshot()
    refresh_aggregates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    from_database = _snapshot()
    assert from_frames.keys() == from_database.keys()
    for key, row in from_frames.items():
        for name, value in row.items():
            if isinstance(value, float):
                assert from_database[key][name] == pytest.approx(value, rel=1e-12), (key, name)
            else:
                assert from_database[key][name] == value, (key, name)


@pytest.mark.django_db
def test_it_builds_missing_sums_for_calls_already_there(frozen):
    people_demo.load()
    demo.load(scale=0.01, year=2026)
    rows = DailyStats.objects.count()
    DailyStats.objects.all().delete()
    out = io.StringIO()
    assert demo.load(stdout=out) is None
    assert out.getvalue() == "Données de démonstration : appels déjà présents, agrégats recalculés."
    assert DailyStats.objects.count() == rows


@pytest.mark.django_db
def test_the_demo_year_stops_at_the_end_of_yesterday(frozen):
    # Frozen on Saturday 28/11/2026 at 10:00: the last complete day is Friday 27/11.
    from django.db.models import Max

    from pfspilot.contacts.models import SurveyAnswer

    people_demo.load()
    demo.load(scale=0.02, year=2026)
    end = timezone.make_aware(dt.datetime(2026, 11, 28))
    assert Call.objects.aggregate(last=Max("arrival"))["last"] < end
    assert Email.objects.aggregate(last=Max("received_at"))["last"] < end
    assert Email.objects.aggregate(last=Max("answered_at"))["last"] < end
    assert SurveyAnswer.objects.aggregate(last=Max("answered_on"))["last"] <= dt.date(2026, 11, 27)
    assert selectors.last_day(2026) <= dt.date(2026, 11, 27)
    assert not DailyStats.objects.filter(day__gt=dt.date(2026, 11, 27), calls_offered__gt=0)


@pytest.mark.parametrize(
    "today,year,expected",
    [
        (dt.date(2026, 11, 28), None, (2026, dt.date(2026, 11, 27))),
        (dt.date(2026, 11, 28), 2025, (2025, None)),  # a past year, whole
        (dt.date(2026, 11, 28), 2027, (None, None)),  # a year to come: nothing happened yet
        # 2 January 2026: 1 January is a holiday, no working day yet: last year, whole.
        (dt.date(2026, 1, 2), None, (2025, None)),
        (dt.date(2026, 1, 6), None, (2026, dt.date(2026, 1, 5))),
    ],
)
def test_it_chooses_the_demo_period_from_today(today, year, expected):
    assert demo.demo_period(today, year) == expected

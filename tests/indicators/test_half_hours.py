"""Sums per day and half-hour: the engine's figures on raw calls, the dashboard's volumes."""

import csv
import datetime as dt
import io

import polars as pl
import pytest
import time_machine
from django.urls import reverse

from pfspilot.contacts import demo
from pfspilot.engine import forecast
from pfspilot.engine import indicators as engine
from pfspilot.engine.parameters import IndicatorParams, PlatformRules
from pfspilot.engine.records import INSTANT
from pfspilot.indicators import selectors
from pfspilot.indicators.aggregation import HALF_HOUR_SUMS
from pfspilot.indicators.models import HalfHourStats
from pfspilot.indicators.services import replace_aggregates
from pfspilot.people import demo as people_demo
from tests.timeutil import paris

T = dt.datetime
AT = T(2026, 11, 28, 9)
URL = reverse("indicators:dashboard")


def _calls(rows) -> pl.DataFrame:
    names = ("call_id", "arrival", "outcome", "wait_s", "talk_s", "wrap_s")
    return pl.DataFrame([dict(zip(names, r, strict=True)) for r in rows]).cast(
        {"arrival": INSTANT, "wait_s": pl.Float64, "talk_s": pl.Float64}
    )


# Instants as the contacts selectors give them: 29/03 (spring) and 25/10 (autumn, 02:xx lived
# twice: e and f in summer time, g in winter time) around the clock changes, half-hour edges,
# short abandons (< 20 s).
CALLS = _calls(
    [
        ("a", paris(2026, 3, 28, 9, 29, 59), "answered", 12.0, 200.0, 10.0),
        ("b", paris(2026, 3, 28, 9, 30), "abandoned", 5.0, None, None),
        ("c", paris(2026, 3, 29, 3, 10), "abandoned", 40.0, None, None),
        ("d", paris(2026, 3, 29, 3, 20), "ivr", None, None, None),
        ("e", paris(2026, 10, 25, 2, 35), "answered", 1.0, 60.0, None),
        ("f", paris(2026, 10, 25, 2, 45), "abandoned", 19.0, None, None),
        ("g", paris(2026, 10, 25, 2, 50, fold=1), "abandoned", 30.0, None, None),
        ("h", paris(2026, 10, 26, 16, 0), "answered", None, 100.0, 20.0),
        ("z", paris(2026, 10, 27, 9, 0), "ivr", None, None, None),  # after the rebuilt days
    ]
)
SHORT = IndicatorParams(short_abandon_s=20.0)


def _rows() -> list[tuple]:
    return list(
        HalfHourStats.objects.order_by("day", "slot", "fold").values_list(
            "day", "slot", "fold", *HALF_HOUR_SUMS
        )
    )


@pytest.mark.django_db
def test_it_stores_the_engine_half_hours_across_both_clock_changes():
    replace_aggregates(
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 10, 26),
        at=AT,
        params=SHORT,
        rules=PlatformRules(),
        calls=CALLS,
        emails=None,
        surveys=None,
        activity=None,
    )
    d = dt.date
    # fold, offered, ivr, answered, abandoned, handled, handle_s, queued, wait_s, abandon_known,
    # abandon_wait_s, short. 25/10 has two 02:30 half-hours: e + f (summer: wait 1 + 19 s,
    # f a short abandon) and g (winter: 30 s).
    assert _rows() == [
        (d(2026, 3, 28), dt.time(9, 0), 0, 1, 0, 1, 0, 1, 210.0, 1, 12.0, 0, 0.0, 0),
        (d(2026, 3, 28), dt.time(9, 30), 0, 1, 0, 0, 1, 0, 0.0, 1, 5.0, 1, 5.0, 1),
        (d(2026, 3, 29), dt.time(3, 0), 0, 2, 1, 0, 1, 0, 0.0, 1, 40.0, 1, 40.0, 0),
        (d(2026, 10, 25), dt.time(2, 30), 0, 2, 0, 1, 1, 1, 60.0, 2, 20.0, 1, 19.0, 1),
        (d(2026, 10, 25), dt.time(2, 30), 1, 1, 0, 0, 1, 0, 0.0, 1, 30.0, 1, 30.0, 0),
        (d(2026, 10, 26), dt.time(16, 0), 0, 1, 0, 1, 0, 1, 120.0, 0, 0.0, 0, 0.0, 0),
    ]
    stored = selectors.half_hour_counts(dt.date(2026, 3, 1), dt.date(2026, 10, 27))
    window = CALLS.filter(pl.col("arrival") < paris(2026, 10, 27))
    raw = forecast.half_hour_counts(window).sort("start")
    assert stored.equals(raw.cast(stored.schema))
    days, volumes = selectors.half_hour_volumes(year=2026)
    # The dashboard's profile of the day sums both 02:30 of 25/10 under one clock reading.
    expected = (
        engine.half_hour_volumes(window, params=SHORT)
        .group_by("slot")
        .agg(pl.col("offered", "answered", "ivr_handled", "abandoned").sum())
        .sort("slot")
    )
    assert days == 4
    assert [
        (r["slot"], r["offered"], r["answered"], r["ivr_handled"], r["abandoned"]) for r in volumes
    ] == [
        tuple(r)
        for r in expected.select(
            "slot", "offered", "answered", "ivr_handled", "abandoned"
        ).iter_rows()
    ]


@pytest.mark.django_db
def test_it_replaces_the_half_hours_of_the_days_it_rebuilds():
    args = dict(
        at=AT, params=SHORT, rules=PlatformRules(), emails=None, surveys=None, activity=None
    )
    replace_aggregates(start=dt.date(2026, 3, 1), end=dt.date(2026, 10, 31), calls=CALLS, **args)
    replace_aggregates(
        start=dt.date(2026, 10, 25), end=dt.date(2026, 10, 25), calls=CALLS.head(2), **args
    )
    assert [(day, slot) for day, slot, _fold, *_ in _rows()] == [
        (dt.date(2026, 3, 28), dt.time(9, 0)),
        (dt.date(2026, 3, 28), dt.time(9, 30)),
        (dt.date(2026, 3, 29), dt.time(3, 0)),
        (dt.date(2026, 10, 26), dt.time(16, 0)),
        (dt.date(2026, 10, 27), dt.time(9, 0)),
    ]


@pytest.mark.django_db
def test_it_gives_the_same_half_hours_from_the_demo_frames_and_from_the_stored_calls():
    with time_machine.travel(T(2026, 11, 28, 10), tick=False):
        people_demo.load()
        demo.load(scale=0.02, year=2026)
        from_frames = _rows()
        # A database loaded before the half-hour sums existed: the demo step rebuilds them.
        HalfHourStats.objects.all().delete()
        out = io.StringIO()
        assert demo.load(stdout=out, scale=0.02, year=2026) is None
    assert out.getvalue() == "Données de démonstration : appels déjà présents, agrégats recalculés."
    assert len(from_frames) > 100
    _same(_rows(), from_frames)


def _same(ours, theirs) -> None:
    """Counts equal; sums of seconds equal to the last digits (added in another order)."""
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs, strict=True):
        assert mine[:3] == other[:3]
        assert mine[3:] == pytest.approx(other[3:], rel=1e-12)


def test_it_shows_the_mean_volumes_per_half_hour(client_for, year_loaded):
    response = client_for("diane").get(URL)
    assert response.status_code == 200
    table = response.context["tables"]["demi_heures"]
    rows = {row["label"]: row for row in table.rows}
    # 15 half-hours from 9:00 to 16:30; two days with calls (05/01 and 27/11).
    assert len(rows) == 15
    assert rows["09:00–09:30"] | {"slot": None} == {
        "slot": None,
        "label": "09:00–09:30",
        "offered": 2,
        "offered_mean": 1.0,
        "answered_mean": 1.0,
        "ivr_mean": 0.0,
        "abandoned_mean": 0.0,
        "pickup_rate": 1.0,
    }
    assert (rows["11:00–11:30"]["ivr_mean"], rows["11:00–11:30"]["pickup_rate"]) == (0.5, 1.0)
    assert (rows["12:00–12:30"]["abandoned_mean"], rows["12:00–12:30"]["pickup_rate"]) == (0.5, 0)
    assert rows["15:00–15:30"]["offered_mean"] == 0 and rows["15:00–15:30"]["pickup_rate"] is None
    assert response.context["half_hours"]["offered"][:4] == [1.0, 0, 0.5, 0]
    html = response.content.decode()
    assert "Volumes par demi-heure" in html and 'id="half-hours-chart"' in html
    assert "sur les 2 jours avec des appels" in html


def test_it_leaves_the_half_hours_out_of_a_team_scope(client_for, year_loaded):
    response = client_for("diane").get(URL, {"team": "Arras"})
    assert "demi_heures" not in response.context["tables"]
    assert "Volumes par demi-heure" not in response.content.decode()


def test_it_exports_the_half_hours_as_csv_and_xlsx(client_for, year_loaded):
    client = client_for("maud")
    export = reverse("indicators:export")
    response = client.get(export, {"table": "demi_heures", "format": "csv", "month": "1"})
    assert (
        response["Content-Disposition"] == 'attachment; filename="pfspilot-demi_heures-2026-01.csv"'
    )
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][0] == "Demi-heure" and lines[0][5] == "Taux de décroché (%)"
    # January alone: one day with calls, 05/01.
    assert lines[1] == ["09:00–09:30", "1,0", "1,0", "0,0", "0,0", "100,0", "1"]
    assert lines[7] == ["12:00–12:30", "1,0", "0,0", "0,0", "1,0", "0,0", "1"]
    assert client.get(export, {"table": "demi_heures", "format": "xlsx"}).status_code == 200


def _every_half_hour(day: dt.date) -> pl.DataFrame:
    """One IVR call at the start of every real half-hour of the Paris day `day`."""
    start = paris(day.year, day.month, day.day).astimezone(dt.UTC)
    after = day + dt.timedelta(days=1)
    end = paris(after.year, after.month, after.day).astimezone(dt.UTC)
    instants = pl.datetime_range(start, end, "30m", closed="left", eager=True, time_zone="UTC")
    return _calls(
        [(f"{day}-{k}", moment, "ivr", None, None, None) for k, moment in enumerate(instants)]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "half_hours"), [(dt.date(2026, 3, 29), 46), (dt.date(2026, 10, 25), 50)]
)
def test_it_stores_the_real_half_hours_of_a_clock_change_day(day, half_hours):
    replace_aggregates(
        start=day,
        end=day,
        at=AT,
        params=SHORT,
        rules=PlatformRules(),
        calls=_every_half_hour(day),
        emails=None,
        surveys=None,
        activity=None,
    )
    rows = _rows()
    assert len(rows) == half_hours
    assert {row[0] for row in rows} == {day}
    assert sum(row[3] for row in rows) == half_hours  # one offered call in each
    # The stored sums give back one half-hour start per real half-hour.
    starts = selectors.half_hour_counts(day, day + dt.timedelta(days=1))["start"]
    assert starts.n_unique() == half_hours

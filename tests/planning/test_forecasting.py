"""Forecast selectors and correction services over calls stored in the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pfspilot.contacts.models import Call, Email
from pfspilot.contacts.selectors import calls_frame
from pfspilot.engine import calendar
from pfspilot.engine import forecast as engine
from pfspilot.indicators.services import refresh_aggregates
from pfspilot.planning import selectors, services
from pfspilot.planning.models import Absence, ForecastOverride
from tests.timeutil import utc

FEBRUARY = [
    d for d in (dt.date(2026, 2, 2) + dt.timedelta(days=k) for k in range(26)) if d.weekday() < 5
]
MARCH_2 = dt.date(2026, 3, 2)  # a Monday after the history


def _aware(day, hour, minute):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_history(days=FEBRUARY):
    """Every half-hour of every day: one answered call (wait 20 s, 280 + 20 s), one abandon after
    10 s, one call treated by the IVR alone; so 45 calls a day."""
    calls = []
    for day in days:
        for slot in range(15):
            hour, minute = 9 + slot // 2, 30 * (slot % 2)
            base = f"{day:%Y%m%d}-{slot}"
            arrival = _aware(day, hour, minute + 5)
            calls += [
                Call(
                    source="test",
                    source_id=f"{base}-a",
                    arrival=arrival,
                    queue_entry=arrival,
                    wait_s=20.0,
                    talk_s=280.0,
                    wrap_s=20.0,
                    outcome="answered",
                ),
                Call(
                    source="test",
                    source_id=f"{base}-x",
                    arrival=arrival,
                    queue_entry=arrival,
                    wait_s=10.0,
                    outcome="abandoned",
                ),
                Call(source="test", source_id=f"{base}-s", arrival=arrival, outcome="ivr"),
            ]
    Call.objects.bulk_create(calls)
    # Written directly, not imported: the half-hour sums are rebuilt as an import would.
    refresh_aggregates(days[0], days[-1])
    return len(calls)


@pytest.mark.django_db
def test_it_forecasts_a_day_from_the_history_before_it():
    make_history()
    forecast = selectors.day_forecast(MARCH_2)
    assert forecast.slots[0] == dt.time(9, 0) and forecast.slots[-1] == dt.time(16, 0)
    assert forecast.arrivals == pytest.approx([3.0] * 15)
    assert forecast.aht_s == pytest.approx(300.0)
    # Σ waits (20 + 10 per half-hour) / abandons (1 per half-hour) = 30 s.
    assert forecast.patience_s == pytest.approx(30.0)
    assert forecast.ivr_share == pytest.approx(1 / 3)


@pytest.mark.django_db
def test_it_forecasts_nothing_on_a_closed_day():
    make_history()
    assert selectors.day_forecast(dt.date(2026, 3, 7)).arrivals == [0.0] * 15


@pytest.mark.django_db
def test_it_says_in_french_that_there_is_no_history():
    with pytest.raises(selectors.ForecastUnavailable, match="aucun historique d'appels importé"):
        selectors.day_forecast(MARCH_2)


@pytest.mark.django_db
def test_it_does_not_learn_from_the_day_itself():
    make_history()
    with pytest.raises(selectors.ForecastUnavailable):
        selectors.day_forecast(FEBRUARY[0])


@pytest.mark.django_db
def test_it_applies_the_managers_corrections(personas):
    make_history()
    services.forecast_override_set(
        day=MARCH_2, slot_start=None, factor="1,5", created_by=personas["maud"]
    )
    services.forecast_override_set(day=MARCH_2, slot_start=dt.time(9, 30), calls=7)
    forecast = selectors.day_forecast(MARCH_2)
    assert forecast.arrivals[0] == pytest.approx(4.5)
    assert forecast.arrivals[1] == 7.0
    assert sum(forecast.arrivals) == pytest.approx(4.5 * 14 + 7)
    report = selectors.forecast_report(MARCH_2)
    assert report.base_total == pytest.approx(45.0)
    assert report.total == pytest.approx(70.0)
    assert report.wape == pytest.approx(0.0, abs=1e-9)


@pytest.mark.django_db
def test_it_replaces_the_correction_of_the_same_slot():
    first = services.forecast_override_set(day=MARCH_2, slot_start=None, factor=Decimal("2"))
    second = services.forecast_override_set(day=MARCH_2, slot_start=None, calls=100)
    assert first.pk == second.pk
    assert ForecastOverride.objects.get().calls == 100
    assert ForecastOverride.objects.get().factor is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day,slot,factor,calls,field,message",
    [
        (MARCH_2, None, "1.2", 10, "__all__", "soit un coefficient, soit un nombre d'appels"),
        (MARCH_2, None, None, None, "__all__", "soit un coefficient, soit un nombre d'appels"),
        (MARCH_2, None, "0", None, "factor", "strictement positif"),
        (MARCH_2, None, "abc", None, "factor", "doit être un nombre"),
        (MARCH_2, None, "1.234", None, "factor", "deux décimales"),
        (MARCH_2, None, None, -3, "calls", "entier positif ou nul"),
        (MARCH_2, dt.time(16, 30), "2", None, "slot_start", "entre 09:00 et 16:00"),
        (MARCH_2, dt.time(9, 15), "2", None, "slot_start", "à l'heure ou à la demie"),
        (dt.date(2026, 3, 7), None, "2", None, "day", "est fermé"),
        (dt.date(2026, 5, 1), None, "2", None, "day", "est fermé"),
    ],
)
def test_it_rejects_bad_corrections_in_french(day, slot, factor, calls, field, message):
    with pytest.raises(ValidationError) as info:
        services.forecast_override_set(day=day, slot_start=slot, factor=factor, calls=calls)
    assert message in " ".join(info.value.message_dict[field])
    assert ForecastOverride.objects.count() == 0


@pytest.mark.django_db
def test_it_deletes_a_correction_and_refuses_an_unknown_one():
    override = services.forecast_override_set(day=MARCH_2, slot_start=None, factor="2")
    assert services.forecast_override_delete(override_id=str(override.pk)) == MARCH_2
    assert ForecastOverride.objects.count() == 0
    with pytest.raises(ValidationError, match="n'existe pas"):
        services.forecast_override_delete(override_id=override.pk)
    with pytest.raises(ValidationError, match="n'existe pas"):
        services.forecast_override_delete(override_id="abc")


def _emails():
    Email.objects.bulk_create(
        [
            Email(
                source="test",
                source_id=f"e{k}",
                received_at=_aware(dt.date(2026, 2, 2 + k), 8, 0),
                kind="niveau1",
            )
            for k in range(10)
        ]
        + [
            Email(
                source="test",
                source_id="r1",
                received_at=_aware(dt.date(2026, 2, 3), 8, 0),
                kind="reclamation",
            )
        ]
    )


@pytest.mark.django_db
def test_it_computes_the_capacity_of_a_past_year_by_hand(personas):
    make_history()
    _emails()
    Absence.objects.create(
        agent=personas["alice"], start=dt.date(2026, 2, 2), end=dt.date(2026, 2, 8)
    )
    report = selectors.capacity_report(2026, today=dt.date(2027, 1, 10))
    assert report.split == dt.date(2027, 1, 1) and report.as_of == dt.date(2026, 12, 31)
    assert (report.calls_actual, report.ivr_actual, report.calls_forecast) == (900, 300, 0)
    assert (report.emails_actual, report.emails_forecast) == (10, 0)  # complaints left out
    # alice and bob, 1 ETP each; rita is national reinforcement, not funded here.
    assert (report.agents, report.fte_available) == (2, 2.0)
    # 252 working days in 2026, 6 training Thursdays; alice away 5 working days.
    assert report.phone_days == 246 + 241
    assert [c.targets.year for c in report.columns] == [2026, 2027]
    at_2026, at_2027 = (c.result for c in report.columns)
    assert at_2026.calls_to_answer == pytest.approx(0.87 * 900 - 300)  # 483
    assert at_2026.fte_calls == pytest.approx(483 / 7600)
    assert at_2026.fte_emails == pytest.approx(10 / 1700)
    assert at_2026.fte_needed == pytest.approx(483 / 7600)
    assert at_2027.fte_needed == pytest.approx(483 / 8000)
    assert report.warnings == []


@pytest.mark.django_db
def test_it_forecasts_the_rest_of_a_future_year(personas):
    make_history()
    report = selectors.capacity_report(2027, today=dt.date(2027, 1, 10))
    remaining = calendar.count_working_days(dt.date(2027, 1, 10), dt.date(2027, 12, 31))
    assert report.calls_actual == 0
    assert report.calls_forecast == pytest.approx(45 * remaining)
    assert report.ivr_forecast == pytest.approx(15 * remaining)
    assert report.emails == 0
    assert "les courriels comptent pour 0" in report.warnings[0]
    assert [c.targets.year for c in report.columns] == [2026, 2027]


@pytest.mark.django_db
def test_it_refuses_capacity_without_history():
    with pytest.raises(selectors.ForecastUnavailable, match="aucun historique"):
        selectors.capacity_report(2026, today=dt.date(2026, 6, 1))


@pytest.mark.django_db
def test_it_reads_the_half_hour_sums_like_the_engine_on_loaded_calls():
    # Winter and summer time, half-hour edges, a call without durations, one before opening,
    # and the hour lived twice when clocks go back (25/10 02:xx, summer then winter time).
    moments = [
        (dt.datetime(2026, 3, 27, 9, 29, 59, 500000), None, "answered", 12.5, 200.0, None),
        (dt.datetime(2026, 3, 27, 9, 30), None, "abandoned", 40.0, None, None),
        (dt.datetime(2026, 3, 30, 16, 29, 1), None, "answered", 3.0, 100.0, 20.0),
        (dt.datetime(2026, 3, 30, 16, 29, 2), None, "ivr", None, None, None),
        (dt.datetime(2026, 10, 25, 2, 40), True, "abandoned", 5.0, None, None),
        (dt.datetime(2026, 10, 25, 2, 35), False, "answered", 1.0, 60.0, 0.0),
        (dt.datetime(2026, 10, 26, 9, 0), None, "answered", None, None, None),
        (dt.datetime(2026, 10, 26, 8, 59), None, "abandoned", 7.0, None, None),
    ]
    tz = timezone.get_default_timezone()
    Call.objects.bulk_create(
        Call(
            source="test",
            source_id=str(k),
            arrival=(
                timezone.make_aware(moment)
                if summer is None
                else moment.replace(tzinfo=tz, fold=0 if summer else 1)
            ),
            outcome=outcome,
            wait_s=wait,
            talk_s=talk,
            wrap_s=wrap,
        )
        for k, (moment, summer, outcome, wait, talk, wrap) in enumerate(moments)
    )
    start, end = dt.date(2026, 3, 1), dt.date(2026, 11, 1)
    refresh_aggregates(start, end - dt.timedelta(days=1))
    stored = selectors.half_hour_counts(start, end)
    loaded = engine.half_hour_counts(calls_frame(start, end - dt.timedelta(days=1))).sort("start")
    # 25/10 has 50 half-hours: 02:40 summer time and 02:35 winter time, an hour apart, are
    # in two of them (02:30 CEST = 00:30 UTC and 02:30 CET = 01:30 UTC).
    assert [utc(v) for v in stored["start"].to_list()] == [
        dt.datetime(2026, 3, 27, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 27, 8, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 30, 14, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 26, 7, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC),
    ]
    assert stored.equals(loaded.cast(stored.schema))
    summer, winter = stored.row(3, named=True), stored.row(4, named=True)
    assert (summer["abandoned"], summer["abandon_wait_s"], summer["answered"]) == (1.0, 5.0, 0.0)
    assert (winter["answered"], winter["handle_s"], winter["wait_s"]) == (1.0, 60.0, 1.0)
    history = engine.history_from_counts(stored)
    assert history.days == (dt.date(2026, 3, 27), dt.date(2026, 3, 30), dt.date(2026, 10, 26))
    assert history.offered.sum() == 5  # the call at 8:59 is before opening
    assert history.handle_s.sum() == 320.0


@pytest.mark.django_db
def test_it_forecasts_from_the_sums_what_it_forecasts_from_the_raw_calls():
    make_history()
    rules = selectors.platform_rules(MARCH_2)
    raw = engine.aggregate_calls(
        calls_frame(FEBRUARY[0], FEBRUARY[-1]), opening=rules.opening, closing=rules.closing
    )
    stored = selectors.call_history(FEBRUARY[0], MARCH_2, rules)
    assert stored.days == raw.days == tuple(FEBRUARY)
    for name in engine.COUNT_COLUMNS:
        assert (getattr(stored, name) == getattr(raw, name)).all(), name


@pytest.mark.django_db
def test_capacity_counts_funded_etp_by_days_under_contract(personas):
    # The dashboard's definition (engine.employment.funded_fte): bob starts on 1 August 2026,
    # alice leaves on 30 June 2026. 2026 has 252 working days; from 1 August: August 21,
    # September 22, October 22, November 20, December 22 (25th a Friday) = 107; to 30 June:
    # January 21, February 20, March 22, April 21 (Easter Monday 6th), May 17 (1st, 8th, 14th
    # Ascension, 25th Whit Monday), June 22 = 123.
    make_history()
    User = type(personas["bob"])
    User.objects.filter(username="bob").update(start_date=dt.date(2026, 8, 1))
    User.objects.filter(username="alice").update(end_date=dt.date(2026, 6, 30))
    report = selectors.capacity_report(2026, today=dt.date(2027, 1, 10))
    assert calendar.count_working_days(dt.date(2026, 8, 1), dt.date(2026, 12, 31)) == 107
    assert calendar.count_working_days(dt.date(2026, 1, 1), dt.date(2026, 6, 30)) == 123
    assert report.fte_available == pytest.approx((107 + 123) / 252)
    assert report.agents == 1  # bob, under contract on 31/12/2026


@pytest.mark.django_db
def test_a_day_to_come_shows_the_forecast_never_actual_calls():
    import time_machine

    make_history()  # 45 calls on each working day of February 2026
    day = dt.date(2026, 2, 27)  # in the history
    with time_machine.travel(dt.datetime(2026, 2, 27, 12), tick=False):
        assert selectors.forecast_report(day).actual_total == 45.0
    # The same day seen on the 26th is still to come: records dated then are not facts.
    with time_machine.travel(dt.datetime(2026, 2, 26, 12), tick=False):
        report = selectors.forecast_report(day)
    assert report.actual is None and report.actual_total is None

"""Forecasts, forecast corrections and capacity: the reads of the forecast and capacity pages.

The corrections are written by `services.forecast_override_set` / `forecast_override_delete`; the
estimates themselves are the engine's (`engine.forecast`, `engine.capacity`).

The call history is read from the half-hour sums the indicators app rebuilds after each import
(`indicators.selectors.half_hour_counts`: a year is a million calls, too many to read per page,
but a few thousand half-hours) into the engine's `SlotHistory`, which every estimate of the
engine (`engine.forecast`, `engine.capacity`) reads. That history is cached for the duration of
one web request only (signals below): nothing is kept in process memory between requests, and
code outside a request (CLI, tests) always reads fresh data.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.contacts.models import Email
from pfspilot.engine import calendar, employment
from pfspilot.engine import capacity as capacity_engine
from pfspilot.engine import forecast as engine
from pfspilot.engine.parameters import CogTargets, PlatformRules
from pfspilot.engine.records import EMAIL_LEVEL1
from pfspilot.indicators.selectors import half_hour_counts
from pfspilot.people import selectors as people_selectors
from pfspilot.reference.selectors import cog_targets, platform_rules

from .models import Absence, ForecastOverride

# Two years of history: a year-earlier month for every target month, and enough weeks per weekday.
HISTORY_DAYS = 730
# A request often forecasts the days of a week: one load covers the following week too.
LOAD_AHEAD_DAYS = 7


class ForecastUnavailable(ValueError):
    """No usable history for the forecast (French message for the page)."""


@dataclass(frozen=True)
class DayForecast:
    """What the day plan needs: expected calls per half-hour and the queue's parameters."""

    slots: list[dt.time]
    arrivals: list[float]  # calls offered per half-hour (agents + IVR + abandons)
    aht_s: float
    patience_s: float
    ivr_share: float


# --------------------------------------------------------------------------- request cache

_local = threading.local()


@receiver(request_started, dispatch_uid="planning_forecast_cache_open")
def _open_cache(**kwargs):
    _local.histories = []


@receiver(request_finished, dispatch_uid="planning_forecast_cache_close")
def _close_cache(**kwargs):
    _local.histories = None


def call_history(start: dt.date, end: dt.date, rules: PlatformRules) -> engine.SlotHistory:
    """Call history of the working days in [start, end), aggregated per half-hour."""
    cached = getattr(_local, "histories", None)
    key = (rules.opening, rules.closing)
    if cached is not None:
        for (c_start, c_end, c_key), history in cached:
            if c_start <= start and end <= c_end and c_key == key:
                return history.between(start, end)
    load_end = end + dt.timedelta(days=LOAD_AHEAD_DAYS) if cached is not None else end
    counts = half_hour_counts(start, load_end)
    history = engine.history_from_counts(counts, opening=rules.opening, closing=rules.closing)
    if cached is not None:
        cached.append(((start, load_end, key), history))
    return history.between(start, end)


# --------------------------------------------------------------------------- forecasts


def _no_history() -> ForecastUnavailable:
    return ForecastUnavailable(
        _("Prévision impossible : aucun historique d'appels importé avant cette date.")
    )


def _engine_error(exc: engine.ForecastInputError) -> ForecastUnavailable:
    return ForecastUnavailable(_("Prévision impossible : %(raison)s.") % {"raison": str(exc)})


def as_override(o: ForecastOverride) -> engine.Override:
    return engine.Override(
        slot=o.slot_start,
        factor=float(o.factor) if o.factor is not None else None,
        calls=float(o.calls) if o.calls is not None else None,
    )


def _overrides(day: dt.date) -> list[engine.Override]:
    return [as_override(o) for o in ForecastOverride.objects.filter(day=day)]


@dataclass(frozen=True)
class ForecastReport:
    """Everything the forecast page shows for one day."""

    day: dt.date
    open: bool
    forecast: DayForecast
    base_arrivals: list[float]  # before the managers' corrections
    actual: list[float] | None  # calls received that day, when the history has it
    handling: engine.HandlingEstimates
    backtest: engine.Backtest | None
    model: engine.ArrivalModel
    history_days: int
    aht_by_slot: list[float]

    @property
    def total(self) -> float:
        return float(sum(self.forecast.arrivals))

    @property
    def base_total(self) -> float:
        return float(sum(self.base_arrivals))

    @property
    def actual_total(self) -> float | None:
        return None if self.actual is None else float(sum(self.actual))

    @property
    def rows(self) -> list[dict]:
        """One row per half-hour for the page's table."""
        actual = self.actual or [None] * len(self.base_arrivals)
        return [
            {"slot": slot, "base": base, "forecast": fc, "actual": act, "aht_s": aht}
            for slot, base, fc, act, aht in zip(
                self.forecast.slots,
                self.base_arrivals,
                self.forecast.arrivals,
                actual,
                self.aht_by_slot,
                strict=True,
            )
        ]

    @property
    def chart(self) -> dict:
        """Series of the chart (labels and calls per half-hour), for `json_script`."""
        return {
            "labels": [f"{s:%H:%M}" for s in self.forecast.slots],
            "forecast": [round(x, 1) for x in self.forecast.arrivals],
            "base": [round(x, 1) for x in self.base_arrivals],
            "actual": self.actual,
        }

    @property
    def backtest_rows(self) -> list[dict]:
        if self.backtest is None:
            return []
        return [
            {"day": d.day, "actual": d.actual, "forecast": d.forecast, "wape": _percent(d.wape)}
            for d in self.backtest.days
        ]

    @property
    def backtest_slots(self) -> list[dict]:
        if self.backtest is None:
            return []
        return [
            {"slot": slot, "wape": _percent(w)}
            for slot, w in zip(self.backtest.slots, self.backtest.wape_by_slot, strict=True)
        ]

    @property
    def wape(self) -> float | None:
        return _percent(self.backtest.wape) if self.backtest else None

    @property
    def wape_daily(self) -> float | None:
        return _percent(self.backtest.wape_daily) if self.backtest else None

    @property
    def ivr_percent(self) -> float:
        return 100 * self.forecast.ivr_share


def _percent(value: float) -> float | None:
    """A fraction as a percentage for display; None when undefined (no actual calls)."""
    return None if value != value else 100 * value


def forecast_report(day: dt.date) -> ForecastReport:
    """Forecast of `day` from the history strictly before it, with its backtest and estimates."""
    rules = platform_rules(day)
    history = call_history(day - dt.timedelta(days=HISTORY_DAYS), day + dt.timedelta(days=1), rules)
    index = history.day_index(day)
    # A day to come has no actual calls, whatever the history holds (records dated in the
    # future are not facts): the page shows the forecast only.
    known = index is not None and day <= timezone.localdate()
    actual = history.offered[index].tolist() if known else None
    past = history.between(end=day)
    if past.empty:
        raise _no_history()
    try:
        model = engine.fit_arrivals(past)
        handling = engine.estimate_handling(past)
        base = model.predict(day)
        arrivals = engine.apply_overrides(past.slots, base, _overrides(day))
        backtest = engine.backtest(past)
    except engine.ForecastInputError as exc:
        raise _engine_error(exc) from exc
    return ForecastReport(
        day=day,
        open=calendar.is_working_day(day),
        forecast=_day_forecast(day, past.slots, arrivals, handling),
        base_arrivals=[float(x) for x in base],
        actual=actual,
        handling=handling,
        backtest=backtest,
        model=model,
        history_days=len(past.days),
        aht_by_slot=[float(x) for x in handling.aht_by_slot[day.weekday()]],
    )


def day_forecast(day: dt.date) -> DayForecast:
    """Expected calls per half-hour of `day` (corrections applied), AHT, patience and IVR share.

    Learned from the history strictly before `day`; raises `ForecastUnavailable` (French
    message) without history. A closed day has zero arrivals in every slot.
    """
    rules = platform_rules(day)
    past = call_history(day - dt.timedelta(days=HISTORY_DAYS), day, rules)
    if past.empty:
        raise _no_history()
    try:
        model = engine.fit_arrivals(past)
        handling = engine.estimate_handling(past)
        arrivals = engine.apply_overrides(past.slots, model.predict(day), _overrides(day))
    except engine.ForecastInputError as exc:
        raise _engine_error(exc) from exc
    return _day_forecast(day, past.slots, arrivals, handling)


def _day_forecast(day: dt.date, slots, arrivals, handling: engine.HandlingEstimates) -> DayForecast:
    return DayForecast(
        slots=list(slots),
        arrivals=[float(x) for x in arrivals],
        aht_s=handling.day_aht(day.weekday(), arrivals),
        patience_s=handling.patience_s,
        ivr_share=handling.ivr_share,
    )


# --------------------------------------------------------------------------- corrections


def overrides_for_day(day: dt.date) -> list[ForecastOverride]:
    return list(ForecastOverride.objects.filter(day=day).select_related("created_by"))


# --------------------------------------------------------------------------- capacity


@dataclass(frozen=True)
class CapacityColumn:
    targets: CogTargets
    result: capacity_engine.Capacity


@dataclass(frozen=True)
class CapacityReport:
    """Volumes of a year (actual before `split`, forecast from it) and the ETP they need."""

    year: int
    as_of: dt.date  # agents counted on this day
    split: dt.date  # first day forecast (actual before)
    calls_actual: float
    calls_forecast: float
    ivr_actual: float
    ivr_forecast: float
    emails_actual: float
    emails_forecast: float
    agents: int
    fte_available: float
    phone_days: float  # Σ ETP × working days present
    rules: PlatformRules
    columns: list[CapacityColumn]
    warnings: list[str]

    @property
    def calls_offered(self) -> float:
        return self.calls_actual + self.calls_forecast

    @property
    def ivr_calls(self) -> float:
        return self.ivr_actual + self.ivr_forecast

    @property
    def emails(self) -> float:
        return self.emails_actual + self.emails_forecast


def _forecast_calls(
    history: engine.SlotHistory, split: dt.date, last: dt.date
) -> tuple[float, float]:
    """Forecast offered and IVR-only calls of the working days in [split, last]."""
    past = history.between(split - dt.timedelta(days=HISTORY_DAYS), split)
    if past.empty:
        raise _no_history()
    try:
        model = engine.fit_arrivals(past)
        handling = engine.estimate_handling(past)
    except engine.ForecastInputError as exc:
        raise _engine_error(exc) from exc
    corrections: dict[dt.date, list[engine.Override]] = {}
    for o in ForecastOverride.objects.filter(day__gte=split, day__lte=last):
        corrections.setdefault(o.day, []).append(as_override(o))
    offered = 0.0
    for day in calendar.working_days(split, last):
        arrivals = model.predict(day)
        if day in corrections:
            arrivals = engine.apply_overrides(past.slots, arrivals, corrections[day])
        offered += float(arrivals.sum())
    return offered, offered * handling.ivr_share


def _emails(first: dt.date, split: dt.date, last: dt.date) -> tuple[float, float, bool]:
    """Level-1 emails received in [first, split) and forecast for [split, last].

    The forecast is the daily mean of the `RECENT_DAYS` calendar days before `split` (emails
    arrive every day, not only on working days); the flag says whether there was any history.
    """
    recent_start = split - dt.timedelta(days=engine.RECENT_DAYS)

    def received(start: dt.date, end: dt.date) -> int:
        return Email.objects.filter(
            kind=EMAIL_LEVEL1, received_at__gte=_midnight(start), received_at__lt=_midnight(end)
        ).count()

    actual = received(first, split) if first < split else 0
    recent = received(recent_start, split)
    remaining_days = max((last - split).days + 1, 0)
    forecast = recent / engine.RECENT_DAYS * remaining_days
    return float(actual), float(forecast), bool(actual or recent)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _agents_capacity(
    first: dt.date, last: dt.date, as_of: dt.date, rules: PlatformRules
) -> tuple[int, float, float]:
    """(agents under contract on `as_of`, funded ETP of the year, Σ ETP × working days present).

    Funded ETP is the one definition shared with the dashboard (`people.selectors` reads the
    contracts, `engine.employment.funded_fte` pro-rates each agent by working days under
    contract in the year). Days present are the working days of each contract in the year,
    training Thursdays and recorded absences taken out.
    """
    training = set(calendar.training_days(first.year, rules))
    open_days = [d for d in calendar.working_days(first, last) if d not in training]
    agents = list(people_selectors.agents_employed(start=first, end=last))
    absences: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for a in Absence.objects.filter(agent__in=agents, start__lte=last, end__gte=first):
        absences.setdefault(a.agent_id, []).append((a.start, a.end))
    count, phone_days, contracts = 0, 0.0, []
    for agent in agents:
        fte = float(agent.fte)
        contracts.append(employment.Contract(fte, agent.start_date, agent.end_date))
        begin = max(first, agent.start_date or first)
        end = min(last, agent.end_date or last)
        off = absences.get(agent.pk, [])
        present = sum(
            1 for d in open_days if begin <= d <= end and not any(s <= d <= e for s, e in off)
        )
        phone_days += fte * present
        if begin <= as_of <= end:
            count += 1
    return count, employment.funded_fte(contracts, first, last), phone_days


def capacity(year: int, *, today: dt.date | None = None) -> CapacityReport:
    """Funded ETP needed for `year` (actual until yesterday, forecast after) at the COG targets.

    The need is computed at the targets of 2026 and 2027 side by side (and at the year's own
    targets if it has others); raises `ForecastUnavailable` without any call history.
    """
    today = today or timezone.localdate()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    split = min(max(today, first), last + dt.timedelta(days=1))
    as_of = min(max(today, first), last)
    rules = platform_rules(as_of)
    history = call_history(min(first, split - dt.timedelta(days=HISTORY_DAYS)), split, rules)
    if history.empty:
        raise _no_history()
    actual = history.between(first, split)
    calls_actual, ivr_actual = float(actual.offered.sum()), float(actual.ivr.sum())
    calls_forecast = ivr_forecast = 0.0
    if split <= last:
        calls_forecast, ivr_forecast = _forecast_calls(history, split, last)
    emails_actual, emails_forecast, has_emails = _emails(first, split, last)
    warnings = []
    if not has_emails:
        warnings.append(
            _(
                "Aucun courriel reçu sur l'année ni dans les %(jours)s jours précédents : "
                "les courriels comptent pour 0."
            )
            % {"jours": engine.RECENT_DAYS}
        )
    agents, fte_available, phone_days = _agents_capacity(first, last, as_of, rules)
    columns, seen = [], set()
    for target_year in sorted({*rules.note_target_years, year}):
        targets = cog_targets(target_year)
        if targets.year in seen:
            continue
        seen.add(targets.year)
        try:
            result = capacity_engine.capacity(
                calls_offered=calls_actual + calls_forecast,
                ivr_calls=ivr_actual + ivr_forecast,
                emails=emails_actual + emails_forecast,
                pickup_target=targets.pickup_rate,
                calls_per_fte=targets.calls_per_fte,
                emails_per_fte=targets.emails_per_fte,
                phone_share=rules.phone_share,
                email_share=rules.email_share,
                fte_available=fte_available,
            )
        except capacity_engine.CapacityInputError as exc:
            raise ForecastUnavailable(
                _("Capacité impossible à calculer : %(raison)s.") % {"raison": str(exc)}
            ) from exc
        columns.append(CapacityColumn(targets=targets, result=result))
    return CapacityReport(
        year=year,
        as_of=as_of,
        split=split,
        calls_actual=calls_actual,
        calls_forecast=calls_forecast,
        ivr_actual=ivr_actual,
        ivr_forecast=ivr_forecast,
        emails_actual=emails_actual,
        emails_forecast=emails_forecast,
        agents=agents,
        fte_available=fte_available,
        phone_days=phone_days,
        rules=rules,
        columns=columns,
        warnings=warnings,
    )

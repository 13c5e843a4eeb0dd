"""Reads of the planning pages: the call history, forecasts and capacity, who is on duty, what
the day needs, the plan to show.

The call history is read from the half-hour sums the indicators app rebuilds after each import
(`indicators.selectors.half_hour_counts`: a year is a million calls, too many to read per page,
but a few thousand half-hours) into the engine's `SlotHistory`, which every estimate of the
engine (`engine.forecast`, `engine.capacity`) reads. That history is cached for the duration of
one web request only (the signals below): nothing is kept in process memory between requests,
and code outside a request (CLI, tests, the worker) always reads fresh data. The computations
themselves are the engine's; the managers' corrections are written by `services`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.core.signals import request_finished, request_started
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from pfspilot.contacts.models import AgentActivity, Email
from pfspilot.engine import calendar, shrinkage
from pfspilot.engine import capacity as capacity_engine
from pfspilot.engine import forecast as forecast_engine
from pfspilot.engine.capacity import CapacityColumn, CapacityReport, Staff, staff_capacity
from pfspilot.engine.dayplan import (
    AgentInput,
    DayPlanResult,
    LunchMove,
    PlanOptions,
    half_hour_means,
    lunch_moves,
    lunch_options,
    plan_day,
    result_from_payload,
    template_lunches,
    template_staffing,
    timeline,
)
from pfspilot.engine.forecast import DayForecast, ForecastReport, day_forecast_of, predict_days
from pfspilot.engine.parameters import PlatformRules
from pfspilot.engine.records import EMAIL_LEVEL1
from pfspilot.engine.requirements import (
    SLOT_HOURS,
    Demand,
    PlanningError,
    interval_pickups,
    requirement,
)
from pfspilot.indicators.selectors import half_hour_counts, half_hour_digest
from pfspilot.people import selectors as people_selectors
from pfspilot.reference.selectors import cog_targets, platform_rules

from .models import (
    Absence,
    CapacityResult,
    DayPlan,
    ForecastOverride,
    PlanComputation,
    TrainingSession,
)

ACTIVITY_LABELS = {
    "phone": _lazy("Téléphone"),
    "email": _lazy("Courriels"),
    "lunch": _lazy("Déjeuner"),
    "training": _lazy("Formation"),
}
GANTT_STEP = 5  # minutes per column of the timeline grid (the note's day has 8h50)
WEEK_DAYS = 5
SHRINKAGE_DAYS = 28
PLAN_AHEAD_DAYS = 5  # working days whose plans are computed in advance (tick, demo)  # calendar days of history behind the shrinkage estimate


# Two years of history: a year-earlier month for every target month, and enough weeks per weekday.
HISTORY_DAYS = 730
# A request often forecasts the days of a week: one load covers the following week too.
LOAD_AHEAD_DAYS = 7


class ForecastUnavailable(ValueError):
    """No usable history for the forecast (French message for the page)."""


# --------------------------------------------------------------------------- call history

_local = threading.local()


@receiver(request_started, dispatch_uid="planning_forecast_cache_open")
def _open_cache(**kwargs):
    _local.histories = []


@receiver(request_finished, dispatch_uid="planning_forecast_cache_close")
def _close_cache(**kwargs):
    _local.histories = None


def call_history(start: dt.date, end: dt.date, rules: PlatformRules) -> forecast_engine.SlotHistory:
    """Call history of the working days in [start, end), aggregated per half-hour."""
    cached = getattr(_local, "histories", None)
    key = (rules.opening, rules.closing)
    if cached is not None:
        for (c_start, c_end, c_key), history in cached:
            if c_start <= start and end <= c_end and c_key == key:
                return history.between(start, end)
    load_end = end + dt.timedelta(days=LOAD_AHEAD_DAYS) if cached is not None else end
    counts = half_hour_counts(start, load_end)
    history = forecast_engine.history_from_counts(
        counts, opening=rules.opening, closing=rules.closing
    )
    if cached is not None:
        cached.append(((start, load_end, key), history))
    return history.between(start, end)


# --------------------------------------------------------------------------- forecasts


def _no_history() -> ForecastUnavailable:
    return ForecastUnavailable(
        _("Prévision impossible : aucun historique d'appels importé avant cette date.")
    )


def _engine_error(exc: forecast_engine.ForecastInputError) -> ForecastUnavailable:
    return ForecastUnavailable(_("Prévision impossible : %(raison)s.") % {"raison": str(exc)})


def as_override(o: ForecastOverride) -> forecast_engine.Override:
    return forecast_engine.Override(
        slot=o.slot_start,
        factor=float(o.factor) if o.factor is not None else None,
        calls=float(o.calls) if o.calls is not None else None,
    )


def _overrides(day: dt.date) -> list[forecast_engine.Override]:
    return [as_override(o) for o in ForecastOverride.objects.filter(day=day)]


def _corrections(first: dt.date, last: dt.date) -> dict[dt.date, list[forecast_engine.Override]]:
    """The managers' corrections of the days in [first, last], per day."""
    corrections: dict[dt.date, list[forecast_engine.Override]] = {}
    for o in ForecastOverride.objects.filter(day__gte=first, day__lte=last):
        corrections.setdefault(o.day, []).append(as_override(o))
    return corrections


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
        model = forecast_engine.fit_arrivals(past)
        handling = forecast_engine.estimate_handling(past)
        base = model.predict(day)
        arrivals = forecast_engine.apply_overrides(past.slots, base, _overrides(day))
        backtest = forecast_engine.backtest(past)
    except forecast_engine.ForecastInputError as exc:
        raise _engine_error(exc) from exc
    return ForecastReport(
        day=day,
        open=calendar.is_working_day(day),
        forecast=day_forecast_of(day, past.slots, arrivals, handling),
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
        model = forecast_engine.fit_arrivals(past)
        handling = forecast_engine.estimate_handling(past)
        arrivals = forecast_engine.apply_overrides(past.slots, model.predict(day), _overrides(day))
    except forecast_engine.ForecastInputError as exc:
        raise _engine_error(exc) from exc
    return day_forecast_of(day, past.slots, arrivals, handling)


def overrides_for_day(day: dt.date) -> list[ForecastOverride]:
    return list(ForecastOverride.objects.filter(day=day).select_related("created_by"))


# --------------------------------------------------------------------------- capacity (COG)


def _fitted(past: forecast_engine.SlotHistory):
    """(arrival model, handling estimates) of the history `past`; French error without it."""
    if past.empty:
        raise _no_history()
    try:
        return forecast_engine.fit_arrivals(past), forecast_engine.estimate_handling(past)
    except forecast_engine.ForecastInputError as exc:
        raise _engine_error(exc) from exc


def _forecast_calls(
    history: forecast_engine.SlotHistory, split: dt.date, last: dt.date
) -> tuple[float, float]:
    """Forecast offered and IVR-only calls of the working days in [split, last]."""
    past = history.between(split - dt.timedelta(days=HISTORY_DAYS), split)
    model, handling = _fitted(past)
    offered = 0.0
    days = calendar.working_days(split, last)
    for arrivals in predict_days(model, past.slots, days, _corrections(split, last)):
        offered += float(arrivals.sum())
    return offered, offered * handling.ivr_share


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _emails(first: dt.date, split: dt.date, last: dt.date) -> tuple[float, float, bool]:
    """Level-1 emails received in [first, split) and forecast for [split, last].

    The forecast is the daily mean of the `RECENT_DAYS` calendar days before `split` (emails
    arrive every day, not only on working days); the flag says whether there was any history.
    """
    recent_start = split - dt.timedelta(days=forecast_engine.RECENT_DAYS)

    def received(start: dt.date, end: dt.date) -> int:
        return Email.objects.filter(
            kind=EMAIL_LEVEL1, received_at__gte=_midnight(start), received_at__lt=_midnight(end)
        ).count()

    actual = received(first, split) if first < split else 0
    recent = received(recent_start, split)
    remaining_days = max((last - split).days + 1, 0)
    forecast = recent / forecast_engine.RECENT_DAYS * remaining_days
    return float(actual), float(forecast), bool(actual or recent)


def _absences(agent_ids, first: dt.date, last: dt.date) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Recorded absences of the agents overlapping [first, last]: (first, last day) per agent."""
    absences: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for a in Absence.objects.filter(agent__in=agent_ids, start__lte=last, end__gte=first):
        absences.setdefault(a.agent_id, []).append((a.start, a.end))
    return absences


def _agents_capacity(
    first: dt.date, last: dt.date, as_of: dt.date, rules: PlatformRules
) -> tuple[int, float, float]:
    """(agents under contract on `as_of`, funded ETP of the year, Σ ETP × working days present).

    Funded ETP is the one definition shared with the dashboard (`people.selectors` reads the
    contracts, `engine.capacity.staff_capacity` pro-rates each agent by working days under
    contract in the year). Days present are the working days of each contract in the year,
    training Thursdays and recorded absences taken out.
    """
    training = set(calendar.training_days(first.year, rules))
    open_days = [d for d in calendar.working_days(first, last) if d not in training]
    agents = list(people_selectors.agents_employed(start=first, end=last))
    staff = [Staff(a.pk, float(a.fte), a.start_date, a.end_date) for a in agents]
    absences = _absences(agents, first, last)
    return staff_capacity(staff, absences, open_days, first, last, as_of)


def capacity_report(year: int, *, today: dt.date | None = None) -> CapacityReport:
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
            % {"jours": forecast_engine.RECENT_DAYS}
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


@dataclass(frozen=True)
class DayInputs:
    day: dt.date
    agents: list[AgentInput]
    demand: Demand
    requirement: list[int]
    slots: list[dt.time]
    rules: PlatformRules
    target: float
    training: bool
    shrinkage_estimate: shrinkage.ShrinkageEstimate | None = None

    @property
    def shrinkage(self) -> float:
        """Share of phone time not ready for calls (0 when the history cannot tell)."""
        return self.shrinkage_estimate.shrinkage if self.shrinkage_estimate else 0.0


def next_working_day(today: dt.date) -> dt.date:
    day = today + dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def coming_working_days(today: dt.date) -> list[dt.date]:
    """The `PLAN_AHEAD_DAYS` working days after `today`, whose plans are computed in advance."""
    days = [next_working_day(today)]
    while len(days) < PLAN_AHEAD_DAYS:
        days.append(next_working_day(days[-1]))
    return days


@dataclass(frozen=True)
class AgentSessions:
    """The sessions planned for one agent on one day (`TrainingSession`): their training
    group's hours, and their workshops."""

    training: tuple[dt.time, dt.time] | None = None
    workshops: tuple[tuple[dt.time, dt.time], ...] = ()


def agent_sessions(first: dt.date, last: dt.date) -> dict[tuple[dt.date, int], AgentSessions]:
    """Per (day, agent id) of [first, last], the sessions the agent takes part in (one query).

    A second training session of the same agent on the same day counts as a workshop (time off
    the phone either way)."""
    through = TrainingSession.participants.through
    rows = (
        through.objects.filter(trainingsession__day__gte=first, trainingsession__day__lte=last)
        .values_list(
            "trainingsession__day",
            "user_id",
            "trainingsession__kind",
            "trainingsession__start",
            "trainingsession__end",
        )
        .order_by("trainingsession__day", "user_id", "trainingsession__start", "trainingsession_id")
    )
    found: dict[tuple[dt.date, int], AgentSessions] = {}
    for day, agent, kind, start, end in rows:
        current = found.get((day, agent), AgentSessions())
        if kind == TrainingSession.Kind.TRAINING and current.training is None:
            current = dataclasses.replace(current, training=(start, end))
        else:
            current = dataclasses.replace(current, workshops=(*current.workshops, (start, end)))
        found[(day, agent)] = current
    return found


def agent_windows(found: AgentSessions | None, training: tuple[dt.time, dt.time] | None) -> dict:
    """`AgentInput`'s `training` and `workshops` of an agent: their group's hours when they are
    in a planned training group, else the rule's `training` (None outside training days)."""
    if found is None:
        return {"training": training, "workshops": ()}
    return {"training": found.training or training, "workshops": found.workshops}


def agents_on_duty(
    day: dt.date, *, training: tuple[dt.time, dt.time] | None = None
) -> list[AgentInput]:
    """The platform's agents working on `day`: contract running, no absence that day.

    `training`: (start, end) of the day's training (`PlatformRules.training_hours`), or None.
    The sessions planned that day (`TrainingSession`) come first: an agent in a training group
    trains at the group's hours, and workshops take their participants off the phone; agents in
    no group train at `training`. Without any session planned, every agent trains at `training`.
    """
    absent = Absence.objects.filter(start__lte=day, end__gte=day).values("agent_id")
    users = (
        people_selectors.agents_employed(start=day, end=day)
        .exclude(pk__in=absent)
        .select_related("team")
        .order_by("team__name", "last_name", "first_name", "username")
    )
    sessions = agent_sessions(day, day)
    return [
        AgentInput(
            id=u.pk,
            name=str(u),
            team=u.team.name if u.team else "",
            fte=float(u.fte),
            lunch_group=u.lunch_group,
            **agent_windows(sessions.get((day, u.pk)), training),
        )
        for u in users
    ]


def training_sessions(first: dt.date, last: dt.date):
    """The training sessions and workshops of [first, last], their participants prefetched."""
    return TrainingSession.objects.filter(day__gte=first, day__lte=last).prefetch_related(
        "participants"
    )


def everyone_in_training(inputs: DayInputs) -> DayInputs:
    """`inputs` with every agent in training at the rule's hours, whatever the groups (their
    workshops kept): what the day was before training groups, for comparison."""
    hours = inputs.rules.training_hours
    return dataclasses.replace(
        inputs, agents=[dataclasses.replace(a, training=hours) for a in inputs.agents]
    )


def forecast_demand(day: dt.date) -> tuple[DayForecast, Demand]:
    """The forecast of `day` and the queue demand it gives; PlanningError (French) if none."""
    try:
        forecast = day_forecast(day)
    except ForecastUnavailable as exc:
        raise PlanningError(str(exc)) from exc
    demand = Demand(
        arrivals=list(forecast.arrivals),
        aht_s=forecast.aht_s,
        patience_s=forecast.patience_s,
        ivr_share=forecast.ivr_share,
    )
    return forecast, demand


def day_inputs(day: dt.date) -> DayInputs:
    """Everything the plan of `day` needs; raises PlanningError with a French message."""
    if not calendar.is_working_day(day):
        raise PlanningError(
            _("Le %(jour)s est fermé (week-end ou jour férié) : pas de plan.")
            % {"jour": f"{day:%d/%m/%Y}"}
        )
    rules = platform_rules(day)
    training = calendar.is_training_day(day, rules)
    agents = agents_on_duty(day, training=rules.training_hours if training else None)
    if not agents:
        raise PlanningError(_("Aucun agent en service ce jour-là : rien à planifier."))
    forecast, demand = forecast_demand(day)
    target = cog_targets(day.year).pickup_rate
    estimate = shrinkage_estimate(day, patience_s=forecast.patience_s, rules=rules)
    return DayInputs(
        day=day,
        agents=agents,
        demand=demand,
        requirement=requirement(demand, target, shrinkage=estimate.shrinkage if estimate else 0.0),
        slots=list(forecast.slots),
        rules=rules,
        target=target,
        training=training,
        shrinkage_estimate=estimate,
    )


def shrinkage_estimate(
    day: dt.date, *, patience_s: float, rules: PlatformRules
) -> shrinkage.ShrinkageEstimate | None:
    """Shrinkage of the `SHRINKAGE_DAYS` before `day` (see `engine.shrinkage`), or None.

    Only days with both calls (every half-hour with queued calls) and agents' logged phone
    time count; without any such day (no activity imported) the plan assumes no shrinkage.
    """
    start = day - dt.timedelta(days=SHRINKAGE_DAYS)
    history = call_history(start, day, rules)
    logged = dict(
        AgentActivity.objects.filter(day__gte=start, day__lt=day)
        .values("day")
        .annotate(phone=Sum("phone_s"))
        .values_list("day", "phone")
    )
    # Every call that reached the agents' queue counts, its wait known or not (only the AHT is
    # a mean over known values).
    in_queue = history.answered + history.abandoned
    keep = np.array(
        [
            (logged.get(d) or 0) > 0 and bool((in_queue[i] > 0).all())
            for i, d in enumerate(history.days)
        ],
        dtype=bool,
    )
    if not keep.any():
        return None
    used = history.select(keep)
    handled = used.handled.sum(axis=1)
    if (handled <= 0).any():
        return None
    aht = used.handle_s.sum(axis=1) / handled
    try:
        return shrinkage.estimate(
            used.answered + used.abandoned,
            used.abandoned,
            aht,
            patience_s,
            [logged[d] for d in used.days],
            aht * used.answered.sum(axis=1),  # busy time of every answered call, at the known mean
        )
    except shrinkage.ShrinkageInputError:
        return None


@dataclass
class DayView:
    """What the day page shows: the stored optimised plan, or else the note's A/B day."""

    inputs: DayInputs
    result: DayPlanResult
    optimised: bool
    computed_at: dt.datetime | None = None
    simulation: dict | None = None  # stored with the optimised plan (services.validate_plan)
    shrinkage: float = 0.0  # the one the plan's expected décroché counts
    note_lunches_only: bool = False  # the manager required the note's A/B lunch slots
    teams: OrderedDict = field(default_factory=OrderedDict)
    gantt_columns: int = 0
    gantt_hours: list = field(default_factory=list)

    @property
    def status(self) -> str:
        pickup = self.result.expected_pickup
        return "met" if pickup is not None and pickup >= self.inputs.target else "missed"

    @property
    def shortfall_slots(self) -> list[dt.time]:
        return [
            slot
            for slot, need, staffed in zip(
                self.result.slots, self.result.required, self.result.staffed, strict=True
            )
            if staffed < need
        ]


def plan_options(inputs: DayInputs, *, note_lunches_only: bool = False) -> PlanOptions:
    """The plan's options: the rules' lunch window, the day's unavailability; lunches in the
    note's A/B slots only when a manager requires it."""
    return PlanOptions(
        lunch_earliest=inputs.rules.lunch_earliest,
        lunch_latest_end=inputs.rules.lunch_latest_end,
        shrinkage=inputs.shrinkage,
        note_lunches_only=note_lunches_only,
    )


def plan_inputs(
    inputs: DayInputs,
    *,
    optimise: bool = True,
    time_limit_s: float = 10.0,
    note_lunches_only: bool = False,
) -> DayPlanResult:
    """Plans the day of `inputs`: the optimised plan, or the A/B template with `optimise=False`."""
    return plan_day(
        inputs.agents,
        inputs.requirement,
        inputs.slots,
        inputs.rules,
        demand=inputs.demand,
        options=plan_options(inputs, note_lunches_only=note_lunches_only),
        time_limit_s=time_limit_s,
        optimise=optimise,
    )


def _stored(day: dt.date, inputs: DayInputs) -> DayPlan | None:
    plan = DayPlan.objects.filter(day=day).first()
    if plan is None or plan.payload["slots"] != [f"{s:%H:%M}" for s in inputs.slots]:
        return None
    return plan


def plan_inputs_payload(inputs: DayInputs) -> dict:
    """The inputs a stored plan keeps, so its page shows it without re-reading the history."""
    estimate = inputs.shrinkage_estimate
    return {
        "arrivals": list(inputs.demand.arrivals),
        "aht_s": inputs.demand.aht_s,
        "patience_s": inputs.demand.patience_s,
        "ivr_share": inputs.demand.ivr_share,
        "shrinkage_estimate": dataclasses.asdict(estimate) if estimate else None,
    }


def _stored_inputs(day: dt.date, plan: DayPlan) -> DayInputs | None:
    """The inputs of a stored plan as computed with it; None for a plan stored without them or
    whose half-hours no longer match the opening hours in force."""
    payload = plan.payload
    kept = payload.get("inputs")
    rules = platform_rules(day)
    slots = forecast_engine.slot_starts(rules.opening, rules.closing)
    if kept is None or payload["slots"] != [f"{s:%H:%M}" for s in slots]:
        return None
    estimate = kept["shrinkage_estimate"]
    return DayInputs(
        day=day,
        agents=[],  # the plan's own agents are in its payload
        demand=Demand(
            arrivals=list(kept["arrivals"]),
            aht_s=kept["aht_s"],
            patience_s=kept["patience_s"],
            ivr_share=kept["ivr_share"],
        ),
        requirement=list(payload["required"]),
        slots=list(slots),
        rules=rules,
        target=float(payload["target"]),
        training=bool(payload.get("training")),
        shrinkage_estimate=shrinkage.ShrinkageEstimate(**estimate) if estimate else None,
    )


def day_view(day: dt.date) -> DayView:
    """The plan of `day` to show: the stored one with the inputs it was computed with (no
    history read), else the A/B template on today's inputs (no solving, no simulation)."""
    plan = DayPlan.objects.filter(day=day).first()
    inputs = _stored_inputs(day, plan) if plan is not None else None
    if inputs is None:
        inputs = day_inputs(day)
        stored = _stored(day, inputs)
    else:
        stored = plan
    if stored is not None:
        view = DayView(
            inputs,
            result_from_payload(stored.payload),
            optimised=True,
            computed_at=stored.computed_at,
            simulation=stored.payload.get("simulation"),
            shrinkage=float(stored.payload.get("shrinkage") or 0.0),
            note_lunches_only=bool(stored.payload.get("note_lunches_only")),
        )
    else:
        result = plan_inputs(inputs, optimise=False)
        view = DayView(inputs, result, optimised=False, shrinkage=inputs.shrinkage)
    first, last = _day_bounds(inputs.rules)
    for agent in view.result.agents:
        segments = [
            {
                "start": start,
                "end": end,
                "activity": activity,
                "label": ACTIVITY_LABELS[activity],
                "column": (_minute(start) - first) // GANTT_STEP + 1,
                "span": (_minute(end) - _minute(start)) // GANTT_STEP,
            }
            for start, end, activity in timeline(agent, inputs.slots, inputs.rules)
        ]
        view.teams.setdefault(agent.team or _("Sans équipe"), []).append(
            {"agent": agent, "segments": segments}
        )
    view.gantt_columns = (last - first) // GANTT_STEP
    view.gantt_hours = [
        {"label": f"{h}h", "column": (h * 60 - first) // GANTT_STEP + 1}
        for h in range(first // 60 + (first % 60 > 0), last // 60 + 1)
        if h * 60 < last
    ]
    return view


def _minute(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _day_bounds(rules: PlatformRules) -> tuple[int, int]:
    """First and last minute of the typical day (emails included), for the timeline grid."""
    slots = [s for day in rules.day_template.values() for s in day]
    return min(_minute(s.start) for s in slots), max(_minute(s.end) for s in slots)


def day_lunch_options(view: DayView) -> list[dt.time]:
    """Lunch starts the day's plan allows (the what-if may move a lunch to them)."""
    options = plan_options(view.inputs, note_lunches_only=view.note_lunches_only)
    return lunch_options(view.inputs.slots, view.inputs.rules, options)


def day_lunch_window(view: DayView) -> tuple[dt.time, dt.time]:
    """(earliest start, latest end) of the lunches the day's plan allows."""
    options = plan_options(view.inputs, note_lunches_only=view.note_lunches_only)
    starts = lunch_options(view.inputs.slots, view.inputs.rules, options)
    length = template_lunches(view.inputs.rules)["A"][1]
    last = starts[-1].hour * 60 + starts[-1].minute + length
    return starts[0], dt.time(last // 60, last % 60)


def day_lunch_moves(view: DayView) -> list[LunchMove]:
    """Agents of the day's plan whose lunch left their group's slot of the note, and why."""
    return lunch_moves(view.result, view.inputs.rules)


def erlang_by_slot(view: DayView) -> list[float]:
    """Erlang A décroché of each half-hour of the plan shown (mean of its two quarters, 0–1)."""
    quarters = interval_pickups(
        view.inputs.demand, view.result.staffed_quarters, shrinkage=view.shrinkage
    )
    return [(quarters[2 * i] + quarters[2 * i + 1]) / 2 for i in range(len(view.result.slots))]


def plan_computation(day: dt.date) -> PlanComputation | None:
    """The background computation of the plan of `day` last asked for, if any."""
    return PlanComputation.objects.filter(day=day).first()


@dataclass(frozen=True)
class StoredPlan:
    """A stored plan as the week page shows it, read from its payload without any computing."""

    result: DayPlanResult
    simulation: dict | None
    target: float
    training: bool
    computed_at: dt.datetime

    @property
    def status(self) -> str:
        pickup = self.result.expected_pickup
        return "met" if pickup is not None and pickup >= self.target else "missed"

    @property
    def shortfall_slots(self) -> list[dt.time]:
        result = self.result
        return [
            slot
            for slot, need, staffed in zip(
                result.slots, result.required, result.staffed, strict=True
            )
            if staffed < need
        ]


@dataclass(frozen=True)
class WeekDay:
    day: dt.date
    plan: StoredPlan | None  # None: closed, or not computed yet
    computation: PlanComputation | None
    closed: bool


def week_view(day: dt.date) -> list[WeekDay]:
    """Monday to Friday of the week of `day`: the stored plans and their validations, and the
    computations waiting or running; nothing is computed (two queries)."""
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=offset) for offset in range(WEEK_DAYS)]
    plans = {p.day: p for p in DayPlan.objects.filter(day__in=days)}
    computations = {c.day: c for c in PlanComputation.objects.filter(day__in=days)}
    week = []
    for current in days:
        stored = plans.get(current)
        plan = None
        if stored is not None:
            payload = stored.payload
            plan = StoredPlan(
                result=result_from_payload(payload),
                simulation=payload.get("simulation"),
                target=float(payload["target"]),
                training=bool(payload.get("training")),
                computed_at=stored.computed_at,
            )
        week.append(
            WeekDay(
                current,
                plan,
                computations.get(current),
                closed=not calendar.is_working_day(current),
            )
        )
    return week


# --------------------------------------------------------------------------- hourly capacity


@dataclass(frozen=True)
class CapacityPage:
    """The capacity page: COG productions (`report`) and the hourly view at the target."""

    report: CapacityReport
    need: capacity_engine.HourlyNeed | None
    shrinkage_estimate: shrinkage.ShrinkageEstimate | None
    error: str | None  # why the hourly view is missing, in French

    @property
    def total(self) -> capacity_engine.NeedRow | None:
        return self.need.total if self.need else None

    @property
    def months(self) -> list[capacity_engine.NeedRow]:
        return self.need.by_month() if self.need else []

    @property
    def bands(self) -> list[capacity_engine.NeedRow]:
        return self.need.by_slot() if self.need else []


def capacity_page(year: int, *, today: dt.date) -> CapacityPage:
    """Capacity of `year` (see `capacity_report`) and its hourly view.

    Hourly view, per working day and half-hour: calls offered (actual before the report's
    split, forecast with the managers' corrections after), the requirement at the year's
    décroché target (Erlang A, AHT of the day, patience and IVR share of the history, the
    « taux d'indisponibilité » estimated over the `SHRINKAGE_DAYS` before the split) against
    the agents on the phone in the note's A/B day of the agents in post that day (contract
    running, recorded absences out, training Thursdays' morning off the phone, or each agent's
    training group's hours and workshops when sessions are planned).
    Raises `ForecastUnavailable` without any call history.
    """
    report = capacity_report(year, today=today)
    try:
        need, estimate = _hourly_need(report)
    except (PlanningError, capacity_engine.CapacityInputError) as exc:
        return CapacityPage(report, None, None, str(exc))
    return CapacityPage(report, need, estimate, None)


def _hourly_need(report: CapacityReport):
    first, last = dt.date(report.year, 1, 1), dt.date(report.year, 12, 31)
    rules = report.rules
    split = report.split
    history = call_history(min(first, split - dt.timedelta(days=HISTORY_DAYS)), split, rules)
    past = history.between(split - dt.timedelta(days=HISTORY_DAYS), split)
    if past.empty:
        raise PlanningError(
            _("Prévision impossible : aucun historique d'appels importé avant cette date.")
        )
    try:
        model = forecast_engine.fit_arrivals(past)
        handling = forecast_engine.estimate_handling(past)
    except forecast_engine.ForecastInputError as exc:
        raise PlanningError(str(exc)) from exc
    # A past day without any call imported is unknown, not a day without calls: left out.
    known = set(history.days)
    days = [d for d in calendar.working_days(first, last) if d >= split or d in known]
    if not days:
        raise PlanningError(_("Aucun jour ouvré de l'année avec des appels importés ou à prévoir."))
    slots = list(past.slots)
    offered = np.zeros((len(days), len(slots)))
    future = [i for i, day in enumerate(days) if day >= split]
    predicted = predict_days(
        model, past.slots, [days[i] for i in future], _corrections(split, last)
    )
    for i, day in enumerate(days):
        if day < split:
            offered[i] = history.offered[history.day_index(day)]
    for i, arrivals in zip(future, predicted, strict=True):
        offered[i] = arrivals
    aht = [handling.day_aht(day.weekday(), offered[i]) for i, day in enumerate(days)]
    staffed = _staff_in_post(days, slots, rules, split)
    # Unavailability of the last weeks of the history (a past year's ends with its last day).
    latest = min(split, past.days[-1] + dt.timedelta(days=1))
    estimate = shrinkage_estimate(latest, patience_s=handling.patience_s, rules=rules)
    need = capacity_engine.hourly_need(
        days,
        slots,
        offered=offered,
        aht_s=aht,
        staffed=staffed,
        patience_s=handling.patience_s,
        ivr_share=handling.ivr_share,
        pickup_target=cog_targets(report.year).pickup_rate,
        shrinkage=estimate.shrinkage if estimate else 0.0,
        phone_hours_per_fte_day=rules.phone_hours_per_day,
    )
    return need, estimate


def _staff_in_post(
    days: list[dt.date], slots: list[dt.time], rules: PlatformRules, split: dt.date
) -> np.ndarray:
    """Agents on the phone per (day, half-hour): the A/B day of the agents in post that day.

    Before `split`, a day whose agents' phone time is imported keeps the A/B day's shape
    scaled to the hours really logged on the phone (leave, sickness and late arrivals that no
    absence records are in the logs); from `split` on, only recorded absences are known.
    """
    first, last = days[0], days[-1]
    logged = dict(
        AgentActivity.objects.filter(
            day__gte=first, day__lt=min(split, last + dt.timedelta(days=1))
        )
        .values("day")
        .annotate(phone=Sum("phone_s"))
        .values_list("day", "phone")
    )
    users = list(people_selectors.agents_employed(start=first, end=last))
    absences = _absences(users, first, last)
    sessions = agent_sessions(first, last)
    staffed = np.zeros((len(days), len(slots)))
    for i, day in enumerate(days):
        training = rules.training_hours if calendar.is_training_day(day, rules) else None
        on_duty = [
            AgentInput(
                id=u.pk,
                name="",
                fte=float(u.fte),
                lunch_group=u.lunch_group,
                **agent_windows(sessions.get((day, u.pk)), training),
            )
            for u in users
            if u.is_employed_on(day) and not any(s <= day <= e for s, e in absences.get(u.pk, ()))
        ]
        staffed[i] = half_hour_means(template_staffing(on_duty, slots, rules))
        planned_h = staffed[i].sum() * SLOT_HOURS
        logged_h = (logged.get(day) or 0) / 3600
        if day < split and logged_h > 0 and planned_h > 0:
            staffed[i] *= logged_h / planned_h
    return staffed


# --------------------------------------------------------------------------- stored capacity


# Bumped when `CapacityPage` or the engine classes it holds change: every stored page is then
# computed again rather than unpickled into the wrong shape.
CAPACITY_FORMAT = 1


def capacity_version(year: int, *, today: dt.date) -> str:
    """Digest of everything `capacity_page(year, today=today)` reads, in a few small queries.

    The half-hour sums (rows and column totals of the history window), the agents' contracts,
    the absences and corrections of the year, the last email and agent activity imported, and
    the reference figures in force: a stored capacity page computed for the same digest is the page
    that computing it again would give.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    split = min(max(today, first), last + dt.timedelta(days=1))
    as_of = min(max(today, first), last)
    rules = platform_rules(as_of)
    targets = [cog_targets(y) for y in sorted({*rules.note_target_years, year})]
    agents = people_selectors.agents_employed(start=first, end=last).order_by("pk")
    inputs = (
        CAPACITY_FORMAT,
        year,
        today,
        rules,
        targets,
        half_hour_digest(min(first, split - dt.timedelta(days=HISTORY_DAYS)), split),
        list(agents.values_list("pk", "fte", "lunch_group", "start_date", "end_date")),
        list(
            Absence.objects.filter(start__lte=last, end__gte=first)
            .order_by("pk")
            .values_list("agent_id", "start", "end")
        ),
        list(
            ForecastOverride.objects.filter(day__gte=split, day__lte=last)
            .order_by("pk")
            .values_list("day", "slot_start", "factor", "calls")
        ),
        # Training groups and workshops take their participants off the phone (`_staff_in_post`).
        list(
            TrainingSession.objects.filter(day__gte=first, day__lte=last)
            .order_by("pk")
            .values_list("pk", "kind", "day", "start", "end")
        ),
        list(
            TrainingSession.participants.through.objects.filter(
                trainingsession__day__gte=first, trainingsession__day__lte=last
            )
            .order_by("pk")
            .values_list("trainingsession_id", "user_id")
        ),
        # Emails and activity days are only ever added (imports skip known rows): the last
        # identifier changes with each import (read from the primary key's index).
        Email.objects.aggregate(last=Max("id")),
        AgentActivity.objects.aggregate(last=Max("id")),
    )
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


def capacity_result(year: int) -> CapacityResult | None:
    """The stored capacity of `year` (last computed page and current computation), if any."""
    return CapacityResult.objects.filter(year=year).first()


def stored_capacity_page(result: CapacityResult) -> CapacityPage | None:
    """The page kept in `result` (None when none is stored, or the inputs had no history)."""
    if result.payload is None:
        return None
    # Written only by the worker (`services.capacity_computation_run`), never from user input.
    try:
        return pickle.loads(bytes(result.payload))  # noqa: S301
    except (pickle.UnpicklingError, AttributeError, ImportError, TypeError, EOFError):
        return None  # stored by an older version of the code: shown as not computed

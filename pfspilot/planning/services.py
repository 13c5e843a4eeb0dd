"""Writes of the planning app: the day plan (solved and validated by a background task, then
stored), the capacity page of a year (computed by a background task, then stored), the
managers' forecast corrections; and the thin services over the engine's validation
(`engine.validation`) and what-if (`engine.whatif`)."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.engine import calendar, validation, whatif
from pfspilot.engine.dayplan import AgentInput, result_to_payload, template_staffing
from pfspilot.engine.forecast import slot_starts
from pfspilot.engine.requirements import Demand, PlanningError
from pfspilot.people.models import User
from pfspilot.reference.selectors import platform_rules

from . import selectors
from .models import CapacityResult, DayPlan, ForecastOverride, PlanComputation, TrainingSession

VALIDATION_REPLICATIONS = validation.VALIDATION_REPLICATIONS
# A computation queued or running for longer than this has lost its worker: asked again, it is
# queued again (a plan of the demo year takes about ten seconds of solving and one of simulation).
STALE_AFTER = dt.timedelta(minutes=15)
WhatIf = whatif.WhatIf


def validate_plan(
    day: dt.date,
    payload: dict,
    *,
    replications: int = VALIDATION_REPLICATIONS,
    seed: int = validation.VALIDATION_SEED,
    demand: Demand | None = None,
) -> dict:
    """`engine.validation.validate_plan` of a plan payload against the forecast of `day` (or
    `demand`); PlanningError (French) without forecast. Nothing is written."""
    demand = demand or selectors.forecast_demand(day)[1]
    return validation.validate_plan(payload, demand, replications=replications, seed=seed)


def plan_day_for(
    day: dt.date, *, time_limit_s: float = 10.0, note_lunches_only: bool = False
) -> DayPlan:
    """Solves the plan of `day` and stores it; PlanningError (French) and nothing written if not.

    `note_lunches_only`: every lunch in the note's A or B slot (a manager's choice), else
    anywhere in the lunch window. The solver runs outside the transaction, which only covers
    the write.
    """
    inputs = selectors.day_inputs(day)
    result = selectors.plan_inputs(
        inputs, time_limit_s=time_limit_s, note_lunches_only=note_lunches_only
    )
    payload = result_to_payload(result)
    payload["note_lunches_only"] = note_lunches_only
    payload["target"] = inputs.target
    payload["training"] = inputs.training
    payload["shrinkage"] = inputs.shrinkage
    payload["inputs"] = selectors.plan_inputs_payload(inputs)
    payload["simulation"] = validate_plan(day, payload, demand=inputs.demand)
    with transaction.atomic():
        plan, _created = DayPlan.objects.update_or_create(day=day, defaults={"payload": payload})
    return plan


def plan_day_request(
    *, day: dt.date, note_lunches_only: bool = False, requested_by=None
) -> tuple[PlanComputation, bool]:
    """Queues the computation of the plan of `day` (`tasks.compute_day_plan`) once committed.

    Returns (computation, queued): a computation already waiting or running for less than
    `STALE_AFTER` is left as it is (queued False). Raises PlanningError (French) for a closed
    day; nothing is written then.
    """
    if not calendar.is_working_day(day):
        raise PlanningError(
            _("Le %(jour)s est fermé (week-end ou jour férié) : pas de plan.")
            % {"jour": f"{day:%d/%m/%Y}"}
        )
    from .tasks import compute_day_plan

    now = timezone.now()
    with transaction.atomic():
        computation = PlanComputation.objects.select_for_update().filter(day=day).first()
        if (
            computation is not None
            and computation.in_progress
            and now - computation.requested_at < STALE_AFTER
        ):
            return computation, False
        computation = computation or PlanComputation(day=day)
        computation.status = PlanComputation.Status.PENDING
        computation.note_lunches_only = note_lunches_only
        computation.requested_at = now
        computation.requested_by = requested_by
        computation.finished_at = None
        computation.error = ""
        computation.save()
        transaction.on_commit(lambda: compute_day_plan.enqueue(day.isoformat(), note_lunches_only))
    return computation, True


def plan_computation_run(*, day: dt.date, note_lunches_only: bool = False) -> PlanComputation:
    """The worker's part: solves and validates the plan of `day` (`plan_day_for`), recording
    the computation's progress; a PlanningError is kept as the computation's French error."""
    computation, _created = PlanComputation.objects.get_or_create(
        day=day, defaults={"requested_at": timezone.now()}
    )
    PlanComputation.objects.filter(pk=computation.pk).update(
        status=PlanComputation.Status.RUNNING, note_lunches_only=note_lunches_only
    )
    status, error = PlanComputation.Status.DONE, ""
    try:
        plan_day_for(day, note_lunches_only=note_lunches_only)
    except PlanningError as exc:
        status, error = PlanComputation.Status.FAILED, str(exc)
    except Exception:
        PlanComputation.objects.filter(pk=computation.pk).update(
            status=PlanComputation.Status.FAILED,
            error=_("Erreur inattendue pendant le calcul : voir le journal des tâches."),
            finished_at=timezone.now(),
        )
        raise
    PlanComputation.objects.filter(pk=computation.pk).update(
        status=status, error=error, finished_at=timezone.now()
    )
    computation.refresh_from_db()
    return computation


def plan_coming_days(*, now: dt.datetime | None = None) -> int:
    """Queues the plans of the next `selectors.PLAN_AHEAD_DAYS` working days that have neither a
    stored plan nor a computation (even a failed one: a person looks at it); returns how many.

    Idempotent: run every minute by `pfspilot tick`, it queues each day once."""
    today = timezone.localtime(now or timezone.now()).date()
    queued = 0
    for day in selectors.coming_working_days(today):
        if DayPlan.objects.filter(day=day).exists() or selectors.plan_computation(day):
            continue
        queued += plan_day_request(day=day)[1]
    return queued


def capacity_request(*, year: int, today: dt.date, version: str) -> tuple[CapacityResult, bool]:
    """Queues the computation of the capacity page of `year` for the inputs `version`
    (`selectors.capacity_version`) unless it is stored or being computed already.

    Returns (result, queued). A computation waiting or running for the same inputs for less
    than `STALE_AFTER` is left as it is. The task is queued once the row is written (with the
    immediate backend of the tests, it has run when this returns)."""
    from .tasks import compute_capacity

    now = timezone.now()
    with transaction.atomic():
        result = CapacityResult.objects.select_for_update().filter(year=year).first()
        if result is not None and result.version == version:
            fresh = result.computed_version == version and (
                bool(result.error) or selectors.stored_capacity_page(result) is not None
            )
            running = result.in_progress and now - result.requested_at < STALE_AFTER
            if fresh or running:
                return result, False
        result = result or CapacityResult(year=year)
        result.version = version
        result.status = PlanComputation.Status.PENDING
        result.requested_at = now
        result.finished_at = None
        result.save()
    compute_capacity.enqueue(year, today.isoformat(), version)
    result.refresh_from_db()
    return result, True


def capacity_computation_run(*, year: int, today: dt.date, version: str) -> CapacityResult:
    """The worker's part: computes the capacity page of `year` as of `today` and stores it as
    the result of the inputs `version`; « no history » is a result too (its French message)."""
    CapacityResult.objects.get_or_create(
        year=year, defaults={"version": version, "requested_at": timezone.now()}
    )
    current = CapacityResult.objects.filter(year=year, version=version)
    current.update(status=PlanComputation.Status.RUNNING)
    payload, error = None, ""
    try:
        page = selectors.capacity_page(year, today=today)
    except selectors.ForecastUnavailable as exc:
        error = str(exc)
    except Exception:
        current.update(status=PlanComputation.Status.FAILED, finished_at=timezone.now())
        raise
    else:
        payload = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
    now = timezone.now()
    # The page is the result of `version` even if newer inputs were asked for meanwhile: it is
    # shown (as the last computed) until their own computation ends.
    CapacityResult.objects.filter(year=year).update(
        payload=payload, error=error, computed_version=version, computed_at=now
    )
    current.update(status=PlanComputation.Status.DONE, finished_at=now)
    return CapacityResult.objects.get(year=year)


def refresh_capacity(*, now: dt.datetime | None = None) -> int:
    """Queues the capacity of the current year when its inputs changed since it was stored
    (run every minute by `pfspilot tick`); returns 1 when queued, else 0."""
    today = timezone.localtime(now or timezone.now()).date()
    version = selectors.capacity_version(today.year, today=today)
    return int(capacity_request(year=today.year, today=today, version=version)[1])


# --------------------------------------------------------------------------- training sessions


def check_session_window(day: dt.date, start: dt.time, end: dt.time) -> None:
    """PlanningError (French) when a session of `day` from `start` to `end` cannot be planned:
    it ends before it starts, or leaves its participants no lunch in the lunch window."""
    if end <= start:
        raise PlanningError(_("La séance finit avant de commencer."))
    rules = platform_rules(day)
    probe = AgentInput(id=0, name=_("un participant"), workshops=((start, end),))
    try:
        template_staffing([probe], slot_starts(rules.opening, rules.closing), rules)
    except PlanningError:
        raise PlanningError(
            _("La séance de %(debut)s à %(fin)s ne laisse aucun horaire de déjeuner possible.")
            % {"debut": f"{start:%H:%M}", "fin": f"{end:%H:%M}"}
        ) from None


def _replan(days) -> None:
    """Sessions changed on `days`: their plans already computed (or asked for) are computed again
    in the background, so that the plan and its validation read the sessions in force."""
    planned = set(DayPlan.objects.filter(day__in=days).values_list("day", flat=True))
    planned |= set(PlanComputation.objects.filter(day__in=days).values_list("day", flat=True))
    for day in sorted(planned):
        if calendar.is_working_day(day):
            plan_day_request(day=day)


@transaction.atomic
def training_groups_set(
    groups: dict[dt.date, list[tuple[dt.time, dt.time, list]]], *, title: str = ""
) -> int:
    """Replaces the training groups of each day of `groups` by the given ones: per day, (start,
    end, participants) of each group, numbered from 1. The day plans read them (an agent trains
    at their group's hours). Returns the number of sessions created; PlanningError (French) and
    nothing written for a window that cannot be planned."""
    for day, windows in groups.items():
        for start, end, _members in windows:
            check_session_window(day, start, end)
    TrainingSession.objects.filter(
        kind=TrainingSession.Kind.TRAINING, day__in=list(groups)
    ).delete()
    created = 0
    for day, windows in groups.items():
        for number, (start, end, members) in enumerate(windows, start=1):
            session = TrainingSession.objects.create(
                kind=TrainingSession.Kind.TRAINING,
                day=day,
                start=start,
                end=end,
                group=number,
                title=title,
            )
            session.participants.set(members)
            created += 1
    transaction.on_commit(lambda: _replan(list(groups)))
    return created


@transaction.atomic
def workshop_create(
    *, title: str, day: dt.date, start: dt.time, end: dt.time, participants
) -> TrainingSession:
    """A thematic workshop: its participants are off the phone from `start` to `end` in the day
    plan. PlanningError (French) and nothing written for a window that cannot be planned."""
    check_session_window(day, start, end)
    session = TrainingSession.objects.create(
        kind=TrainingSession.Kind.WORKSHOP, title=title, day=day, start=start, end=end
    )
    session.participants.set(participants)
    transaction.on_commit(lambda: _replan([day]))
    return session


def _parse_override(day, slot_start, factor, calls) -> tuple[Decimal | None, int | None]:
    errors: dict[str, list[str]] = {}
    if not calendar.is_working_day(day):
        errors["day"] = [
            _("Le %(jour)s est fermé (week-end ou jour férié).") % {"jour": f"{day:%d/%m/%Y}"}
        ]
    rules = platform_rules(day)
    starts = slot_starts(rules.opening, rules.closing)
    if slot_start is not None and slot_start not in starts:
        errors["slot_start"] = [
            _("La demi-heure doit commencer entre %(debut)s et %(fin)s, à l'heure ou à la demie.")
            % {"debut": f"{rules.opening:%H:%M}", "fin": f"{starts[-1]:%H:%M}"}
        ]
    factor_value = calls_value = None
    if (factor in (None, "")) == (calls in (None, "")):
        errors["__all__"] = [_("Indiquez soit un coefficient, soit un nombre d'appels.")]
    if factor not in (None, ""):
        try:
            factor_value = Decimal(str(factor).replace(",", "."))
        except InvalidOperation:
            errors["factor"] = [_("Le coefficient doit être un nombre (par exemple 1,2).")]
        else:
            if not factor_value.is_finite() or not Decimal("0") < factor_value < Decimal("1000"):
                errors["factor"] = [
                    _("Le coefficient doit être strictement positif et inférieur à 1 000.")
                ]
            elif factor_value != factor_value.quantize(Decimal("0.01")):
                errors["factor"] = [_("Le coefficient a au plus deux décimales.")]
    if calls not in (None, ""):
        try:
            calls_value = int(str(calls))
        except ValueError:
            errors["calls"] = [_("Le nombre d'appels doit être un entier positif ou nul.")]
        else:
            if calls_value < 0:
                errors["calls"] = [_("Le nombre d'appels doit être un entier positif ou nul.")]
    if errors:
        raise ValidationError(errors)
    return factor_value, calls_value


@transaction.atomic
def forecast_override_set(
    *,
    day: dt.date,
    slot_start: dt.time | None,
    factor=None,
    calls=None,
    reason: str = "",
    created_by: User | None = None,
) -> ForecastOverride:
    """Records a correction for a day (`slot_start` None) or a half-hour; replaces an existing one.

    Exactly one of `factor` (multiplies the forecast) and `calls` (replaces it) is given.
    Raises ValidationError with French messages per field; nothing is written then.
    """
    factor_value, calls_value = _parse_override(day, slot_start, factor, calls)
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError({"reason": [_("La raison fait au plus 200 caractères.")]})
    existing = (
        ForecastOverride.objects.select_for_update()
        .filter(day=day)
        .filter(Q(slot_start=slot_start) if slot_start is not None else Q(slot_start__isnull=True))
        .first()
    )
    override = existing or ForecastOverride(day=day, slot_start=slot_start)
    override.factor = factor_value
    override.calls = calls_value
    override.reason = reason
    override.created_by = created_by
    override.full_clean()
    override.save()
    return override


@transaction.atomic
def forecast_override_delete(*, override_id) -> dt.date:
    """Deletes a correction; returns its day. French ValidationError if it does not exist."""
    try:
        override = ForecastOverride.objects.get(pk=int(override_id))
    except (TypeError, ValueError, ForecastOverride.DoesNotExist):
        raise ValidationError(_("Cette correction n'existe pas (ou plus).")) from None
    day = override.day
    override.delete()
    return day


def what_if(
    day: dt.date,
    *,
    moves: dict | None = None,
    add_agents: int = 0,
    remove_agents: list | None = None,
    volume_factor: float = 1.0,
) -> WhatIf:
    """The day's plan (stored, else the A/B day) with lunches moved, agents added or removed and
    the volume scaled: `engine.whatif.what_if`, Erlang A without solving. Nothing is written."""
    whatif.check_what_if(add_agents, volume_factor)
    view = selectors.day_view(day)
    inputs = view.inputs
    return whatif.what_if(
        view.result,
        demand=inputs.demand,
        slots=inputs.slots,
        rules=inputs.rules,
        options=selectors.plan_options(inputs, note_lunches_only=view.note_lunches_only),
        target=inputs.target,
        shrinkage=view.shrinkage,
        moves=moves,
        add_agents=add_agents,
        remove_agents=remove_agents,
        volume_factor=volume_factor,
    )

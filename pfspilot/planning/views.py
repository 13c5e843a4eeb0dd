"""Day plan, week and what-if pages: parse the query, call one function, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.engine import calendar
from pfspilot.engine.dayplan import template_lunches
from pfspilot.engine.requirements import PlanningError
from pfspilot.people.access import can, requires

from . import selectors, services
from .models import TrainingSession

VOLUME_STEPS = (-30, -20, -10, 0, 10, 20, 30)  # volume change offered in the what-if, in %


def parse_day(value: str | None, default: dt.date) -> tuple[dt.date, str | None]:
    """The `jour` parameter (AAAA-MM-JJ or JJ/MM/AAAA) as a date, else `default` and a French error.

    Malformed dates, impossible ones (2026-02-30) and dates outside the supported years
    (`calendar.FIRST_YEAR`–`LAST_YEAR`, e.g. 31/12/9999 or 01/01/0001) give the error.
    """
    if not value:
        return default, None
    text = value.strip()
    day = None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    if day is None or not calendar.in_supported_range(day):
        return default, _(
            "Date invalide « %(valeur)s » : indiquez une date existante entre le "
            "01/01/%(premiere)s et le 31/12/%(derniere)s (format AAAA-MM-JJ ou JJ/MM/AAAA)."
        ) % {"valeur": value, "premiere": calendar.FIRST_YEAR, "derniere": calendar.LAST_YEAR}
    return day, None


def _parse_day(value: str | None) -> tuple[dt.date, str | None]:
    return parse_day(value, selectors.next_working_day(timezone.localdate()))


def _day_url(day: dt.date) -> str:
    return f"{reverse('planning:day')}?jour={day.isoformat()}"


def _week_url(day: dt.date) -> str:
    return f"{reverse('planning:week')}?jour={day.isoformat()}"


def _chart(view) -> dict:
    result = view.result
    return {
        "labels": [f"{s:%H:%M}" for s in result.slots],
        "required": result.required,
        "staffed": result.staffed,
        "arrivals": [round(a, 1) for a in view.inputs.demand.arrivals],
    }


def _rows(view, simulation: dict | None) -> list[dict]:
    """One row per half-hour; without a stored validation, the simulated décroché is unknown."""
    result = view.result
    erlang = simulation["slots"]["erlang_pickup"] if simulation else selectors.erlang_by_slot(view)
    simulated = simulation["slots"]["pickup"] if simulation else [None] * len(result.slots)
    return [
        {
            "slot": slot,
            "arrivals": arrivals,
            "required": need,
            "staffed": staffed,
            "gap": staffed - need,
            "erlang_percent": 100 * erlang,
            "simulated_percent": _percent(simulated),  # None: no simulated call in the slot
        }
        for slot, arrivals, need, staffed, erlang, simulated in zip(
            result.slots,
            view.inputs.demand.arrivals,
            result.required,
            result.staffed,
            erlang,
            simulated,
            strict=True,
        )
    ]


def _validation(simulation: dict | None) -> dict | None:
    """The simulation's figures as percentages (and seconds) for the page."""
    if simulation is None:
        return None
    pickup = simulation["pickup"]
    low, high = pickup["ci95"] or (None, None)
    erlang = simulation["erlang_pickup"]
    abandon = simulation["p_abandon"]["ci95"] or (None, None)
    asa = simulation["asa_answered_s"]["ci95"] or (None, None)
    return {
        "replications": simulation["replications"],
        "seed": simulation["seed"],
        "offered": simulation["offered_per_day"],
        "pickup": _percent(pickup["mean"]),
        "pickup_low": _percent(low),
        "pickup_high": _percent(high),
        "erlang": 100 * erlang,
        "erlang_inside": low is not None and low <= erlang <= high,
        "abandon": _percent(simulation["p_abandon"]["mean"]),
        "abandon_low": _percent(abandon[0]),
        "abandon_high": _percent(abandon[1]),
        "asa": simulation["asa_answered_s"]["mean"],
        "asa_low": asa[0],
        "asa_high": asa[1],
    }


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _shrinkage(view) -> dict:
    estimate = view.inputs.shrinkage_estimate
    figures = {
        "shrinkage_percent": 100 * view.shrinkage,
        "shrinkage_days": selectors.SHRINKAGE_DAYS,
        "shrinkage_changed": abs(view.shrinkage - view.inputs.shrinkage) >= 0.0005,
        "estimate_percent": 100 * view.inputs.shrinkage,
    }
    if estimate is not None:
        figures |= {
            "ready_hours": estimate.ready_s / 3600,
            "logged_hours": estimate.logged_s / 3600,
            "occupancy_percent": _percent(estimate.occupancy),
        }
    return figures


def _note_slots(view) -> list[dict]:
    """The note's lunch slots (§F), per group: A 11:45–12:45 and B 12:45–13:45 by default."""
    return [
        {"group": group, "start": _clock(start), "end": _clock(start + length)}
        for group, (start, length) in sorted(template_lunches(view.inputs.rules).items())
    ]


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _lunch_moves(view) -> list[dict]:
    """Each lunch outside the agent's slot of the note's day, with its reason in French."""
    rows = []
    for move in selectors.day_lunch_moves(view):
        if move.covered:
            reason = _(
                "couvre %(demi_heures)s, où la journée type A/B laissait le besoin à découvert"
            ) % {
                "demi_heures": ", ".join(
                    _(
                        "%(heure)s (besoin %(besoin)s agents, %(type)s dans la journée type, %(plan)s dans le plan)"
                    )
                    % {
                        "heure": f"{slot:%H}h{slot:%M}",
                        "besoin": need,
                        "type": f"{before:g}".replace(".", ","),
                        "plan": f"{after:g}".replace(".", ","),
                    }
                    for slot, need, before, after in move.covered
                )
            }
        else:
            reason = _(
                "aucune demi-heure à découvert n'est couverte : choix équivalent du solveur "
                "(même manque, autre répartition des déjeuners)"
            )
        rows.append({"move": move, "reason": reason})
    return rows


def _sessions(day: dt.date) -> list[dict]:
    """The day's training groups and workshops, with their number of participants."""
    return [
        {"session": s, "count": len(s.participants.all())}
        for s in selectors.training_sessions(day, day)
    ]


@requires("planning")
def day(request):
    day, day_error = _parse_day(request.GET.get("jour"))
    view = error = simulation = None
    try:
        view = selectors.day_view(day)
        simulation = view.simulation
    except PlanningError as exc:
        error = str(exc)
        view = None
    sessions = _sessions(day) if view else []
    context = {
        "day": day,
        "day_error": day_error,
        "view": view,
        "error": error,
        "chart": _chart(view) if view else None,
        "rows": _rows(view, simulation) if view else [],
        "validation": _validation(simulation) if view else None,
        **(_shrinkage(view) if view else {}),
        "pickup_percent": _percent(view.result.expected_pickup) if view else None,
        "template_percent": _percent(view.result.template_expected_pickup) if view else None,
        "target_percent": _percent(view.inputs.target) if view else None,
        "training_hours": view.inputs.rules.training_hours if view else None,
        "sessions": sessions,
        "training_groups": any(
            item["session"].kind == TrainingSession.Kind.TRAINING for item in sessions
        ),
        "lunch_options": selectors.day_lunch_options(view) if view else [],
        "lunch_window": selectors.day_lunch_window(view) if view else None,
        "lunch_moves": _lunch_moves(view) if view else [],
        "note_slots": _note_slots(view) if view else [],
        "volume_steps": VOLUME_STEPS,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "computation": selectors.plan_computation(day),
        "can_optimise": can(request.user, "plan.reoptimise"),
    }
    return render(request, "planning/day.html", context, status=400 if day_error else 200)


@requires({"POST": "plan.reoptimise"})
def optimise(request):
    """Queues the plan's computation (solving and simulation run in the worker), then redirects."""
    day, day_error = _parse_day(request.POST.get("jour"))
    back = _week_url(day) if request.POST.get("retour") == "semaine" else _day_url(day)
    if day_error:
        messages.error(request, day_error)
        return redirect(back)
    try:
        _computation, queued = services.plan_day_request(
            day=day,
            note_lunches_only=bool(request.POST.get("creneaux_note")),
            requested_by=request.user,
        )
    except PlanningError as exc:
        messages.error(request, str(exc))
    else:
        if queued:
            messages.success(
                request,
                _("Calcul du plan du %(jour)s lancé : la page se met à jour à la fin du calcul.")
                % {"jour": f"{day:%d/%m/%Y}"},
            )
        else:
            messages.info(
                request,
                _("Le plan du %(jour)s est déjà en cours de calcul.") % {"jour": f"{day:%d/%m/%Y}"},
            )
    return redirect(back)


@requires("planning")
def plan_status(request):
    """The progress of a plan's computation, polled by htmx; once it has ended, the page reloads
    (`HX-Refresh`) to show the stored plan or the error."""
    day, day_error = _parse_day(request.GET.get("jour"))
    computation = None if day_error else selectors.plan_computation(day)
    response = render(
        request,
        "planning/partials/plan_status.html",
        {"day": day, "computation": computation},
        status=400 if day_error else 200,
    )
    if computation is None or not computation.in_progress:
        response["HX-Refresh"] = "true"
    return response


def _what_if_params(data) -> dict:
    """Query parameters of the what-if panel → keyword arguments; French ValueError if invalid."""
    moves = {}
    agent, start = data.get("agent_dejeuner"), data.get("heure_dejeuner")
    if agent and start:
        try:
            moves[agent] = dt.time.fromisoformat(start)
        except ValueError:
            raise ValueError(_("Heure de déjeuner invalide « %(v)s ».") % {"v": start}) from None
    try:
        add = int(data.get("ajouter") or 0)
    except ValueError:
        raise ValueError(_("Le nombre d'agents ajoutés doit être un entier.")) from None
    try:
        volume = float((data.get("volume") or "0").replace(",", "."))
    except ValueError:
        raise ValueError(_("La variation de volume doit être un nombre (en %).")) from None
    return {
        "moves": moves,
        "add_agents": add,
        "remove_agents": data.getlist("retirer"),
        "volume_factor": 1 + volume / 100,
    }


@requires("planning")
def what_if(request):
    day, day_error = _parse_day(request.GET.get("jour"))
    result = None
    error = day_error
    if not error:
        try:
            result = services.what_if(day, **_what_if_params(request.GET))
        except (ValueError, PlanningError) as exc:
            error = str(exc)
    context = {"day": day, "whatif": result, "error": error}
    if result is not None:
        context |= {
            "base_percent": _percent(result.base_expected_pickup),
            "whatif_percent": _percent(result.expected_pickup),
            "target_percent": _percent(result.target),
            "rows": [
                {"slot": slot, "required": need, "base": base, "staffed": staffed}
                for slot, need, base, staffed in zip(
                    result.slots, result.required, result.base_staffed, result.staffed, strict=True
                )
            ],
        }
    status = 400 if day_error else 200
    return render(request, "planning/partials/what_if.html", context, status=status)


@requires("planning")
def week(request):
    """The stored plans of the week; a day without one offers « Calculer » (a GET writes nothing)."""
    day, day_error = _parse_day(request.GET.get("jour"))
    days = selectors.week_view(day)
    rows = [
        {
            "day": d.day,
            "plan": d.plan,
            "closed": d.closed,
            "computation": d.computation,
            "percent": _percent(d.plan.result.expected_pickup) if d.plan else None,
            "validation": _validation(d.plan.simulation) if d.plan else None,
        }
        for d in days
    ]
    context = {
        "day": day,
        "day_error": day_error,
        "days": days,
        "rows": rows,
        "replications": services.VALIDATION_REPLICATIONS,
        "can_optimise": can(request.user, "plan.reoptimise"),
        "previous_week": day - dt.timedelta(days=7),
        "next_week": day + dt.timedelta(days=7),
    }
    return render(request, "planning/week.html", context, status=400 if day_error else 200)

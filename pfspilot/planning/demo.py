"""Demo step: the demo agents' absences of the coming weeks and the next working day's plan.

Absences follow the rates the synthetic year draws (`engine.synthetic`): whole weeks of leave
with the month's probability, and sick days with the daily probability — only over the first
two weeks, since a manager knows the sick notes in progress, not the future ones. Part-time
days off are not recorded: the plan already pro-rates phone time by ETP. The plan of the next
working day is then optimised and validated by simulation, so the day page shows it at once.
Runs once: absences already recorded from today on, or a stored plan, are left as they are.
"""

import datetime as dt
import time

import numpy as np
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pfspilot.contacts.models import Call
from pfspilot.engine import calendar
from pfspilot.engine.requirements import PlanningError
from pfspilot.engine.synthetic import LEAVE, SICK
from pfspilot.indicators.formatting import fr_figure
from pfspilot.people.models import Role, User

from . import selectors, services
from .models import Absence, DayPlan

LEAVE_WEEKS = 8
SICK_WORKING_DAYS = 10
SEED = 2026


def _working_runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive working days merged into (first, last) spells."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and calendar.working_days(runs[-1][1] + dt.timedelta(days=1), day) == [day]:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def draw_absences(agents: list[User], today: dt.date, rng: np.random.Generator) -> list[Absence]:
    """Leave weeks over `LEAVE_WEEKS` weeks from today's week and sick days over the next
    `SICK_WORKING_DAYS` working days, at the synthetic year's rates."""
    monday = today - dt.timedelta(days=today.weekday())
    weeks = [monday + dt.timedelta(weeks=k) for k in range(LEAVE_WEEKS)]
    horizon = weeks[-1] + dt.timedelta(days=4)
    sick_days = calendar.working_days(today, horizon)[:SICK_WORKING_DAYS]
    # A week's leave rate is its Friday's month's, as the synthetic year counts it.
    rates = LEAVE[[(w + dt.timedelta(days=4)).month - 1 for w in weeks]]
    leave = rng.random((len(agents), len(weeks))) < rates
    sick = rng.random((len(agents), len(sick_days))) < SICK
    absences = []
    for i, agent in enumerate(agents):
        on_leave = set()
        for k, week in enumerate(weeks):
            if leave[i, k]:
                start, end = max(week, today), week + dt.timedelta(days=4)
                if start <= end:
                    absences.append(
                        Absence(agent=agent, start=start, end=end, reason=Absence.Reason.LEAVE)
                    )
                    on_leave.update(
                        start + dt.timedelta(days=n) for n in range((end - start).days + 1)
                    )
        ill = [d for j, d in enumerate(sick_days) if sick[i, j] and d not in on_leave]
        absences += [
            Absence(agent=agent, start=first, end=last, reason=Absence.Reason.SICK)
            for first, last in _working_runs(ill)
        ]
    return absences


@transaction.atomic
def _record_absences(today: dt.date) -> int | None:
    """Records the demo agents' absences once; None when some are already recorded."""
    agents = list(
        User.objects.filter(role=Role.AGENT, username__startswith="tc").order_by("username")
    )
    if not agents or Absence.objects.filter(agent__in=agents, end__gte=today).exists():
        return None
    rng = np.random.default_rng([SEED, today.toordinal()])
    absences = draw_absences(agents, today, rng)
    bulk_create_with_history(absences, Absence)
    return len(absences)


def load(stdout=None):
    """Absences of the coming weeks, then the optimised and simulated plan of the next day."""
    write = stdout.write if stdout is not None else (lambda text: None)
    if not Call.objects.exists():
        write("Planification de démonstration : aucun historique d'appels, rien à planifier.")
        return None
    started = time.perf_counter()
    today = timezone.localdate()
    recorded = _record_absences(today)
    if recorded is None:
        write("Planification de démonstration : absences déjà enregistrées.")
    else:
        write(
            f"Planification de démonstration : {fr_figure(recorded, 'count')} absences enregistrées "
            f"(congés sur {LEAVE_WEEKS} semaines, arrêts maladie sur {SICK_WORKING_DAYS} jours "
            "ouvrés)."
        )
    day = selectors.next_working_day(today)
    if DayPlan.objects.filter(day=day).exists():
        write(f"Plan du {day:%d/%m/%Y} déjà calculé.")
        return recorded
    try:
        plan = services.plan_day_for(day)
    except PlanningError as exc:
        write(f"Plan du {day:%d/%m/%Y} impossible : {exc}")
        return recorded
    payload = plan.payload
    simulation = payload["simulation"]
    low, high = simulation["pickup"]["ci95"]
    write(
        f"Plan optimisé du {day:%d/%m/%Y} : {len(payload['agents'])} agents, décroché attendu "
        f"{fr_figure(payload['expected_pickup'], 'rate')} (Erlang A), simulé "
        f"{fr_figure(simulation['pickup']['mean'], 'rate')} (IC 95\u00a0% "
        f"{fr_figure(low, 'rate')} – {fr_figure(high, 'rate')}), taux d'indisponibilité "
        f"{fr_figure(payload['shrinkage'], 'rate')}, en "
        f"{fr_figure(time.perf_counter() - started, 'seconds')}."
    )
    return recorded

"""Writes of the day plan, and the what-if that recomputes a plan's décroché without solving."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from pfspilot.engine.dayplan import (
    PlanOptions,
    extra_agent,
    half_hour_means,
    move_lunch,
    plan_day,
    result_to_payload,
    shortfall,
    staffing,
)
from pfspilot.engine.requirements import PlanningError, expected_pickup, requirement

from . import selectors
from .models import DayPlan

MAX_ADDED_AGENTS = 200
VOLUME_FACTOR_RANGE = (0.1, 5.0)


def plan_day_for(day: dt.date, *, time_limit_s: float = 10.0) -> DayPlan:
    """Solves the plan of `day` and stores it; PlanningError (French) and nothing written if not.

    The solver runs outside the transaction, which only covers the write.
    """
    inputs = selectors.day_inputs(day)
    result = plan_day(
        inputs.agents,
        inputs.requirement,
        inputs.slots,
        inputs.rules,
        demand=inputs.demand,
        time_limit_s=time_limit_s,
    )
    payload = result_to_payload(result)
    payload["target"] = inputs.target
    payload["training"] = inputs.training
    with transaction.atomic():
        plan, _created = DayPlan.objects.update_or_create(day=day, defaults={"payload": payload})
    return plan


@dataclass(frozen=True)
class WhatIf:
    slots: list[dt.time]
    required: list[int]
    staffed: list[float]
    base_staffed: list[float]
    expected_pickup: float
    base_expected_pickup: float
    target: float
    shortfall: float
    base_shortfall: float
    agents: int

    @property
    def status(self) -> str:
        return "met" if self.expected_pickup >= self.target else "missed"


def what_if(
    day: dt.date,
    *,
    moves: dict | None = None,
    add_agents: int = 0,
    remove_agents: list | None = None,
    volume_factor: float = 1.0,
) -> WhatIf:
    """The day's plan with lunches moved, agents added or removed and the volume scaled.

    Recomputed at once with Erlang A on the modified staffing, without solving again;
    `moves` maps an agent id to a new lunch start. Nothing is written.
    """
    moves = moves or {}
    remove = {str(a) for a in (remove_agents or [])}
    if not 0 <= add_agents <= MAX_ADDED_AGENTS:
        raise PlanningError(
            _("Le nombre d'agents ajoutés doit être compris entre 0 et %(max)s.")
            % {"max": MAX_ADDED_AGENTS}
        )
    low, high = VOLUME_FACTOR_RANGE
    if not low <= volume_factor <= high:
        raise PlanningError(
            _("Le coefficient de volume doit être compris entre %(bas)s et %(haut)s.")
            % {"bas": low, "haut": high}
        )
    view = selectors.day_view(day)
    inputs, base = view.inputs, view.result
    known = {str(a.id) for a in base.agents}
    unknown = (remove | {str(a) for a in moves}) - known
    if unknown:
        raise PlanningError(
            _("Agent inconnu dans le plan du jour : %(ids)s.") % {"ids": ", ".join(sorted(unknown))}
        )
    plans = []
    for agent in base.agents:
        if str(agent.id) in remove:
            continue
        start = moves.get(agent.id, moves.get(str(agent.id)))
        if start is not None:
            agent = move_lunch(agent, start, inputs.slots, inputs.rules, PlanOptions())
        plans.append(agent)
    added = [extra_agent(n, plans, inputs.slots, inputs.rules) for n in range(1, add_agents + 1)]
    plans += added
    n_quarters = len(base.staffed_quarters)
    staffed = staffing(plans, n_quarters)
    demand = inputs.demand.scaled(volume_factor)
    required = requirement(demand, inputs.target) if volume_factor != 1.0 else base.required
    return WhatIf(
        slots=inputs.slots,
        required=required,
        staffed=half_hour_means(staffed),
        base_staffed=base.staffed,
        expected_pickup=expected_pickup(demand, staffed),
        base_expected_pickup=expected_pickup(inputs.demand, base.staffed_quarters),
        target=inputs.target,
        shortfall=shortfall(required, staffed),
        base_shortfall=shortfall(base.required, base.staffed_quarters),
        agents=len(plans),
    )

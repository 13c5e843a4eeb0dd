"""What-if of a day plan: lunches moved, agents added or removed, volume scaled, no re-solving.

Pure computation (no Django): the planning app reads the day's plan and inputs, this module
recomputes the staffing and its Erlang A décroché at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .dayplan import (
    DayPlanResult,
    PlanOptions,
    extra_agent,
    half_hour_means,
    move_lunch,
    shortfall,
    staffing,
)
from .parameters import PlatformRules
from .requirements import Demand, PlanningError, expected_pickup, requirement

MAX_ADDED_AGENTS = 200
VOLUME_FACTOR_RANGE = (0.1, 5.0)


@dataclass(frozen=True)
class WhatIf:
    slots: list[dt.time]
    required: list[int]  # agents needed per half-hour at the target
    staffed: list[float]  # agents on the phone per half-hour (mean of its two quarters)
    base_staffed: list[float]
    expected_pickup: float  # Erlang A décroché of the day, 0–1
    base_expected_pickup: float
    target: float
    shortfall: float  # agent-half-hours missing
    base_shortfall: float
    agents: int
    base_agents: int

    @property
    def status(self) -> str:
        return "met" if self.expected_pickup >= self.target else "missed"


def check_what_if(add_agents: int, volume_factor: float) -> None:
    """Raises PlanningError (French) when the added agents or the volume factor are out of range."""
    if not 0 <= add_agents <= MAX_ADDED_AGENTS:
        raise PlanningError(
            f"Le nombre d'agents ajoutés doit être compris entre 0 et {MAX_ADDED_AGENTS}."
        )
    low, high = VOLUME_FACTOR_RANGE
    if not low <= volume_factor <= high:
        raise PlanningError(f"Le coefficient de volume doit être compris entre {low} et {high}.")


def what_if(
    base: DayPlanResult,
    *,
    demand: Demand,
    slots: list[dt.time],
    rules: PlatformRules,
    options: PlanOptions,
    target: float,
    shrinkage: float = 0.0,
    moves: dict | None = None,
    add_agents: int = 0,
    remove_agents: list | None = None,
    volume_factor: float = 1.0,
) -> WhatIf:
    """The plan `base` with lunches moved, agents added or removed and the volume scaled.

    `moves` maps an agent id (int or str) to a new lunch start within `options`' lunch window;
    `shrinkage` is the share of phone time not ready for calls the expected décroché counts
    (Erlang A, `requirements.expected_pickup`). Raises PlanningError (French) on an unknown agent or a
    parameter out of range.
    """
    moves = moves or {}
    remove = {str(a) for a in (remove_agents or [])}
    check_what_if(add_agents, volume_factor)
    known = {str(a.id) for a in base.agents}
    unknown = (remove | {str(a) for a in moves}) - known
    if unknown:
        raise PlanningError(f"Agent inconnu dans le plan du jour : {', '.join(sorted(unknown))}.")
    plans = []
    for agent in base.agents:
        if str(agent.id) in remove:
            continue
        start = moves.get(agent.id, moves.get(str(agent.id)))
        if start is not None:
            agent = move_lunch(agent, start, slots, rules, options)
        plans.append(agent)
    plans += [extra_agent(n, plans, slots, rules) for n in range(1, add_agents + 1)]
    staffed = staffing(plans, len(base.staffed_quarters))
    scaled = demand.scaled(volume_factor)
    rate = shrinkage
    required = (
        requirement(scaled, target, shrinkage=rate) if volume_factor != 1.0 else base.required
    )
    return WhatIf(
        slots=slots,
        required=required,
        staffed=half_hour_means(staffed),
        base_staffed=base.staffed,
        expected_pickup=expected_pickup(scaled, staffed, shrinkage=rate),
        base_expected_pickup=expected_pickup(demand, base.staffed_quarters, shrinkage=rate),
        target=target,
        shortfall=shortfall(required, staffed),
        base_shortfall=shortfall(base.required, base.staffed_quarters),
        agents=len(plans),
        base_agents=len(base.agents),
    )

"""Writes of the day plan, and the what-if that recomputes a plan's décroché without solving."""

from __future__ import annotations

import datetime as dt
import time as clock
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from pfspilot.engine import simulation as sim
from pfspilot.engine.dayplan import (
    extra_agent,
    half_hour_means,
    move_lunch,
    result_to_payload,
    shortfall,
    staffing,
)
from pfspilot.engine.requirements import (
    Demand,
    PlanningError,
    expected_pickup,
    interval_pickups,
    requirement,
)

from . import selectors
from .models import DayPlan

MAX_ADDED_AGENTS = 200
VOLUME_FACTOR_RANGE = (0.1, 5.0)
VALIDATION_REPLICATIONS = 20
VALIDATION_SEED = 2026
QUARTER_S = 900.0


def _ready_agents(table: np.ndarray, shrinkage: float, rng: np.random.Generator) -> np.ndarray:
    """Agents × quarters ready for calls: staffed × (1 − shrinkage) of the agents on the phone.

    The count is rounded at random (its mean stays exact) and the ready agents are the first
    ones of a random order, so the same agents stay ready from one quarter to the next: drawn
    afresh each quarter, agents turning not ready mid-call would finish the call and the
    simulation would lose less capacity than the shrinkage says.
    """
    if shrinkage <= 0 or table.size == 0:
        return table
    order = rng.permutation(table.shape[0])
    ranked = table[order]
    wanted = ranked.sum(axis=0) * (1 - shrinkage)
    count = np.floor(wanted + rng.random(wanted.size))
    ready = np.zeros_like(table)
    ready[order] = ranked & (np.cumsum(ranked, axis=0) <= count[None, :])
    return ready


def validate_plan(
    day: dt.date,
    payload: dict,
    *,
    replications: int = VALIDATION_REPLICATIONS,
    seed: int = VALIDATION_SEED,
    demand: Demand | None = None,
) -> dict:
    """Simulates the day of a plan payload `replications` times (seeded) and sums it up.

    Arrivals per half-hour, AHT, patience and IVR share come from the day's forecast (or
    `demand`); each agent answers only during their phone quarters of the plan (lunch,
    training and email taken out); with the payload's `shrinkage`, only staffed × (1 −
    shrinkage) of the agents on the phone take calls in each quarter. Returns the simulated
    décroché, abandonment and ASA with their 95 % intervals, next to the Erlang A expectation
    of the same staffing, and per half-hour the simulated décroché and ready agents. Nothing
    is written.
    """
    demand = demand or selectors.forecast_demand(day)[1]
    shrinkage = float(payload.get("shrinkage") or 0.0)
    if len(payload["slots"]) != len(demand.arrivals):
        raise PlanningError(_("Le plan ne correspond pas aux demi-heures de la prévision."))
    if replications < 2:
        raise PlanningError(_("Il faut au moins deux réplications pour un intervalle."))
    if not 0 <= shrinkage < 1:
        raise PlanningError(_("Le taux d'indisponibilité doit être compris entre 0 et 100 %."))
    started = clock.perf_counter()
    n_slots = len(demand.arrivals)
    agents = payload["agents"]
    table = np.array(
        [[code == "P" for code in agent["quarters"]] for agent in agents], dtype=bool
    ).reshape(len(agents), 2 * n_slots)
    replicas, ready = [], np.zeros(n_slots)
    for child in np.random.SeedSequence(seed).spawn(replications):
        draws, calls = child.spawn(2)
        available = _ready_agents(table, shrinkage, np.random.default_rng(draws))
        ready += available.sum(axis=0).reshape(n_slots, 2).mean(axis=1)
        replicas += sim.simulate(
            [2.0 * a for a in demand.arrivals],  # calls per half-hour → calls per hour
            demand.aht_s,
            demand.patience_s,
            available,
            ivr_share=demand.ivr_share,
            slot_s=2 * QUARTER_S,
            staffing_slot_s=QUARTER_S,
            seed=int(calls.generate_state(1)[0]),
        ).replications
    per_rep = [rep.totals() for rep in replicas]
    by_slot = [rep.by_slot() for rep in replicas]
    offered = np.sum([s["offered"] for s in by_slot], axis=0)
    picked = np.sum([s["answered"] + s["ivr"] for s in by_slot], axis=0)
    staffed = table.sum(axis=0).tolist()
    erlang_slots = interval_pickups(demand, staffed, shrinkage=shrinkage)

    def figure(key: str) -> dict:
        """Mean over the replications where the figure is known, and its 95 % interval."""
        values = [r[key] for r in per_rep if r[key] is not None]
        mean = float(np.mean(values)) if values else None
        if key in sim.RATE_COUNTS:  # never [0, 0] when no replication saw an abandon
            return {"mean": mean, "ci95": sim.rate_interval(per_rep, key)}
        return {"mean": mean, "ci95": sim.confidence_interval(values)}

    return {
        "replications": replications,
        "seed": seed,
        "shrinkage": shrinkage,
        "offered_per_day": float(np.mean([r["offered"] for r in per_rep])),
        "pickup": figure("pickup_rate"),
        "p_abandon": figure("p_abandon"),
        "asa_answered_s": figure("asa_answered_s"),
        "erlang_pickup": expected_pickup(demand, staffed, shrinkage=shrinkage),
        "slots": {
            "pickup": [float(p / o) if o else None for p, o in zip(picked, offered, strict=True)],
            "erlang_pickup": [
                (erlang_slots[2 * i] + erlang_slots[2 * i + 1]) / 2 for i in range(n_slots)
            ],
            "staffed": half_hour_means(staffed),
            "ready": (ready / replications).tolist(),
        },
        "elapsed_s": clock.perf_counter() - started,
    }


def view_validation(view: selectors.DayView) -> dict:
    """The simulation of the plan a page shows: stored with the optimised plan, else computed
    for the A/B template (a few tenths of a second for the whole platform)."""
    if view.simulation is not None:
        return view.simulation
    payload = result_to_payload(view.result) | {"shrinkage": view.shrinkage}
    return validate_plan(view.inputs.day, payload, demand=view.inputs.demand)


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
    payload["simulation"] = validate_plan(day, payload, demand=inputs.demand)
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
    base_agents: int

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
            options = selectors.plan_options(inputs, note_lunches_only=view.note_lunches_only)
            agent = move_lunch(agent, start, inputs.slots, inputs.rules, options)
        plans.append(agent)
    added = [extra_agent(n, plans, inputs.slots, inputs.rules) for n in range(1, add_agents + 1)]
    plans += added
    n_quarters = len(base.staffed_quarters)
    staffed = staffing(plans, n_quarters)
    demand = inputs.demand.scaled(volume_factor)
    rate = view.shrinkage
    required = (
        requirement(demand, inputs.target, shrinkage=rate)
        if volume_factor != 1.0
        else base.required
    )
    return WhatIf(
        slots=inputs.slots,
        required=required,
        staffed=half_hour_means(staffed),
        base_staffed=base.staffed,
        expected_pickup=expected_pickup(demand, staffed, shrinkage=rate),
        base_expected_pickup=expected_pickup(inputs.demand, base.staffed_quarters, shrinkage=rate),
        target=inputs.target,
        shortfall=shortfall(required, staffed),
        base_shortfall=shortfall(base.required, base.staffed_quarters),
        agents=len(plans),
        base_agents=len(base.agents),
    )

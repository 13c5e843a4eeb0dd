"""Validation of a day plan by simulation: the plan's phone quarters replayed `replications` times.

Pure computation (no Django): the planning app reads the day's demand and the stored plan, this
module simulates (`engine.simulation`) and sums up.
"""

from __future__ import annotations

import time as clock

import numpy as np

from . import simulation as sim
from .dayplan import half_hour_means
from .requirements import Demand, PlanningError, expected_pickup, interval_pickups

VALIDATION_REPLICATIONS = 20
VALIDATION_SEED = 2026
QUARTER_S = 900.0


def ready_agents(table: np.ndarray, shrinkage: float, rng: np.random.Generator) -> np.ndarray:
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
    payload: dict,
    demand: Demand,
    *,
    replications: int = VALIDATION_REPLICATIONS,
    seed: int = VALIDATION_SEED,
) -> dict:
    """Simulates the day of a plan payload `replications` times (seeded) and sums it up.

    `demand`: arrivals per half-hour, AHT, patience and IVR share of the day; each agent
    answers only during their phone quarters (`"P"`) of the payload (lunch, training and email
    taken out); with the payload's `shrinkage`, only staffed × (1 − shrinkage) of the agents on
    the phone take calls in each quarter (`ready_agents`). Returns the simulated décroché,
    abandonment and ASA (seconds) as {"mean", "ci95"}, next to the Erlang A expectation of the
    same staffing (`requirements.expected_pickup`), and per half-hour the simulated décroché,
    the Erlang A one, the staffed and the ready agents. Raises PlanningError (French) when the
    plan and the demand disagree or the parameters are out of range.
    """
    shrinkage = float(payload.get("shrinkage") or 0.0)
    if len(payload["slots"]) != len(demand.arrivals):
        raise PlanningError("Le plan ne correspond pas aux demi-heures de la prévision.")
    if replications < 2:
        raise PlanningError("Il faut au moins deux réplications pour un intervalle.")
    if not 0 <= shrinkage < 1:
        raise PlanningError("Le taux d'indisponibilité doit être compris entre 0 et 100 %.")
    started = clock.perf_counter()
    n_slots = len(demand.arrivals)
    agents = payload["agents"]
    table = np.array(
        [[code == "P" for code in agent["quarters"]] for agent in agents], dtype=bool
    ).reshape(len(agents), 2 * n_slots)
    replicas, ready = [], np.zeros(n_slots)
    for child in np.random.SeedSequence(seed).spawn(replications):
        draws, calls = child.spawn(2)
        available = ready_agents(table, shrinkage, np.random.default_rng(draws))
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

"""Agents needed per half-hour for the day's décroché target, and the décroché a staffing gives.

`Demand.arrivals` are the calls offered to the platform per half-hour (O = A + S + X); the IVR
fully handles the share `ivr_share` of them, the others join the agents' queue (Erlang A,
M/M/n+M). Décroché of an interval = ivr_share + (1 − ivr_share)(1 − p_abandon), and the day's
décroché is that figure weighted by the arrivals of each interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pfspilot.engine import erlang

SLOT_HOURS = 0.5


class PlanningError(ValueError):
    """A day that cannot be planned; the message is French and shown to the user."""


@dataclass(frozen=True)
class Demand:
    arrivals: list[float]  # calls offered per half-hour
    aht_s: float
    patience_s: float  # mean patience: Erlang A, callers hang up (domain.md)
    ivr_share: float = 0.0

    def scaled(self, factor: float) -> Demand:
        return Demand(
            [a * factor for a in self.arrivals], self.aht_s, self.patience_s, self.ivr_share
        )


def check_demand(demand: Demand) -> None:
    if any(a < 0 for a in demand.arrivals):
        raise PlanningError("La prévision contient un nombre d'appels négatif.")
    if not demand.arrivals or sum(demand.arrivals) <= 0:
        raise PlanningError("La prévision est vide : aucun appel attendu ce jour-là.")
    if demand.aht_s <= 0:
        raise PlanningError("La durée moyenne de traitement (DMT) doit être strictement positive.")
    if demand.patience_s is None or demand.patience_s <= 0:
        raise PlanningError("La patience moyenne des appelants doit être strictement positive.")
    if not 0 <= demand.ivr_share <= 1:
        raise PlanningError("La part du SVI doit être comprise entre 0 et 1.")


def _check_shrinkage(shrinkage: float) -> None:
    if not 0 <= shrinkage < 1:
        raise PlanningError("Le taux d'indisponibilité doit être compris entre 0 et 100 % (exclu).")


def requirement(demand: Demand, target_pickup: float, *, shrinkage: float = 0.0) -> list[int]:
    """Fewest agents per half-hour whose décroché reaches `target_pickup` (0 when no call).

    With a `shrinkage` (share of phone time not ready), the ready agents Erlang A needs are
    staffed as ready / (1 − shrinkage), rounded up: the workforce-management convention.
    """
    check_demand(demand)
    _check_shrinkage(shrinkage)
    if not 0 < target_pickup < 1:
        raise PlanningError("La cible de décroché doit être comprise entre 0 et 100 % (exclus).")
    if demand.ivr_share >= target_pickup:
        return [0] * len(demand.arrivals)
    arrivals = np.asarray(demand.arrivals, dtype=float)
    busy = arrivals > 0
    needed = np.zeros(len(arrivals), dtype=int)
    if busy.any():
        try:
            found = erlang.required_agents_batch(
                arrivals[busy] * (1 - demand.ivr_share) / SLOT_HOURS,
                demand.aht_s,
                demand.patience_s,
                target_pickup=target_pickup,
                ivr_share=demand.ivr_share,
            )
        except erlang.UnreachableTarget as exc:
            raise PlanningError(
                "La cible de décroché est inatteignable pour cette prévision."
            ) from exc
        except erlang.ErlangError as exc:
            raise PlanningError(f"Besoin incalculable : {exc}") from exc
        needed[busy] = np.asarray(found, dtype=int)
    if shrinkage > 0:
        needed = np.ceil(needed / (1 - shrinkage) - 1e-9).astype(int)
    return [int(n) for n in needed]


def interval_pickups(demand: Demand, staffed: list[int], *, shrinkage: float = 0.0) -> list[float]:
    """Décroché of each interval; `staffed` may be finer than the half-hours (e.g. quarters).

    Ready agents are staffed × (1 − shrinkage); a fractional number of ready agents takes the
    abandonment interpolated linearly between the two whole numbers around it.
    """
    _check_shrinkage(shrinkage)
    per_slot = len(staffed) // len(demand.arrivals)
    if per_slot < 1 or per_slot * len(demand.arrivals) != len(staffed):
        raise PlanningError("Les effectifs ne correspondent pas aux demi-heures de la prévision.")
    hours = SLOT_HOURS / per_slot
    pickups = []
    for i, agents in enumerate(staffed):
        offered = demand.arrivals[i // per_slot] / per_slot
        if offered <= 0:
            pickups.append(1.0)
            continue
        ready = agents * (1 - shrinkage)
        whole = math.floor(ready + 1e-9)
        p_abandon = _p_abandon(demand, offered / hours, whole)
        if ready - whole > 1e-9:
            share = ready - whole
            p_abandon += share * (_p_abandon(demand, offered / hours, whole + 1) - p_abandon)
        pickups.append(erlang.pickup_rate(p_abandon, demand.ivr_share))
    return pickups


def _p_abandon(demand: Demand, offered_per_hour: float, agents: int) -> float:
    if demand.ivr_share >= 1:
        return 0.0  # no call reaches the queue: none abandons (and the décroché is the IVR's)
    if agents <= 0:
        return 1.0  # nobody answers: every queued caller ends up hanging up
    return erlang.metrics(
        offered_per_hour * (1 - demand.ivr_share),
        demand.aht_s,
        int(agents),
        patience_s=demand.patience_s,
    )["p_abandon"]


def expected_pickup(demand: Demand, staffed: list[int], *, shrinkage: float = 0.0) -> float:
    """Décroché of the day: the intervals' décroché weighted by their offered calls."""
    check_demand(demand)
    pickups = interval_pickups(demand, staffed, shrinkage=shrinkage)
    per_slot = len(staffed) // len(demand.arrivals)
    weights = [demand.arrivals[i // per_slot] for i in range(len(staffed))]
    return float(sum(p * w for p, w in zip(pickups, weights, strict=True)) / sum(weights))

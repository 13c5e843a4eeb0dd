"""Agents needed per half-hour for the day's décroché target, and the décroché a staffing gives.

`Demand.arrivals` are the calls offered to the platform per half-hour (O = A + S + X); the IVR
fully handles the share `ivr_share` of them, the others join the agents' queue (Erlang A,
M/M/n+M). Décroché of an interval = ivr_share + (1 − ivr_share)(1 − p_abandon), and the day's
décroché is that figure weighted by the arrivals of each interval.
"""

from __future__ import annotations

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
    needed = requirement_batch(
        [demand.arrivals],
        [demand.aht_s],
        demand.patience_s,
        ivr_share=demand.ivr_share,
        target_pickup=target_pickup,
        shrinkage=shrinkage,
    )
    return [int(n) for n in needed[0]]


def requirement_batch(
    arrivals,
    aht_s,
    patience_s: float,
    *,
    ivr_share: float,
    target_pickup: float,
    shrinkage: float = 0.0,
) -> np.ndarray:
    """`requirement` of many days at once: agents staffed per (day, half-hour), integers.

    `arrivals`: calls offered per half-hour, days × slots; `aht_s`: one value per day. Each
    interval with calls gets the fewest agents whose Erlang A décroché reaches the target,
    staffed as ready / (1 − shrinkage) rounded up; an interval without calls needs 0.
    """
    _check_shrinkage(shrinkage)
    if not 0 < target_pickup < 1:
        raise PlanningError("La cible de décroché doit être comprise entre 0 et 100 % (exclus).")
    offered = np.asarray(arrivals, dtype=float)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float).reshape(-1, 1), offered.shape)
    needed = np.zeros(offered.shape, dtype=int)
    busy = offered > 0
    if ivr_share >= target_pickup or not busy.any():
        return needed
    try:
        found = erlang.required_agents_batch(
            offered[busy] * (1 - ivr_share) / SLOT_HOURS,
            aht[busy],
            patience_s,
            target_pickup=target_pickup,
            ivr_share=ivr_share,
        )
    except erlang.UnreachableTarget as exc:
        raise PlanningError("La cible de décroché est inatteignable pour cette prévision.") from exc
    except erlang.ErlangError as exc:
        raise PlanningError(f"Besoin incalculable : {exc}") from exc
    needed[busy] = np.asarray(found, dtype=int)
    if shrinkage > 0:
        needed = np.ceil(needed / (1 - shrinkage) - 1e-9).astype(int)
    return needed


def interval_pickups(demand: Demand, staffed: list[int], *, shrinkage: float = 0.0) -> list[float]:
    """Décroché of each interval; `staffed` may be finer than the half-hours (e.g. quarters).

    Ready agents are staffed × (1 − shrinkage); a fractional number of ready agents takes the
    abandonment interpolated linearly between the two whole numbers around it.
    """
    per_slot = len(staffed) // len(demand.arrivals)
    if per_slot < 1 or per_slot * len(demand.arrivals) != len(staffed):
        raise PlanningError("Les effectifs ne correspondent pas aux demi-heures de la prévision.")
    offered = [demand.arrivals[i // per_slot] for i in range(len(staffed))]
    pickups = pickups_batch(
        [offered],
        [demand.aht_s],
        [staffed],
        demand.patience_s,
        ivr_share=demand.ivr_share,
        shrinkage=shrinkage,
    )
    return [float(p) for p in pickups[0]]


def pickups_batch(
    arrivals, aht_s, staffed, patience_s: float, *, ivr_share: float, shrinkage: float = 0.0
) -> np.ndarray:
    """Décroché of each (day, interval) with `staffed` agents on the phone, days × intervals.

    `arrivals`: calls offered per half-hour (the rate is the same in each quarter of it);
    `aht_s`: one per day; `staffed` may be fractional (a mean over a half-hour, or an average
    staff). Ready agents are staffed × (1 − shrinkage); between two whole numbers of ready
    agents the abandonment is interpolated linearly; no ready agent: every queued caller
    hangs up; an interval without calls counts 1.
    """
    _check_shrinkage(shrinkage)
    offered = np.asarray(arrivals, dtype=float)
    agents = np.asarray(staffed, dtype=float)
    if agents.shape != offered.shape:
        raise PlanningError("Les effectifs ne correspondent pas aux demi-heures de la prévision.")
    if ivr_share >= 1:
        return np.ones(offered.shape)  # no call reaches the queue: the décroché is the IVR's
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float).reshape(-1, 1), offered.shape)
    ready = np.clip(agents * (1 - shrinkage), 0.0, float(erlang.MAX_AGENTS - 1))
    whole = np.floor(ready + 1e-9)
    share = np.where(ready - whole > 1e-9, ready - whole, 0.0)
    busy = offered > 0
    p_abandon = np.ones(offered.shape)
    lam = offered * (1 - ivr_share) / SLOT_HOURS

    def p_at(n: np.ndarray) -> np.ndarray:
        out = np.ones(int(busy.sum()))
        some = n[busy] >= 1
        if some.any():
            out[some] = erlang.metrics_batch(
                lam[busy][some], aht[busy][some], n[busy][some].astype(int), patience_s
            )["p_abandon"]
        return out

    low = p_at(whole)
    if (share[busy] > 0).any():
        low = low + share[busy] * (p_at(whole + 1) - low)
    p_abandon[busy] = low
    pickups = ivr_share + (1 - ivr_share) * (1 - p_abandon)
    return np.where(busy, pickups, 1.0)


def expected_pickup(demand: Demand, staffed: list[int], *, shrinkage: float = 0.0) -> float:
    """Décroché of the day: the intervals' décroché weighted by their offered calls."""
    check_demand(demand)
    pickups = interval_pickups(demand, staffed, shrinkage=shrinkage)
    per_slot = len(staffed) // len(demand.arrivals)
    weights = [demand.arrivals[i // per_slot] for i in range(len(staffed))]
    return float(sum(p * w for p, w in zip(pickups, weights, strict=True)) / sum(weights))

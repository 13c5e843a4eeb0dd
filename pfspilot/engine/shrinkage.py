"""Shrinkage: the share of the agents' logged phone time they are not ready to take calls.

Logged phone time (agent activity) counts every minute an agent is on the phone line, but part
of it goes to PIRA entries, urgent files, meetings or calls out: the agent is logged yet not
ready. Standard workforce management plans with effective agents = staffed × (1 − shrinkage).

Estimate (per half-hour of the history): the fractional number of ready agents whose Erlang A
abandonment equals the observed one, at the observed queued arrivals, AHT and the censored
patience; their agent-seconds summed over the day are the ready time, and
shrinkage = 1 − ready time / logged phone time. Pure Python + NumPy, no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pfspilot.engine import erlang

SLOT_S = 1800.0
MAX_SHRINKAGE = 0.9  # beyond, the activity data cannot be the platform's phone time


class ShrinkageInputError(ValueError):
    """History that cannot give a shrinkage (message in French)."""


@dataclass(frozen=True)
class ShrinkageEstimate:
    shrinkage: float
    days: int
    ready_s: float  # Σ ready agents × seconds, from Erlang A inverted on the abandonment
    logged_s: float  # Σ logged phone seconds of the agents' activity
    busy_s: float  # Σ talk + wrap-up of the answered calls

    @property
    def occupancy(self) -> float | None:
        """Busy share of the ready time (the Erlang occupancy the estimate implies); None
        (unknown, not 0) without any ready time."""
        return self.busy_s / self.ready_s if self.ready_s > 0 else None


def effective_agents(arrivals_per_hour, aht_s, patience_s: float, p_abandon) -> np.ndarray:
    """Fractional agents whose Erlang A abandonment is `p_abandon`, per interval.

    Abandonment decreases with the agents; between two whole numbers of agents it is
    interpolated linearly (no agent: every queued caller hangs up). Vectorised over the
    intervals, bisecting on the whole number of agents.
    """
    lam = np.asarray(arrivals_per_hour, dtype=float).reshape(-1)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float).reshape(-1), lam.shape)
    target = np.asarray(p_abandon, dtype=float).reshape(-1)
    if lam.size == 0:
        return np.zeros(0)
    if np.any(lam <= 0) or np.any(aht <= 0) or patience_s <= 0:
        raise ShrinkageInputError(
            "Arrivées, DMT et patience doivent être strictement positives pour l'estimation."
        )
    load = lam * aht / 3600.0
    top = min(erlang.MAX_AGENTS, int(math.ceil(2 * load.max() + 20)))

    def p_at(rows: np.ndarray, agents: np.ndarray) -> np.ndarray:
        out = np.ones(rows.size)
        some = agents > 0
        if some.any():
            out[some] = erlang.metrics_batch(
                lam[rows[some]], aht[rows[some]], agents[some], patience_s
            )["p_abandon"]
        return out

    # Bisection per interval on whole agents: p(low) > target >= p(high), p(0) = 1.
    idx = np.arange(lam.size)
    low = np.zeros(lam.size, dtype=int)
    high = np.full(lam.size, top)
    p_high = p_at(idx, high)
    high_ok = p_high <= target
    while True:
        open_ = np.flatnonzero(high_ok & (high - low > 1))
        if open_.size == 0:
            break
        mid = (low[open_] + high[open_]) // 2
        ok = p_at(open_, mid) <= target[open_]
        high[open_[ok]] = mid[ok]
        low[open_[~ok]] = mid[~ok]
    lower, upper = p_at(idx, low), p_at(idx, high)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(lower > upper, (lower - target) / (lower - upper), 1.0)
    # Beyond `top` agents the abandonment is out of reach: the interval counts `top`.
    return np.where(high_ok, low + np.clip(share, 0.0, 1.0), float(top))


def estimate(
    queued,
    abandoned,
    aht_s,
    patience_s: float,
    logged_s,
    busy_s,
    *,
    slot_s: float = SLOT_S,
) -> ShrinkageEstimate:
    """Shrinkage of the days given (arrays days × slots of queued and abandoned calls).

    `aht_s`: one value per day; `logged_s` and `busy_s`: per day. A slot without any abandon
    (or without any answer) counts half a call instead, so that its ready agents stay finite.
    """
    queued = np.asarray(queued, dtype=float)
    abandoned = np.asarray(abandoned, dtype=float)
    logged = np.asarray(logged_s, dtype=float)
    if queued.ndim != 2 or queued.shape != abandoned.shape or logged.shape != queued.shape[:1]:
        raise ShrinkageInputError("Historique de file et d'activité incohérent.")
    if queued.shape[0] == 0 or logged.sum() <= 0:
        raise ShrinkageInputError("Aucune journée avec appels et temps de téléphone déclaré.")
    if np.any(queued <= 0):
        raise ShrinkageInputError("Une demi-heure de l'historique n'a aucun appel en file.")
    p_obs = np.clip(abandoned / queued, 0.5 / queued, 1.0 - 0.5 / queued)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float).reshape(-1, 1), queued.shape)
    ready = effective_agents(
        (queued / (slot_s / 3600.0)).ravel(), aht.ravel(), patience_s, p_obs.ravel()
    )
    ready_s = float(ready.sum() * slot_s)
    shrinkage = min(max(0.0, 1.0 - ready_s / float(logged.sum())), MAX_SHRINKAGE)
    return ShrinkageEstimate(
        shrinkage=shrinkage,
        days=int(queued.shape[0]),
        ready_s=ready_s,
        logged_s=float(logged.sum()),
        busy_s=float(np.sum(busy_s)),
    )

"""Discrete-event simulation of the phone queue: M/M/n+M with time-varying arrivals and staffing.

Callers are served first come, first served; each waits at most their (exponential) patience.
Under FIFO a caller's service start only depends on the callers before them who were served, so
the event loop walks arrivals in order and keeps a heap of the agents' next possible start
times: no event calendar is needed, which makes it fast in pure Python. Agents only start calls
while on the phone (per-agent availability by slot); a call running past a break or the end of
a shift is finished. Pure Python + NumPy, no Django.

A rate over no call (no queued call for the abandonment and service level, no answered call for
the ASA, no call for the décroché) is unknown: None (NaN in per-slot arrays), never 0 or 1.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

HALF_HOUR_S = 1800.0

# Outcome codes of the per-call arrays (records.py names them answered / ivr / abandoned).
ANSWERED, ABANDONED, IVR = 0, 1, 2

# Two-sided 97.5 % Student quantiles for small numbers of replications (df = R - 1).
_T975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    25: 2.060,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}


def _t975(df: int) -> float:
    if df in _T975:
        return _T975[df]
    smaller = [k for k in _T975 if k <= df]
    return _T975[max(smaller)] if df < 120 else 1.960


class SimulationInputError(ValueError):
    """Inputs the simulator cannot run (message in French)."""


@dataclass
class QueueOutcome:
    """Per-call result of the queue, aligned with the arrivals given."""

    wait_s: np.ndarray  # time in queue: until answer, or until hang-up for an abandon
    outcome: np.ndarray  # ANSWERED or ABANDONED (int8)
    agent: np.ndarray  # index of the agent who answered, -1 otherwise (int32)


def _next_slot_table(available: np.ndarray, drain: bool) -> list[list[int]]:
    """For each agent and slot k, the first slot >= k where the agent is on the phone.

    One extra slot stands for "after the last slot": open when `drain` and the agent was on the
    phone in the last slot (callers still queued at closing are served), closed otherwise.
    A value equal to the number of slots + 1 means never again.
    """
    agents, slots = available.shape
    extended = np.zeros((agents, slots + 1), dtype=bool)
    extended[:, :slots] = available
    if drain and slots:
        extended[:, slots] = available[:, -1]
    never = slots + 1
    index = np.where(extended, np.arange(slots + 1), never)
    nxt = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1]
    return nxt.tolist()


def run_queue(
    arrival_s: np.ndarray,
    service_s: np.ndarray,
    patience_s: np.ndarray,
    available: np.ndarray | int,
    slot_s: float = HALF_HOUR_S,
    drain: bool = True,
) -> QueueOutcome:
    """FIFO multi-agent queue with abandonment; `arrival_s` must be sorted.

    `available` is either a number of agents on the phone all the time, or a boolean array
    (agents × slots of `slot_s` seconds from t = 0) telling when each agent may start a call.
    """
    arrival = np.asarray(arrival_s, dtype=float)
    n = arrival.size
    wait = np.zeros(n)
    outcome = np.zeros(n, dtype=np.int8)
    agent = np.full(n, -1, dtype=np.int32)
    if n == 0:
        return QueueOutcome(wait, outcome, agent)
    if n > 1 and np.any(np.diff(arrival) < 0):
        raise SimulationInputError("Les arrivées doivent être triées par heure.")
    service = np.asarray(service_s, dtype=float)
    patience = np.asarray(patience_s, dtype=float)
    if isinstance(available, (int, np.integer)):
        if available <= 0:
            return QueueOutcome(patience.copy(), np.full(n, ABANDONED, np.int8), agent)
        heap = [(0.0, j) for j in range(int(available))]
        nxt = None
    else:
        table = np.asarray(available, dtype=bool)
        if table.ndim != 2:
            raise SimulationInputError("La disponibilité doit être un tableau agents × créneaux.")
        if table.shape[0] == 0:
            return QueueOutcome(patience.copy(), np.full(n, ABANDONED, np.int8), agent)
        nxt = _next_slot_table(table, drain)
        heap = [
            (_next_start(nxt, table.shape[1], float(slot_s), j, 0.0), j) for j in range(len(nxt))
        ]
        heapq.heapify(heap)
    # Chunks bound the memory of the Python lists the loop runs on; the heap carries over.
    for first in range(0, n, _CHUNK):
        part = slice(first, first + _CHUNK)
        arr, svc, pat = arrival[part].tolist(), service[part].tolist(), patience[part].tolist()
        if nxt is None:
            waits, outs, agents = _loop_constant(arr, svc, pat, heap)
        else:
            waits, outs, agents = _loop_timed(arr, svc, pat, heap, nxt, table.shape[1], slot_s)
        wait[part] = waits
        outcome[part] = outs
        agent[part] = agents
    return QueueOutcome(wait, outcome, agent)


_CHUNK = 1 << 18


def _next_start(nxt, slots, slot_s, j, t):
    """Earliest time >= t at which agent j may start a call (inf: never again)."""
    k = min(int(t / slot_s), slots)
    k2 = nxt[j][k]
    if k2 == k:
        return t
    return math.inf if k2 == slots + 1 else k2 * slot_s


def _loop_constant(arr, svc, pat, heap):
    """All agents always on the phone: the heap holds (free time, agent)."""
    n = len(arr)
    waits = [0.0] * n
    outs = [ABANDONED] * n
    agents = [-1] * n
    replace = heapq.heapreplace
    for i in range(n):
        a = arr[i]
        free, j = heap[0]
        if free <= a:
            outs[i] = ANSWERED
            agents[i] = j
            replace(heap, (a + svc[i], j))
        else:
            w = free - a
            p = pat[i]
            if w > p:
                waits[i] = p
            else:
                waits[i] = w
                outs[i] = ANSWERED
                agents[i] = j
                replace(heap, (free + svc[i], j))
    return waits, outs, agents


def _loop_timed(arr, svc, pat, heap, nxt, slots, slot_s):
    """Agents with breaks: heap keys are the earliest time each agent may start a call.

    A key at or before the arrival may be stale (the agent went to lunch meanwhile): it is then
    moved to the agent's next phone slot and the heap is looked at again.
    """
    n = len(arr)
    waits = [0.0] * n
    outs = [ABANDONED] * n
    agents = [-1] * n
    last = slots  # the extra "after closing" slot
    never = slots + 1
    inf = math.inf
    replace = heapq.heapreplace
    for i in range(n):
        a = arr[i]
        k = int(a / slot_s)  # division, as in _next_start: k * slot_s / slot_s == k exactly
        if k > last:
            k = last
        while True:
            free, j = heap[0]
            if free > a:
                break
            if nxt[j][k] == k:
                free = a
                break
            key = _next_start(nxt, slots, slot_s, j, a)
            if key <= a:  # only on a slot boundary rounded the other way: available
                free = a
                break
            replace(heap, (key, j))
        w = free - a
        p = pat[i]
        if w > p:
            waits[i] = p
            continue
        waits[i] = w
        outs[i] = ANSWERED
        agents[i] = j
        # next_start(j, end), inlined: this line runs once per answered call.
        end = free + svc[i]
        k = int(end / slot_s)
        if k > last:
            k = last
        k2 = nxt[j][k]
        if k2 != k:
            end = inf if k2 == never else k2 * slot_s
        replace(heap, (end, j))
    return waits, outs, agents


def staffing_table(agents_per_slot) -> np.ndarray:
    """Boolean availability (agents × slots) from a number of agents per slot.

    Agent j is on the phone in slot k when j < agents_per_slot[k], so a drop in staffing sends the
    highest-numbered agents on break first.
    """
    counts = np.asarray(agents_per_slot, dtype=np.int64)
    if counts.ndim != 1:
        raise SimulationInputError("Le nombre d'agents par créneau doit être une liste.")
    if np.any(counts < 0):
        raise SimulationInputError("Le nombre d'agents par créneau ne peut pas être négatif.")
    top = int(counts.max()) if counts.size else 0
    return np.arange(top)[:, None] < counts[None, :]


def poisson_arrivals(rate_per_slot_h, rng: np.random.Generator, slot_s: float = HALF_HOUR_S):
    """Non-homogeneous Poisson arrivals, piecewise constant rate (calls per hour) per slot."""
    rates = np.asarray(rate_per_slot_h, dtype=float)
    if np.any(rates < 0) or not np.all(np.isfinite(rates)):
        raise SimulationInputError("Les taux d'arrivée doivent être positifs ou nuls.")
    counts = rng.poisson(rates * slot_s / 3600.0)
    total = int(counts.sum())
    starts = np.repeat(np.arange(rates.size) * slot_s, counts)
    times = starts + rng.random(total) * slot_s
    times.sort()
    return times


@dataclass
class Replication:
    """One simulated day or week: per-call arrays and per-slot aggregates."""

    arrival_s: np.ndarray
    wait_s: np.ndarray
    outcome: np.ndarray  # ANSWERED, ABANDONED or IVR
    talk_s: np.ndarray  # service time of answered calls, 0 otherwise
    agent: np.ndarray
    slot_s: float
    slots: int
    answer_within_s: float

    def totals(self, mask=None) -> dict:
        """Figures over all calls, or over the calls selected by the boolean `mask`."""
        out = self.outcome if mask is None else self.outcome[mask]
        wait = self.wait_s if mask is None else self.wait_s[mask]
        answered_mask = out == ANSWERED
        offered = int(out.size)
        answered = int(answered_mask.sum())
        abandoned = int((out == ABANDONED).sum())
        ivr = int((out == IVR).sum())
        queued = answered + abandoned
        within = int((answered_mask & (wait <= self.answer_within_s)).sum())
        return {
            "offered": offered,
            "answered": answered,
            "abandoned": abandoned,
            "ivr": ivr,
            "queued": queued,
            "within": within,
            "p_abandon": _ratio(abandoned, queued),
            "asa_answered_s": float(wait[answered_mask].mean()) if answered else None,
            "service_level": _ratio(within, queued),
            "pickup_rate": _ratio(answered + ivr, offered),
        }

    def by_slot(self) -> dict[str, np.ndarray]:
        """Aggregates per arrival slot (arrays of length `slots`)."""
        slot = np.minimum((self.arrival_s / self.slot_s).astype(np.int64), self.slots - 1)
        m = self.slots
        answered = self.outcome == ANSWERED
        offered = np.bincount(slot, minlength=m)
        n_ans = np.bincount(slot, weights=answered, minlength=m)
        n_ab = np.bincount(slot, weights=self.outcome == ABANDONED, minlength=m)
        n_ivr = np.bincount(slot, weights=self.outcome == IVR, minlength=m)
        wait_ans = np.bincount(slot, weights=np.where(answered, self.wait_s, 0.0), minlength=m)
        within = np.bincount(
            slot, weights=answered & (self.wait_s <= self.answer_within_s), minlength=m
        )
        queued = n_ans + n_ab
        with np.errstate(invalid="ignore", divide="ignore"):
            return {
                "offered": offered,
                "answered": n_ans.astype(np.int64),
                "abandoned": n_ab.astype(np.int64),
                "ivr": n_ivr.astype(np.int64),
                "p_abandon": np.where(queued > 0, n_ab / queued, np.nan),
                "asa_answered_s": np.where(n_ans > 0, wait_ans / n_ans, np.nan),
                "service_level": np.where(queued > 0, within / queued, np.nan),
                "pickup_rate": np.where(offered > 0, (n_ans + n_ivr) / offered, np.nan),
            }


@dataclass
class SimulationResult:
    """Independent replications and their pooled figures with 95 % confidence intervals."""

    replications: list[Replication] = field(default_factory=list)

    def summary(self) -> dict:
        per_rep = [rep.totals() for rep in self.replications]
        out = {
            key: int(sum(r[key] for r in per_rep))
            for key in ("offered", "answered", "abandoned", "ivr", "queued", "within")
        }
        waits = [rep.wait_s[rep.outcome == ANSWERED] for rep in self.replications]
        all_waits = np.concatenate(waits) if waits else np.zeros(0)
        out["asa_answered_s"] = float(all_waits.mean()) if all_waits.size else None
        out["asa_answered_s_ci95"] = confidence_interval(
            [r["asa_answered_s"] for r in per_rep if r["asa_answered_s"] is not None]
        )
        for key in RATE_COUNTS:
            out[key] = _ratio(*rate_counts(out, key))
            out[f"{key}_ci95"] = rate_interval(per_rep, key)
        out["replications"] = len(per_rep)
        return out


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator; None (unknown) without any call to count."""
    return numerator / denominator if denominator else None


# Each simulated rate as (events, trials) of the counts of `Replication.totals`.
RATE_COUNTS = {
    "p_abandon": (("abandoned",), "queued"),
    "service_level": (("within",), "queued"),
    "pickup_rate": (("answered", "ivr"), "offered"),
}


def rate_counts(totals: dict, key: str) -> tuple[int, int]:
    """(events, trials) of the rate `key` (RATE_COUNTS) in a dict of counts."""
    events, trials = RATE_COUNTS[key]
    return sum(int(totals[name]) for name in events), int(totals[trials])


def confidence_interval(values) -> list[float] | None:
    """95 % Student interval of the mean of independent replications (None without any)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return None
    mean = float(x.mean())
    if x.size < 2:
        return [mean, mean]
    half = _t975(x.size - 1) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return [mean - half, mean + half]


def proportion_interval(events: int, trials: int) -> list[float] | None:
    """95 % Clopper–Pearson (exact binomial) interval of a proportion; None without trials.

    Chosen over the normal (Wald) interval because it never collapses: with 0 events out of n
    it is [0, 1 − 0.025^(1/n)] (about 3.7/n, the "rule of three" 3/n being its one-sided 95 %
    version), with n events out of n [0.025^(1/n), 1]. Clopper & Pearson, Biometrika 26 (1934);
    computed by `scipy.stats.binomtest(...).proportion_ci(method="exact")`.
    """
    if trials <= 0:
        return None
    ci = stats.binomtest(int(events), int(trials)).proportion_ci(0.95, method="exact")
    return [float(ci.low), float(ci.high)]


def _hull(first: list[float] | None, second: list[float] | None) -> list[float] | None:
    """The smallest interval holding both (either may be None), clipped to [0, 1]."""
    parts = [part for part in (first, second) if part is not None]
    if not parts:
        return None
    low = min(part[0] for part in parts)
    high = max(part[1] for part in parts)
    return [max(0.0, low), min(1.0, high)]


def rate_interval(per_part: list[dict], key: str, *, centre: float | None = None) -> list | None:
    """95 % interval of a simulated rate from independent parts (replications or batches).

    The Student interval of the parts' rates accounts for the correlation between successive
    callers (a busy spell makes neighbours wait and hang up together) but collapses to a point
    when every part shows the same rate, e.g. [0, 0] when no part saw an abandon. The exact
    binomial interval of the pooled counts (`proportion_interval`) never collapses but treats
    calls as independent, so it is only a floor for the uncertainty. The interval is the hull
    of both, clipped to [0, 1]. With `centre` (batch means around one run), the Student
    half-width is taken around it instead of around the mean of the parts.
    """
    values = [part[key] for part in per_part if part[key] is not None]
    student = confidence_interval(values)
    if student is not None and centre is not None:
        half = (student[1] - student[0]) / 2.0
        student = [centre - half, centre + half]
    pooled = [sum(counts) for counts in zip(*(rate_counts(p, key) for p in per_part), strict=True)]
    exact = proportion_interval(*pooled) if pooled else None
    return _hull(student, exact)


def simulate(
    arrivals_per_hour,
    aht_s: float,
    patience_s: float,
    staffing,
    *,
    ivr_share: float = 0.0,
    slot_s: float = HALF_HOUR_S,
    staffing_slot_s: float | None = None,
    answer_within_s: float = 20.0,
    replications: int = 1,
    seed: int = 0,
    drain: bool = True,
) -> SimulationResult:
    """Simulates a day or a week, `replications` times with independent random streams.

    `arrivals_per_hour`: one rate (calls/hour reaching the platform) per arrival slot of
    `slot_s` seconds. `staffing`: agents on the phone per staffing slot (a list of counts), or a
    boolean agents × slots table, or one number for a constant team. A share `ivr_share` of the
    calls is handled fully by the IVR and never reaches an agent. Exponential service of mean
    `aht_s` and patience of mean `patience_s` (0 = hang up at once when no agent is free).
    With `drain`, agents on the phone in the last staffing slot keep answering the callers
    still queued at the end of the horizon; within the horizon a slot without agents (a night
    of a simulated week) lets queued callers hang up.
    """
    rates = np.atleast_1d(np.asarray(arrivals_per_hour, dtype=float))
    _check(aht_s > 0, "La durée moyenne de traitement (DMT) doit être strictement positive.")
    _check(patience_s >= 0, "La patience moyenne ne peut pas être négative.")
    _check(0.0 <= ivr_share <= 1.0, "La part SVI doit être comprise entre 0 et 1.")
    _check(replications >= 1, "Il faut au moins une réplication.")
    _check(slot_s > 0, "La durée d'un créneau doit être strictement positive.")
    staff_slot = float(staffing_slot_s or slot_s)
    if np.isscalar(staffing):
        _check(staffing >= 0, "Le nombre d'agents ne peut pas être négatif.")
        available: np.ndarray | int = int(staffing)
    else:
        table = np.asarray(staffing)
        available = table.astype(bool) if table.ndim == 2 else staffing_table(table)
    root = np.random.SeedSequence(seed)
    result = SimulationResult()
    for child in root.spawn(replications):
        rng = np.random.default_rng(child)
        result.replications.append(
            _one_replication(
                rates,
                aht_s,
                patience_s,
                available,
                ivr_share,
                slot_s,
                staff_slot,
                answer_within_s,
                drain,
                rng,
            )
        )
    return result


def _one_replication(
    rates, aht_s, patience_s, available, ivr_share, slot_s, staff_slot, answer_within_s, drain, rng
) -> Replication:
    arrival = poisson_arrivals(rates, rng, slot_s)
    n = arrival.size
    is_ivr = rng.random(n) < ivr_share if ivr_share > 0 else np.zeros(n, dtype=bool)
    queued = ~is_ivr
    q_arrival = arrival[queued]
    m = q_arrival.size
    service = rng.exponential(aht_s, m)
    patience = rng.exponential(patience_s, m) if patience_s > 0 else np.zeros(m)
    queue = run_queue(q_arrival, service, patience, available, staff_slot, drain)
    wait = np.zeros(n)
    outcome = np.full(n, IVR, dtype=np.int8)
    talk = np.zeros(n)
    agent = np.full(n, -1, dtype=np.int32)
    wait[queued] = queue.wait_s
    outcome[queued] = queue.outcome
    talk[queued] = np.where(queue.outcome == ANSWERED, service, 0.0)
    agent[queued] = queue.agent
    return Replication(arrival, wait, outcome, talk, agent, slot_s, rates.size, answer_within_s)


def simulate_stationary(
    arrivals_per_hour: float,
    aht_s: float,
    patience_s: float,
    agents: int,
    hours: float,
    *,
    seed: int = 0,
    batches: int = 10,
    answer_within_s: float = 20.0,
) -> dict:
    """Constant arrivals and team over `hours`: the figures of `pfspilot simulate`.

    One run (so `offered` is about arrivals_per_hour × hours); the 95 % intervals come from
    `batches` consecutive batches of equal duration (batch means), centred on the run's figure;
    for the abandonment and the service level, widened to the exact binomial interval when
    narrower (`rate_interval`), so that a run without any abandon does not claim [0, 0].
    """
    _check(arrivals_per_hour > 0, "Le nombre d'appels par heure doit être strictement positif.")
    _check(hours > 0, "La durée simulée doit être strictement positive.")
    _check(batches >= 2, "Il faut au moins deux lots pour un intervalle de confiance.")
    horizon_s = hours * 3600.0
    result = simulate(
        [arrivals_per_hour],
        aht_s,
        patience_s,
        agents,
        slot_s=horizon_s,
        answer_within_s=answer_within_s,
        seed=seed,
    )
    rep = result.replications[0]
    out = rep.totals()
    batch = np.minimum((rep.arrival_s * batches / horizon_s).astype(np.int64), batches - 1)
    per_batch = [rep.totals(batch == b) for b in range(batches)]
    for key in ("p_abandon", "service_level"):
        out[f"{key}_ci95"] = rate_interval(per_batch, key, centre=out[key])
    asa = confidence_interval(
        [r["asa_answered_s"] for r in per_batch if r["asa_answered_s"] is not None]
    )
    if asa is not None and out["asa_answered_s"] is not None:
        half = (asa[1] - asa[0]) / 2.0
        asa = [max(0.0, out["asa_answered_s"] - half), out["asa_answered_s"] + half]
    out["asa_answered_s_ci95"] = asa
    out["batches"] = batches
    return out


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SimulationInputError(message)

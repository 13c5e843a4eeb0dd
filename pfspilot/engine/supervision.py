"""Supervision (note §E), pure computation: the semester's campaign, the samples, the scores.

- `plan_campaign`: every agent gets exactly one supervision with a supervisor (own team's
  first) on a day both are present, loads balanced (they differ by at most one where the
  availabilities allow it) and the supervisions spread over the semester. A small CP-SAT model
  decides who supervises whom (balance, own team), then a linear assignment per supervisor which
  day (spread, one supervision a day per supervisor).
- `draw_sample`: a reproducible stratified draw (seed): dates, motifs and talk-time bands (the
  agent's own terciles) as different as the period allows.
- `score_item`: the weighted score of one evaluated item, « sans objet » left out, a failed
  critical criterion failing the item whatever the score.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import linear_sum_assignment

SEMESTERS = {"S1": ((1, 1), (6, 30)), "S2": ((7, 1), (12, 31))}

# Cost weights of the assignment model: balance first, then the supervisor's own team.
BALANCE_WEIGHT = 1000
OTHER_TEAM_WEIGHT = 10
FORBIDDEN = 1e9  # cost of a day a pair does not share


class PlanningError(ValueError):
    """The campaign cannot be planned (French message)."""


def semester_bounds(code: str) -> tuple[dt.date, dt.date]:
    """`2027-S1` → (2027-01-01, 2027-06-30); ValueError (French) on any other form."""
    try:
        year_text, half = code.split("-")
        year = int(year_text)
        (m1, d1), (m2, d2) = SEMESTERS[half]
    except (ValueError, KeyError):
        raise ValueError(
            f"semestre « {code} » invalide : attendu AAAA-S1 ou AAAA-S2 (par exemple 2027-S1)"
        ) from None
    return dt.date(year, m1, d1), dt.date(year, m2, d2)


@dataclass(frozen=True)
class Person:
    id: int
    team: str  # "" for no team
    days: frozenset[dt.date]  # the working days the person is present on


@dataclass(frozen=True)
class Assignment:
    agent: int
    supervisor: int
    day: dt.date


def plan_campaign(
    agents: list[Person],
    supervisors: list[Person],
    days: list[dt.date],
    *,
    fixed: list[Assignment] = (),
    time_limit_s: float = 20.0,
) -> list[Assignment]:
    """One supervision per agent of `agents` (those of `fixed` are kept as they are).

    `days`: the campaign's candidate days in order (working days, no training day); a pair may
    meet on a day of `days` both are present on. Raises PlanningError (French) when an agent
    has no supervisor to meet on any day, or when there is no supervisor at all.
    """
    if not supervisors:
        raise PlanningError("aucun assistant superviseur ni manager présent sur le semestre")
    done = {f.agent for f in fixed}
    todo = sorted((a for a in agents if a.id not in done), key=lambda a: a.id)
    if not todo:
        return []
    day_index = {d: i for i, d in enumerate(days)}
    sups = sorted(supervisors, key=lambda s: s.id)
    common: dict[tuple[int, int], list[dt.date]] = {}
    for a in todo:
        for s in sups:
            if s.id == a.id:
                continue
            shared = sorted(d for d in a.days & s.days if d in day_index)
            if shared:
                common[a.id, s.id] = shared
        if not any(key[0] == a.id for key in common):
            raise PlanningError(
                "aucun jour de présence commun avec un assistant superviseur ou un manager "
                f"pour l'agent n° {a.id}"
            )
    base_load = Counter(f.supervisor for f in fixed)
    chosen = _assign_supervisors(todo, sups, common, base_load, time_limit_s)
    taken = {(f.supervisor, f.day) for f in fixed}
    return _assign_days(todo, chosen, common, days, day_index, taken)


def _assign_supervisors(todo, sups, common, base_load, time_limit_s) -> dict[int, int]:
    model = cp_model.CpModel()
    x = {key: model.new_bool_var(f"x{key}") for key in common}
    for a in todo:
        model.add_exactly_one(v for (ai, _s), v in x.items() if ai == a.id)
    n = len(todo) + sum(base_load.values())
    loads = []
    for s in sups:
        load = model.new_int_var(0, n, f"load{s.id}")
        model.add(
            load == base_load.get(s.id, 0) + sum(v for (_a, si), v in x.items() if si == s.id)
        )
        loads.append(load)
    high, low = model.new_int_var(0, n, "high"), model.new_int_var(0, n, "low")
    model.add_max_equality(high, loads)
    model.add_min_equality(low, loads)
    team = {a.id: a.team for a in todo}
    sup_team = {s.id: s.team for s in sups}
    other = [v for (ai, si), v in x.items() if not team[ai] or team[ai] != sup_team[si]]
    model.minimize(BALANCE_WEIGHT * (high - low) + OTHER_TEAM_WEIGHT * sum(other))
    solver = _solver(time_limit_s)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise PlanningError("aucune répartition possible entre les superviseurs")
    return {ai: si for (ai, si), v in x.items() if solver.value(v)}


def _assign_days(todo, chosen, common, days, day_index, taken) -> list[Assignment]:
    """Days: each supervisor's agents spread evenly over the semester, one a day per supervisor.

    Per supervisor, a linear assignment (agents × days, Hungarian method): the cost of a day is
    its distance to the agent's target, the middle of their share of the semester (staggered by
    supervisor so that the supervisors do not all pick the same days); a day the pair does not
    share is forbidden.
    """
    by_sup: dict[int, list[int]] = defaultdict(list)
    for a in todo:
        by_sup[chosen[a.id]].append(a.id)
    span = len(days)
    result = []
    for offset, (s, agent_ids) in enumerate(sorted(by_sup.items())):
        free = [d for d in days if (s, d) not in taken]
        count = len(agent_ids)
        cost = np.full((count, len(free)), FORBIDDEN, dtype=float)
        for rank, a in enumerate(agent_ids):
            target = int((rank + 0.5) * span / count + offset) % span
            shared = set(common[a, s])
            for j, d in enumerate(free):
                if d in shared:
                    cost[rank, j] = abs(day_index[d] - target)
        if count > len(free):
            raise PlanningError(
                f"le superviseur n° {s} a plus d'agents que de jours de présence libres"
            )
        rows, cols = linear_sum_assignment(cost)
        for rank, j in zip(rows, cols, strict=True):
            if cost[rank, j] >= FORBIDDEN:
                raise PlanningError(
                    f"aucun jour libre commun pour l'agent n° {agent_ids[rank]} et son "
                    f"superviseur n° {s}"
                )
            result.append(Assignment(agent=agent_ids[rank], supervisor=s, day=free[j]))
    return sorted(result, key=lambda r: (r.day, r.supervisor, r.agent))


def _solver(time_limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1  # deterministic, and the machine is shared
    solver.parameters.random_seed = 0
    return solver


# --- Samples ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    id: str
    day: dt.date
    motif: str | None = None
    talk_s: float | None = None  # calls only


@dataclass(frozen=True)
class Drawn:
    id: str
    day: dt.date
    motif: str | None
    band: int | None  # talk-time tercile 0, 1, 2 (calls), None otherwise


@dataclass
class Sample:
    items: list[Drawn] = field(default_factory=list)
    short: int = 0  # how many fewer than asked the period holds
    terciles: tuple[float, float] | None = None


def terciles(values: list[float]) -> tuple[float, float] | None:
    """The agent's own talk-time terciles (the two cut points), None without any value."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    n = len(known)
    return known[(n - 1) // 3], known[(2 * (n - 1)) // 3]


def band_of(talk_s: float | None, cuts: tuple[float, float] | None) -> int | None:
    if talk_s is None or cuts is None:
        return None
    return 0 if talk_s <= cuts[0] else (1 if talk_s <= cuts[1] else 2)


def draw_sample(
    candidates: list[Candidate], size: int, seed: int, *, exclude: set[str] = frozenset()
) -> Sample:
    """`size` items of `candidates` (never one of `exclude`), as different as possible.

    Each pick takes, among the remaining items, one whose talk-time band, date and motif have
    been drawn least so far (in that order), ties broken by a shuffle of the seed: identical
    arguments give the identical sample. The terciles are the agent's own over all candidates.
    """
    cuts = terciles([c.talk_s for c in candidates if c.talk_s is not None])
    pool = sorted((c for c in candidates if c.id not in exclude), key=lambda c: (c.day, c.id))
    random.Random(seed).shuffle(pool)
    rank = {c.id: i for i, c in enumerate(pool)}
    bands, dates, motifs = Counter(), Counter(), Counter()
    picked: list[Drawn] = []
    remaining = list(pool)
    while remaining and len(picked) < max(size, 0):
        best = min(
            remaining,
            key=lambda c: (
                bands[band_of(c.talk_s, cuts)],
                dates[c.day],
                motifs[c.motif],
                rank[c.id],
            ),
        )
        remaining.remove(best)
        band = band_of(best.talk_s, cuts)
        bands[band] += 1
        dates[best.day] += 1
        motifs[best.motif] += 1
        picked.append(Drawn(best.id, best.day, best.motif, band))
    return Sample(items=picked, short=max(size, 0) - len(picked), terciles=cuts)


# --- Scores -------------------------------------------------------------------------------

OK, KO, NA = "ok", "ko", "na"


@dataclass(frozen=True)
class Mark:
    section_weight: float
    criterion_weight: float
    critical: bool
    value: str  # OK, KO or NA (« sans objet »)


@dataclass(frozen=True)
class ItemScore:
    score: float | None  # 0–100, None when every criterion is « sans objet »
    failed_critical: bool
    passed: bool


def weights_add_up(weights: list[float], total: float = 100.0) -> bool:
    return abs(sum(weights) - total) < 1e-6


def score_item(marks: list[Mark], pass_mark: float = 0.0) -> ItemScore:
    """Weighted share of the applicable criteria met (section weight × criterion weight)."""
    applicable = [m for m in marks if m.value != NA]
    failed_critical = any(m.critical and m.value == KO for m in applicable)
    total = sum(m.section_weight * m.criterion_weight for m in applicable)
    if not total:
        return ItemScore(None, failed_critical, not failed_critical)
    met = sum(m.section_weight * m.criterion_weight for m in applicable if m.value == OK)
    score = 100.0 * met / total
    return ItemScore(score, failed_critical, not failed_critical and score >= pass_mark)


def mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def divergence(values: list[str]) -> float | None:
    """Share of the scorers who disagree with the majority on one criterion (0 = agreement)."""
    applicable = [v for v in values if v is not None]
    if len(applicable) < 2:
        return None
    most = Counter(applicable).most_common(1)[0][1]
    return (len(applicable) - most) / len(applicable)


# --- Training groups ----------------------------------------------------------------------


def training_groups(agents: list[tuple[int, str]], groups: int) -> list[list[int]]:
    """Agents `(id, team)` split into `groups` training groups so that each team keeps part of
    its agents on the phones: within a team, agents alternate between groups; the next team
    starts where the previous one stopped, so group sizes differ by at most one."""
    groups = max(1, groups)
    out: list[list[int]] = [[] for _ in range(groups)]
    by_team: dict[str, list[int]] = defaultdict(list)
    for agent_id, team in sorted(agents, key=lambda a: (a[1], a[0])):
        by_team[team].append(agent_id)
    slot = 0
    for team in sorted(by_team):
        for agent_id in by_team[team]:
            out[slot % groups].append(agent_id)
            slot += 1
    return out

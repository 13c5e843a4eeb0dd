"""Supervision campaign benchmark: pfspilot.engine.supervision.plan_campaign on a semester.

    .venv/bin/python bench/bench_supervision.py [--seed 2026]

Synthetic semester 2027-S1 (working days without public holidays nor third Thursdays of the
training months, as the app gives them): 124 agents in 8 teams, each absent on ~8 % of the days
(seeded), 5 agents arriving in April. Two cases: the demo's 1 assistant superviseur + 1 manager,
and 8 team supervisors + 2 managers. Wall time (best of 3) of the two CP-SAT models, loads, share
of agents supervised by their own team's supervisor, span of days used.
"""

import argparse
import datetime as dt
import random
import time
from collections import Counter

from pfspilot.engine import calendar
from pfspilot.engine import supervision as engine

TEAMS = ["Arras", "Béthune", "Calais", "Lens", "Lille", "Roubaix", "Boulogne", "Dunkerque"]


def semester_days():
    start, end = engine.semester_bounds("2027-S1")
    return [d for d in calendar.working_days(start, end) if not calendar.is_training_day(d)]


def people(rng, days, n, team_of, first_id, late=0):
    out = []
    for i in range(n):
        present = {d for d in days if rng.random() > 0.08}
        if i < late:
            present = {d for d in present if d >= dt.date(2027, 4, 1)}
        out.append(engine.Person(first_id + i, team_of(i), frozenset(present)))
    return out


def run(name, agents, sups, days):
    best = None
    for _ in range(3):
        started = time.perf_counter()
        plan = engine.plan_campaign(agents, sups, days)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    loads = Counter(a.supervisor for a in plan)
    team = {p.id: p.team for p in (*agents, *sups)}
    own = sum(1 for a in plan if team[a.agent] and team[a.agent] == team[a.supervisor])
    used = sorted({a.day for a in plan})
    print(
        f"| {name} | {len(agents)} | {len(sups)} | {best:.2f} | {min(loads.values())}–"
        f"{max(loads.values())} | {own / len(plan):.0%} | {used[0]:%d/%m} → {used[-1]:%d/%m} "
        f"({len(used)} jours) |"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    days = semester_days()
    agents = people(rng, days, 124, lambda i: TEAMS[i % 8], 1, late=5)
    print("| cas | agents | superviseurs | temps mur (s) | charges | même équipe | jours |")
    print("|---|---|---|---|---|---|---|")
    demo = people(rng, days, 2, lambda i: TEAMS[0], 1000)
    run("démo : 1 assistant superviseur + 1 manager", agents, demo, days)
    teams = people(rng, days, 10, lambda i: TEAMS[i] if i < 8 else "", 2000)
    run("8 assistants superviseurs + 2 managers", agents, teams, days)


if __name__ == "__main__":
    main()

"""Planning pages and the dashboard on the demo year: server time per GET (goal: under 300 ms).

    .venv/bin/python bench/bench_planning.py [--requests 20] [--warmup 2] [--only capacité]

Uses the project's database (SQLite in var/, or DATABASE_URL); run `pfspilot demo` first. The
plans of the week are computed first as the worker would (`planning.tasks.compute_day_plan`,
outside the timing): pages read stored plans and validations, they never solve or simulate;
likewise the capacity of the year (`planning.tasks.compute_capacity`).
Each page is timed server-side with Django's test client (p50 and p95 at the nearest rank, and
max, of the requests after warm-up, logged in as the manager); the solve + simulation of one plan, which now runs in the
worker, is timed once apart.
"""

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pfspilot.settings")

import django  # noqa: E402
from timing import page_timings, percentile  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from pfspilot.contacts.models import Call  # noqa: E402
from pfspilot.engine import calendar  # noqa: E402
from pfspilot.people.models import User  # noqa: E402
from pfspilot.planning import selectors, services  # noqa: E402
from pfspilot.planning.models import DayPlan  # noqa: E402

GOAL_S = 0.300


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--only", default="", help="pages dont le libellé contient ce texte")
    args = parser.parse_args()
    if not Call.objects.exists():
        sys.exit("Base sans appels : lancez d'abord `pfspilot demo`.")
    today = timezone.localdate()
    day = selectors.next_working_day(today)
    monday = day - dt.timedelta(days=day.weekday())
    week = [
        d for d in (monday + dt.timedelta(days=k) for k in range(5)) if calendar.is_working_day(d)
    ]
    solve_s = None
    for current in week:
        if not DayPlan.objects.filter(day=current).exists():
            started = time.perf_counter()
            services.plan_computation_run(day=current)
            solve_s = time.perf_counter() - started
    # The capacity of the year, as the worker computes it (`pfspilot tick` queues it when its
    # inputs change): the page reads the stored result.
    version = selectors.capacity_version(today.year, today=today)
    capacity_s = None
    stored = selectors.capacity_result(today.year)
    if stored is None or stored.computed_version != version:
        started = time.perf_counter()
        services.capacity_request(year=today.year, today=today, version=version)
        services.capacity_computation_run(year=today.year, today=today, version=version)
        capacity_s = time.perf_counter() - started
    client = Client()
    client.force_login(User.objects.get(username="manager"))
    pages = [
        ("tableau de bord (année)", "/indicateurs/"),
        ("plan du jour", f"/planification/?jour={day}"),
        ("semaine", f"/planification/semaine/?jour={day}"),
        ("et si… (+2 agents, +10 %)", f"/planification/simulation/?jour={day}&ajouter=2&volume=10"),
        ("prévision", f"/planification/prevision/?jour={day}"),
        ("capacité (année)", "/planification/capacite/"),
    ]
    print(
        f"Base : {connection.vendor} — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cœurs, Python {platform.python_version()} — "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC — {Call.objects.count()} appels"
    )
    if solve_s is not None:
        print(f"Calcul d'un plan en tâche de fond (solveur + 20 simulations) : {solve_s:.2f} s")
    if capacity_s is not None:
        print(f"Calcul de la capacité de l'année en tâche de fond : {capacity_s:.2f} s")
    print("| page | p50 (ms) | p95 (ms) | max (ms) | < 300 ms (p95) |")
    print("|---|---|---|---|---|")
    for label, url in pages:
        if args.only and args.only not in label:
            continue
        timings = page_timings(client, url, args.requests, args.warmup)
        p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
        print(
            f"| {label} | {1000 * p50:.0f} | {1000 * p95:.0f} | {1000 * max(timings):.0f} | "
            f"{'oui' if p95 < GOAL_S else 'non'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()

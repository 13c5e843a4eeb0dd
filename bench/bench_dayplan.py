"""Day-plan benchmark: CP-SAT plan of 150 agents against the note's A/B day (goal < 10 s).

Run with the project venv (OR-Tools is a project dependency):
    .venv/bin/python bench/bench_dayplan.py
The platform: 150 agents (120 full-time, 20 at 0.8 ETP, 10 at 0.5), lunch groups A/B
alternating, ten teams. The demand: a CAF weekday profile (morning peak, dip at lunch, smaller
afternoon peak) of 11 000 calls offered, AHT 330 s, mean patience 180 s, 12 % ended in the IVR,
requirement for 87 % of décroché. Wall times include the requirement (Erlang A, vectorised),
the model build, the solve (time limit 10 s, 2 workers) and the expected décroché of both plans; best of three runs.
"""

import platform
import subprocess
import time as clock
from datetime import time

from pfspilot.engine.dayplan import AgentInput, plan_day, shortfall
from pfspilot.engine.requirements import Demand, requirement

SLOTS = [time(9 + m // 60, m % 60) for m in range(0, 450, 30)]
# Share of the day's calls per half-hour, 9:00 … 16:00 (sums to 1).
PROFILE = [
    0.085, 0.095, 0.092, 0.088, 0.080, 0.072, 0.060, 0.052, 0.056, 0.064,
    0.066, 0.062, 0.053, 0.043, 0.032,
]  # fmt: skip
CALLS = 11000
TARGET = 0.87


def agents(n=150, training=None, part_time=False):
    out = []
    for i in range(n):
        fte = 0.5 if i % 15 == 14 else 0.8 if i % 15 in (4, 9) else 1.0
        if part_time and i % 5 in (1, 3):
            fte = (0.5, 0.6, 0.7, 0.8, 0.9)[i % 7 % 5]
        out.append(AgentInput(i, f"agent {i}", f"équipe {i % 10}", fte, "AB"[i % 2], training))
    return out


def run(label, team, demand, need, limit=10.0):
    best = None
    for _ in range(3):
        started = clock.perf_counter()
        result = plan_day(team, need, SLOTS, demand=demand, time_limit_s=limit)
        wall = clock.perf_counter() - started
        best = wall if best is None else min(best, wall)
    print(
        f"| {label} | {len(team)} | {best:.2f} | {result.solve_time_s:.2f} | {result.status} "
        f"| {result.template_objective} | {result.objective} "
        f"| {100 * result.template_expected_pickup:.1f} % | {100 * result.expected_pickup:.1f} % "
        f"| {shortfall(need, result.template_staffed_quarters):.1f} → {result.shortfall:.1f} |"
    )


def main():
    demand = Demand([CALLS * p for p in PROFILE], aht_s=330.0, patience_s=180.0, ivr_share=0.12)
    started = clock.perf_counter()
    need = requirement(demand, TARGET)
    print(
        f"requirement (15 half-hours, Erlang A): {1000 * (clock.perf_counter() - started):.1f} ms"
    )
    print(f"requirement per half-hour: {need}")
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (line.split(":", 1)[1].strip() for line in cpu.splitlines() if "Model name" in line), ""
    )
    print(f"machine: {model}, Python {platform.python_version()}")
    print(
        "| case | agents | wall s (best of 3) | solve s | status | objective A/B | objective CP-SAT "
        "| décroché A/B | décroché CP-SAT | shortfall A/B → CP-SAT |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    run("ordinary weekday", agents(), demand, need)
    run("training Thursday (9:00–11:00)", agents(training=(time(9, 0), time(11, 0))), demand, need)
    run("60 part-time agents (0.5–0.9 ETP)", agents(part_time=True), demand, need)
    low = Demand([a * 0.8 for a in demand.arrivals], 330.0, 180.0, 0.12)
    run("volume −20 %", agents(), low, requirement(low, TARGET))


if __name__ == "__main__":
    main()

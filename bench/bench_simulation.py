"""Simulation benchmark: our M/M/n+M simulator against Ciw, plus the synthetic year.

Run with the benchmark venv (Ciw installed there only):
    /work/main/.venv-bench/bin/python bench/bench_simulation.py
Same model on both sides (Poisson arrivals, exponential service, exponential patience, FIFO,
n agents, empty at start), same horizon; throughput = calls simulated per second of wall time,
random draws included. Both estimates of P(abandon) are compared with the exact Erlang A value
of a birth-death chain.
"""

import platform
import subprocess
import sys
import time

import numpy as np

from pfspilot.engine.simulation import simulate, simulate_stationary, staffing_table
from pfspilot.engine.synthetic import generate_year

CASES = [
    # (label, calls/hour, AHT s, patience s, agents, hours for Ciw, hours for ours)
    ("λ=200/h, DMT 180 s, patience 120 s, n=12", 200, 180, 120, 12, 250, 2500),
    ("λ=3000/h, DMT 300 s, patience 120 s, n=250", 3000, 300, 120, 250, 20, 200),
]


def erlang_a(arrivals_per_hour, aht_s, patience_s, agents, states=2000):
    """Exact P(abandon) = θ·E[queue]/λ of the M/M/n+M birth-death chain."""
    lam, mu, theta, n = arrivals_per_hour / 3600, 1 / aht_s, 1 / patience_s, agents
    k = np.arange(states + 1)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    return theta * float((np.maximum(k - n, 0) * p).sum()) / lam


def run_ciw(arrivals_per_hour, aht_s, patience_s, agents, hours, seed=1):
    import ciw

    start = time.perf_counter()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrivals_per_hour / 3600)],
        service_distributions=[ciw.dists.Exponential(rate=1 / aht_s)],
        number_of_servers=[agents],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / patience_s)],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(hours * 3600)
    records = simulation.get_all_records()
    elapsed = time.perf_counter() - start
    reneged = sum(1 for r in records if r.record_type == "renege")
    return len(records), elapsed, reneged / len(records)


def run_ours(arrivals_per_hour, aht_s, patience_s, agents, hours, seed=1, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        figures = simulate_stationary(
            arrivals_per_hour, aht_s, patience_s, agents, hours, seed=seed
        )
        best = min(best, time.perf_counter() - start)
    return figures["offered"], best, figures["p_abandon"], figures["p_abandon_ci95"]


def run_day_with_lunches(repeat=3):
    """A platform day: 15 half-hours of arrivals, 90 agents on A/B lunches, 5-minute staffing."""
    rates = (
        4000
        / 7.5
        * np.array(
            [1.35, 1.55, 1.5, 1.35, 1.1, 0.95, 0.85, 0.85, 0.95, 1.0, 0.95, 0.85, 0.75, 0.65, 0.5]
        )
    )
    counts = np.full(90, 90)
    counts[33:45] = 45  # A at lunch 11:45-12:45
    counts[45:57] = 45  # B at lunch 12:45-13:45
    table = staffing_table(counts)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = simulate(rates, 340, 100, table, staffing_slot_s=300, replications=20, seed=3)
        best = min(best, time.perf_counter() - start)
    summary = result.summary()
    return summary["offered"], best, summary["p_abandon"], summary["p_abandon_ci95"]


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{cores} CPU ({cpu}), Python {platform.python_version()}"


def main():
    print(f"Machine : {machine()}")
    print(f"Date : {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print("| Cas | Outil | Appels simulés | Temps (s) | Appels/s | P(abandon) | Erlang A exact |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, lam, aht, patience, agents, ciw_hours, our_hours in CASES:
        exact = erlang_a(lam, aht, patience, agents)
        n_ciw, t_ciw, p_ciw = run_ciw(lam, aht, patience, agents, ciw_hours)
        n_ours, t_ours, p_ours, ci = run_ours(lam, aht, patience, agents, our_hours)
        n_same, t_same, p_same, ci_same = run_ours(lam, aht, patience, agents, ciw_hours)
        speed_ciw, speed_ours = n_ciw / t_ciw, n_ours / t_ours
        print(
            f"| {label} | Ciw ({ciw_hours} h) | {n_ciw} | {t_ciw:.2f} | {speed_ciw:,.0f} | "
            f"{p_ciw:.4f} | {exact:.4f} |"
        )
        print(
            f"| {label} | PFS Pilot ({ciw_hours} h) | {n_same} | {t_same:.3f} | "
            f"{n_same / t_same:,.0f} | {p_same:.4f} [{ci_same[0]:.4f} ; {ci_same[1]:.4f}] | "
            f"{exact:.4f} |"
        )
        print(
            f"| {label} | PFS Pilot ({our_hours} h) | {n_ours} | {t_ours:.3f} | {speed_ours:,.0f} | "
            f"{p_ours:.4f} [{ci[0]:.4f} ; {ci[1]:.4f}] | {exact:.4f} |"
        )
        print(f"|  | **ratio PFS Pilot / Ciw** | | | **× {speed_ours / speed_ciw:.0f}** | | |")
    n_day, t_day, p_day, ci_day = run_day_with_lunches()
    print(
        f"\nJournée type avec déjeuners A/B (20 réplications, 90 agents, créneaux de 5 min) : "
        f"{n_day} appels en {t_day:.3f} s = {n_day / t_day:,.0f} appels/s ; "
        f"P(abandon) {p_day:.4f} [{ci_day[0]:.4f} ; {ci_day[1]:.4f}]"
    )
    times = []
    for _ in range(3):
        start = time.perf_counter()
        frames = generate_year()
        times.append(time.perf_counter() - start)
    sizes = ", ".join(f"{key} {frame.height:,}" for key, frame in frames.items())
    calls = frames["calls"]
    pickup = float((calls["outcome"] != "abandoned").mean())
    print(
        f"\ngenerate_year() pleine échelle : meilleur {min(times):.2f} s, "
        f"médiane {sorted(times)[1]:.2f} s ({sizes}) ; décroché de l'année {pickup:.4f}"
    )


if __name__ == "__main__":
    sys.exit(main())

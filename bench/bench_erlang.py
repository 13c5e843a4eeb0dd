"""Staffing benchmark: pfspilot.engine.erlang against pyworkforce (ErlangC and ErlangA).

Run with the benchmark venv (Python 3.12, pyworkforce installed):
    /work/main/.venv-bench/bin/python bench/bench_erlang.py [--sample 40] [--seed 2026]

A synthetic year of 4 000 half-hours (seeded): 20 to 400 calls/hour, AHT 240–420 s, mean
patience 60–240 s. Three targets, same inputs for both libraries:
  1. Erlang C, 80 % answered within 20 s;
  2. Erlang A, 80 % answered within 20 s (over all calls, as pyworkforce counts it too);
  3. Erlang A, at most 14.4 % abandons (= 87 % décroché with 10 % of calls ended in the IVR).
pyworkforce's ErlangA takes tens of milliseconds to seconds per interval, so it runs on a
`--sample` of intervals and its full-year time is extrapolated (said so in the output).
Timings are best-of: our full-year batch best of 5; one interval at a time (ours and
pyworkforce), each interval's best of `--passes` runs when the whole year is run (Erlang C),
a single run on the Erlang A sample.
"""

import argparse
import json
import os
import platform
import statistics
import time

import numpy as np
from pyworkforce.queuing import ErlangA, ErlangC

from pfspilot.engine import erlang

YEAR = 4000
MAX_ABANDON = 1 - (0.87 - 0.10) / 0.90  # 87 % décroché with a 10 % IVR share


def year_of_intervals(seed: int):
    rng = np.random.default_rng(seed)
    return (
        rng.uniform(20, 400, YEAR),
        rng.uniform(240, 420, YEAR),
        rng.uniform(60, 240, YEAR),
    )


def best_of(function, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def pyworkforce_positions(kind, arrivals, aht, patience):
    """pyworkforce's required raw positions for one interval (its units: minutes, 30-min)."""
    common = {"transactions": arrivals / 2, "aht": aht / 60, "asa": 20 / 60, "interval": 30}
    if kind == "c_sl":
        return ErlangC(**common).required_positions(service_level=0.8)["raw_positions"]
    model = ErlangA(**common, patience=patience / 60)
    if kind == "a_sl":
        return model.required_positions(service_level=0.8)["raw_positions"]
    return model.required_positions(service_level=0.0, max_abandonment=MAX_ABANDON)["raw_positions"]


def _our_model(kind, patience):
    """The patience (None: Erlang C) and the target our solvers get for each benchmarked kind."""
    if kind == "c_sl":
        return None, {"min_service_level": 0.8}
    if kind == "a_sl":
        return patience, {"min_service_level": 0.8}
    return patience, {"max_abandon": MAX_ABANDON}


def ours_batch(kind, arrivals, aht, patience):
    patience, target = _our_model(kind, patience)
    return erlang.required_agents_batch(arrivals, aht, patience, **target)


def ours_single(kind, arrivals, aht, patience):
    patience, target = _our_model(kind, patience)
    return erlang.required_agents(arrivals, aht, patience, **target)


def figure(kind, arrivals, aht, patience, agents):
    """The targeted figure at `agents` by our exact formulas, and whether the target holds."""
    pat = None if kind == "c_sl" else patience
    values = erlang.metrics(arrivals, aht, int(agents), patience_s=pat)
    if kind == "a_abandon":
        return values["p_abandon"], values["p_abandon"] <= MAX_ABANDON
    return values["service_level"], values["service_level"] >= 0.8


def pyworkforce_figure(kind, arrivals, aht, patience, agents):
    common = {"transactions": arrivals / 2, "aht": aht / 60, "asa": 20 / 60, "interval": 30}
    if kind == "c_sl":
        return ErlangC(**common).service_level(int(agents))
    model = ErlangA(**common, patience=patience / 60)
    if kind == "a_sl":
        return model.service_level(int(agents))
    return model.abandonment_probability(int(agents))


def per_interval(function, picks, passes):
    """Each interval's best time over `passes` runs of the whole loop, and the first answers."""
    best, answers = [float("inf")] * len(picks), []
    for done in range(passes):
        for slot, i in enumerate(picks):
            start = time.perf_counter()
            answer = function(i)
            best[slot] = min(best[slot], time.perf_counter() - start)
            if done == 0:
                answers.append(answer)
    return best, answers


def run(kind, arrivals, aht, patience, sample, passes):
    year_s, ours = best_of(lambda: ours_batch(kind, arrivals, aht, patience))
    picks = np.arange(sample) * (YEAR // sample)
    passes = passes if sample == YEAR else 1
    # Each library timed in its own loop, so neither runs with the other's cache footprint.
    single_times, _ = per_interval(
        lambda i: ours_single(kind, arrivals[i], aht[i], patience[i]), picks, passes
    )
    pw_times, pw_answers = per_interval(
        lambda i: pyworkforce_positions(kind, arrivals[i], aht[i], patience[i]), picks, passes
    )
    pw_per_interval = statistics.mean(pw_times)
    ours_per_interval_batch = year_s / YEAR
    ours_per_interval_single = statistics.mean(single_times)
    differences = []
    for i, theirs in zip(picks, pw_answers, strict=True):
        mine = int(ours[i])
        if mine == theirs:
            continue
        args = (kind, arrivals[i], aht[i], patience[i])
        differences.append(
            {
                "interval": int(i),
                "arrivals_per_hour": round(float(arrivals[i]), 1),
                "aht_s": round(float(aht[i]), 1),
                "patience_s": round(float(patience[i]), 1),
                "load_erlangs": round(float(arrivals[i] * aht[i] / 3600), 2),
                "ours": mine,
                "pyworkforce": int(theirs),
                "ours_figure_at_ours": figure(*args, mine),
                "ours_figure_at_ours_minus_1": figure(*args, mine - 1) if mine > 1 else None,
                "pyworkforce_figure_at_ours": pyworkforce_figure(*args, mine),
                "pyworkforce_figure_at_ours_minus_1": (
                    pyworkforce_figure(*args, mine - 1)
                    if mine > 1 and (kind != "c_sl" or mine - 1 > arrivals[i] * aht[i] / 3600)
                    else None
                ),
            }
        )
    below_load = int((ours < arrivals * aht / 3600).sum())
    return {
        "target": kind,
        "ours_full_year_s": year_s,
        "ours_per_interval_batch_us": ours_per_interval_batch * 1e6,
        "ours_per_interval_single_us": ours_per_interval_single * 1e6,
        "pyworkforce_per_interval_us": pw_per_interval * 1e6,
        "pyworkforce_full_year_s": pw_per_interval * YEAR,
        "pyworkforce_full_year_measured": sample == YEAR,
        "ratio_per_interval_batch": pw_per_interval / ours_per_interval_batch,
        "ratio_per_interval_single": pw_per_interval / ours_per_interval_single,
        "sample": int(sample),
        "passes": passes,
        "agree": int(sample - len(differences)),
        "ours_below_offered_load_in_year": below_load,
        "ours_total_agent_halfhours_sample": int(ours[picks].sum()),
        "pyworkforce_total_agent_halfhours_sample": int(sum(pw_answers)),
        "differences": differences,
    }


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=40, help="intervals run by pyworkforce A")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--passes", type=int, default=3, help="runs per interval, full year only")
    args = parser.parse_args()
    load_at_start = os.getloadavg()
    arrivals, aht, patience = year_of_intervals(args.seed)
    ours_batch("c_sl", arrivals[:10], aht[:10], patience[:10])  # warm-up (imports, caches)
    results = [
        run("c_sl", arrivals, aht, patience, YEAR, args.passes),
        run("a_sl", arrivals, aht, patience, args.sample, args.passes),
        run("a_abandon", arrivals, aht, patience, args.sample, args.passes),
    ]
    report = {
        "machine": {
            "nproc": os.cpu_count(),
            "cpu": cpu_model(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "load_average_at_start": load_at_start,
            "load_average_at_end": os.getloadavg(),
        },
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seed": args.seed,
        "results": results,
    }
    print(json.dumps(report, indent=2, default=float, ensure_ascii=False))


if __name__ == "__main__":
    main()

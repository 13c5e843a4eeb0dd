"""Full-year phone indicators on 1 million synthetic calls: the Polars engine vs plain pandas.

    .venv-bench/bin/python bench/bench_indicators.py [--calls 1000000] [--repeats 5]

The workload is what the dashboard and `pfspilot kpi` ask for a year: the whole-year figures
and the monthly breakdown (O, A, S, X, décroché, agent answer rate, réitération over 7 days,
ASA, AHT, service level at 20 s). The pandas version is a straightforward implementation of the
same definitions; both results are compared before timing. Fixed seed, best and median of the
repeated runs (warm).
"""

import argparse
import platform
import statistics
import time
from datetime import date, datetime

import numpy as np
import pandas as pd
import polars as pl

from pfspilot.engine.indicators import call_indicators

YEAR = 2026
START, END = date(YEAR, 1, 1), date(YEAR + 1, 1, 1)
WINDOW = pd.Timedelta(days=7)
THRESHOLD_S = 20.0


def synthetic_calls(n: int, seed: int = 20260101) -> dict[str, np.ndarray]:
    """A year of calls: opening hours of weekdays, 60 % identified callers who call again."""
    rng = np.random.default_rng(seed)
    days = np.arange(f"{YEAR}-01-01", f"{YEAR + 1}-01-01", dtype="datetime64[D]")
    weekdays = days[(days.view("int64") - 4) % 7 < 5]  # 1 January 1970 was a Thursday
    day = rng.choice(weekdays, n)
    seconds = rng.integers(9 * 3600, 16 * 3600 + 1800, n)
    arrival = day.astype("datetime64[us]") + seconds.astype("timedelta64[s]").astype(
        "timedelta64[us]"
    )
    outcome = rng.choice(np.array(["answered", "ivr", "abandoned"]), n, p=[0.74, 0.10, 0.16])
    answered = outcome == "answered"
    queued = outcome != "ivr"
    wait = np.where(queued, rng.exponential(70.0, n).round(), np.nan)
    talk = np.where(answered, rng.lognormal(5.2, 0.6, n).round(), np.nan)
    wrap = np.where(answered, rng.exponential(30.0, n).round(), np.nan)
    callers = rng.integers(0, 250_000, n).astype(str).astype(object)
    callers[rng.random(n) < 0.4] = None
    agents = np.array([f"agent{i:03d}" for i in range(150)], dtype=object)
    agent = np.where(answered, rng.choice(agents, n), None)
    return {
        "call_id": np.arange(n).astype(str).astype(object),
        "caller_id": callers,
        "arrival": arrival,
        "outcome": outcome.astype(object),
        "wait_s": wait,
        "talk_s": talk,
        "wrap_s": wrap,
        "agent": agent,
    }


def polars_year(calls: pl.DataFrame) -> tuple[dict, list[dict]]:
    year = call_indicators(calls, start=START, end=END).row(0, named=True)
    months = call_indicators(calls, start=START, end=END, by="month").to_dicts()
    return year, months


def _pandas_figures(frame: pd.DataFrame) -> dict:
    a, s, x = int(frame["A"].sum()), int(frame["S"].sum()), int(frame["X"].sum())
    offered, queued = a + s + x, a + x
    identified = int(frame["identified"].sum())
    answered_wait = frame.loc[frame["A"], "wait_s"].fillna(0.0)
    handle = frame.loc[frame["A"], "talk_s"].fillna(0.0) + frame.loc[frame["A"], "wrap_s"].fillna(
        0.0
    )
    return {
        "offered": offered,
        "answered": a,
        "ivr_handled": s,
        "abandoned": x,
        "pickup_rate": (a + s) / offered if offered else None,
        "agent_answer_rate": a / queued if queued else None,
        "repeat_rate": int(frame["repeat"].sum()) / identified if identified else None,
        "asa_s": answered_wait.mean() if a else None,
        "aht_s": handle.mean() if a else None,
        "service_level_20s": int((answered_wait <= THRESHOLD_S).sum()) / queued if queued else None,
    }


def pandas_year(calls: pd.DataFrame) -> tuple[dict, list[dict]]:
    frame = calls[calls["arrival"] < pd.Timestamp(END)]
    frame = frame.sort_values(["caller_id", "arrival", "call_id"], na_position="last")
    same = frame["caller_id"].notna() & frame["caller_id"].eq(frame["caller_id"].shift())
    frame = frame.assign(
        repeat=same & (frame["arrival"] - frame["arrival"].shift() <= WINDOW),
        identified=frame["caller_id"].notna(),
        A=frame["outcome"] == "answered",
        S=frame["outcome"] == "ivr",
        X=frame["outcome"] == "abandoned",
    )
    frame = frame[frame["arrival"] >= pd.Timestamp(START)]
    year = _pandas_figures(frame)
    months = [
        {"label": str(period), **_pandas_figures(group)}
        for period, group in frame.groupby(frame["arrival"].dt.to_period("M"), sort=True)
    ]
    return year, months


def _same(polars_result, pandas_result) -> None:
    keys = pandas_result[0].keys()
    pairs = [(polars_result[0], pandas_result[0])] + list(
        zip(polars_result[1], pandas_result[1], strict=True)
    )
    for ours, theirs in pairs:
        for key in keys:
            if key == "label":
                assert ours[key] == theirs[key], (key, ours[key], theirs[key])
            elif ours[key] is None or theirs[key] is None:
                assert ours[key] is None and theirs[key] is None, key
            else:
                assert abs(ours[key] - theirs[key]) <= 1e-9 * max(1.0, abs(theirs[key])), key


def timed(function, argument, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        function(argument)
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    columns = synthetic_calls(args.calls)
    text = ("call_id", "caller_id", "outcome", "agent")
    polars_calls = pl.DataFrame(
        {
            name: pl.Series(name, values.tolist(), dtype=pl.String) if name in text else values
            for name, values in columns.items()
        }
    ).with_columns(pl.col("arrival").cast(pl.Datetime("us")))
    pandas_calls = pd.DataFrame(columns)
    _same(polars_year(polars_calls), pandas_year(pandas_calls))
    ours = timed(polars_year, polars_calls, args.repeats)
    theirs = timed(pandas_year, pandas_calls, args.repeats)
    print(f"date          {datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine       {platform.machine()} {platform.processor() or ''}".rstrip())
    print(
        f"python        {platform.python_version()}, polars {pl.__version__}, pandas {pd.__version__}"
    )
    print(f"calls         {args.calls:,} (results identical in both implementations)")
    print(f"polars engine best {min(ours):.3f} s, median {statistics.median(ours):.3f} s")
    print(f"pandas        best {min(theirs):.3f} s, median {statistics.median(theirs):.3f} s")
    print(f"ratio         pandas / engine = {min(theirs) / min(ours):.1f}x (best times)")


if __name__ == "__main__":
    main()

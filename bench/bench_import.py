"""Importing 1 million call rows: PFS Pilot's importer vs plain pandas, on SQLite and PostgreSQL.

    .venv-bench/bin/python bench/bench_import.py [--rows 1000000] [--backends sqlite,postgresql]

Writes a canonical CSV of synthetic calls (fixed seed), then for each database, in a fresh
database and a child process: `import_files(kind="calls", mapping="canonical")` end to end
(read, check every row, hash callers, insert with ON CONFLICT DO NOTHING), `import_frame` alone
on the already-read frame, and the straightforward pandas version (`pandas.read_csv` +
`DataFrame.to_sql`, no checks, no hashing, no unique key) measured in the same run.
PostgreSQL: `PFSPILOT_BENCH_PG` (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20260101
PG_SERVER = os.environ.get("PFSPILOT_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "pfspilot_bench_import"


def synthetic_csv(path: Path, rows: int) -> None:
    """A year of canonical calls: 74 % answered, 10 % IVR, 16 % abandoned; 60 % identified."""
    rng = np.random.default_rng(SEED)
    day = rng.integers(0, 365, rows).astype("timedelta64[D]")
    seconds = rng.integers(8 * 3600, 17 * 3600, rows).astype("timedelta64[s]")
    arrival = ((np.datetime64("2026-01-01") + day).astype("datetime64[s]") + seconds).astype(
        "datetime64[us]"
    )
    outcome = rng.choice(np.array(["answered", "ivr", "abandoned"]), rows, p=[0.74, 0.10, 0.16])
    answered, queued = outcome == "answered", outcome != "ivr"
    ivr_s = rng.integers(5, 60, rows).astype("timedelta64[s]").astype("timedelta64[us]")
    wait = rng.exponential(70.0, rows).round().astype("int64")
    talk = rng.lognormal(5.2, 0.6, rows).round().astype("int64")
    ivr_exit = arrival + ivr_s
    queue_exit = ivr_exit + wait.astype("timedelta64[s]").astype("timedelta64[us]")
    callers = rng.integers(100_000_000, 100_250_000, rows).astype(str)
    identified = rng.random(rows) >= 0.4
    agents = np.array([f"agent{i:03d}" for i in range(150)])
    motifs = np.array(["AAH", "RSA", "Prime d'activité", "CMG", "Décès"])

    def when(mask, values):
        return (
            pl.Series(values)
            .to_frame("v")
            .with_columns(pl.when(pl.Series(mask)).then(pl.col("v")).otherwise(None))["v"]
        )

    frame = pl.DataFrame(
        {
            "call_id": pl.Series(np.arange(rows)).cast(pl.String),
            "caller_id": when(identified, callers),
            "arrival": pl.Series(arrival).cast(pl.Datetime("us")),
            "ivr_exit": pl.Series(ivr_exit).cast(pl.Datetime("us")),
            "queue_entry": when(queued, pl.Series(ivr_exit).cast(pl.Datetime("us"))),
            "queue_exit": when(queued, pl.Series(queue_exit).cast(pl.Datetime("us"))),
            "answered_at": when(answered, pl.Series(queue_exit).cast(pl.Datetime("us"))),
            "ended_at": when(
                answered,
                pl.Series(
                    queue_exit + talk.astype("timedelta64[s]").astype("timedelta64[us]")
                ).cast(pl.Datetime("us")),
            ),
            "wait_s": when(queued, wait.astype("float64")),
            "talk_s": when(answered, talk.astype("float64")),
            "wrap_s": when(answered, rng.exponential(30.0, rows).round()),
            "agent": when(answered, rng.choice(agents, rows)),
            "team": pl.Series([None] * rows, dtype=pl.String),
            "queue": pl.Series(rng.choice(np.array(["Allocataires", "Partenaires"]), rows)),
            "motif": pl.Series(rng.choice(motifs, rows)),
            "outcome": pl.Series(outcome),
        }
    )
    frame.write_csv(path, datetime_format="%Y-%m-%d %H:%M:%S")


def child(backend: str, csv_path: str, workdir: str) -> dict:
    """Runs in a fresh process whose DATABASE_URL names a fresh database."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "pfspilot.settings"
    django.setup()
    import pandas as pd
    from django.core.management import call_command
    from django.db import connection

    from pfspilot.contacts.models import Call
    from pfspilot.contacts.reader import read_records
    from pfspilot.contacts.selectors import calls_frame
    from pfspilot.contacts.services import import_files, import_frame
    from pfspilot.contacts.signals import records_imported

    call_command("migrate", verbosity=0)
    # The dashboard's aggregate refresh listens to imports; it is measured by its own benchmark.
    records_imported.receivers = []
    records_imported.sender_receivers_cache.clear()
    results = {}
    start = time.perf_counter()
    report = import_files(kind="calls", paths=[csv_path], mapping="canonical")
    results["import_files_s"] = time.perf_counter() - start
    assert report.ok, report.errors[:5]
    results["rows"] = report.inserted
    # The read every consumer of the stored year makes (dashboard refresh, `pfspilot kpi`).
    start = time.perf_counter()
    year = calls_frame(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    results["calls_frame_s"] = time.perf_counter() - start
    assert year.height == report.inserted, year.height
    frame = read_records("calls", [csv_path], "canonical").frame
    with connection.cursor() as cursor:
        # An empty table again, without the dead rows a DELETE leaves behind in PostgreSQL.
        table = Call._meta.db_table
        cursor.execute(f"TRUNCATE {table}" if backend == "postgresql" else f"DELETE FROM {table}")
    start = time.perf_counter()
    results["import_frame_rows"] = import_frame(kind="calls", frame=frame, source="bench")
    results["import_frame_s"] = time.perf_counter() - start
    again = time.perf_counter()
    results["reimport_rows"] = import_frame(kind="calls", frame=frame, source="bench")
    results["reimport_s"] = time.perf_counter() - again

    dates = ["arrival", "ivr_exit", "queue_entry", "queue_exit", "answered_at", "ended_at"]
    start = time.perf_counter()
    df = pd.read_csv(csv_path, parse_dates=dates, dtype={"call_id": str, "caller_id": str})
    if backend == "sqlite":
        import sqlite3

        con = sqlite3.connect(Path(workdir) / "pandas.sqlite3")
        df.to_sql("calls", con, if_exists="replace", index=False, chunksize=100_000)
        con.commit()
        con.close()
    else:
        from sqlalchemy import create_engine

        url = connection.settings_dict
        engine = create_engine(
            f"postgresql+psycopg://{url['USER']}@{url['HOST']}:{url['PORT']}/{url['NAME']}"
        )
        df.to_sql("bench_pandas_calls", engine, if_exists="replace", index=False, chunksize=100_000)
        engine.dispose()
    results["pandas_s"] = time.perf_counter() - start
    results["pandas_rows"] = len(df)
    return results


def run_backend(backend: str, csv_path: Path, workdir: Path) -> dict:
    env = dict(os.environ, PFSPILOT_VAR_DIR=str(workdir / backend))
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / backend / 'bench.sqlite3'}"
    else:
        _recreate_pg()
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    done = subprocess.run(
        [sys.executable, __file__, "--child", backend, str(csv_path), str(workdir)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    if backend == "postgresql":
        _drop_pg()
    return json.loads(done.stdout.strip().splitlines()[-1])


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as con:
        con.execute(sql)


def _recreate_pg() -> None:
    _admin(f"DROP DATABASE IF EXISTS {PG_NAME}")
    _admin(f"CREATE DATABASE {PG_NAME}")


def _drop_pg() -> None:
    _admin(f"DROP DATABASE IF EXISTS {PG_NAME}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg()) + " (1, 5, 15 min)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "calls.csv"
        start = time.perf_counter()
        synthetic_csv(csv_path, args.rows)
        size = csv_path.stat().st_size
        print(
            f"CSV : {args.rows} lignes, {size / 1e6:.0f} Mo, écrit en {time.perf_counter() - start:.1f} s"
        )
        print(
            f"Machine : {_cpu_model()}, nproc={os.cpu_count()}, "
            f"Python {platform.python_version()}, Polars {pl.__version__}"
        )
        print(f"Date : {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, charge {_load()}")
        print()
        print(
            "| base | import_files (lecture + contrôles + écriture) | import_frame seul | "
            "réimport (0 ajout) | pandas read_csv + to_sql | rapport import_files / pandas | "
            "calls_frame (année) |"
        )
        print("|---|---|---|---|---|---|---|")
        for backend in args.backends.split(","):
            (workdir / backend).mkdir()
            r = run_backend(backend, csv_path, workdir)
            n = r["rows"]
            assert r["import_frame_rows"] == n and r["reimport_rows"] == 0, r
            assert r["pandas_rows"] == args.rows, r

            def cell(seconds, n=n):
                return f"{seconds:.1f} s — {n / seconds:,.0f} lignes/s".replace(",", " ")

            print(
                f"| {backend} | {cell(r['import_files_s'])} | {cell(r['import_frame_s'])} | "
                f"{r['reimport_s']:.1f} s | {cell(r['pandas_s'])} | "
                f"{r['pandas_s'] / r['import_files_s']:.2f} × plus rapide | "
                f"{r['calls_frame_s']:.2f} s |"
            )
        print(f"\nCharge en fin de mesure : {_load()}")


if __name__ == "__main__":
    main()

"""« Courriel suivant » under load: 10 000 waiting emails, 100 agents claiming concurrently on
PostgreSQL; every email must be claimed exactly once; claim latency percentiles.

    .venv/bin/python bench/bench_email_claim.py [--emails 10000] [--agents 100] [--connections 20]

A fresh database (`PFSPILOT_BENCH_PG`, default postgres://postgres@127.0.0.1:5432, database
pfspilot_bench_email) is migrated, then 100 agent threads each loop: « next » (timed: from the
request to its answer, waiting for a database connection included), then close the email as
answered (not timed: the SMTP send is not what is measured) until « next » answers none. The
database work runs on a bounded pool of `--connections` worker threads (one PostgreSQL connection
each, as a server with that many threads would; PostgreSQL allows 100 connections and other
sessions share it). The claim is the application's (`emaildesk.services.next_email`: SELECT … FOR
UPDATE SKIP LOCKED of the most urgent free email, then the compare-and-set claim of
`workitems`). Not a timed test: prints the figures for BENCHMARKS.md.
"""

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SEED = 20261130
PG_SERVER = os.environ.get("PFSPILOT_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "pfspilot_bench_email"


def _fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_NAME}")


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pfspilot.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(emails: int, agents: int):
    from django.utils import timezone

    from pfspilot.emaildesk.models import EmailItem
    from pfspilot.people.models import Role, User

    users = User.objects.bulk_create(
        [
            User(username=f"agent{i:03d}", role=Role.AGENT, start_date=dt.date(2020, 1, 1))
            for i in range(agents)
        ]
    )
    rng = random.Random(SEED)
    now = timezone.now()
    items = []
    for i in range(emails):
        received = now - dt.timedelta(minutes=rng.randint(1, 60 * 24 * 9))
        complaint = rng.random() < 0.1
        hours = 24 * 10 if complaint else 48
        items.append(
            EmailItem(
                status=EmailItem.NEW,
                created_at=received,
                received_at=received,
                due_at=received + dt.timedelta(hours=hours),
                due_rule="banc",
                kind="reclamation" if complaint else "niveau1",
                source=EmailItem.Source.MAILBOX,
                message_id=f"<bench-{i}@pfs.test>",
                subject=f"Courriel {i}",
            )
        )
    EmailItem.objects.bulk_create(items, batch_size=2000)
    return users


def run(emails: int, agents: int, connections: int) -> dict:
    from django.db import connection

    from pfspilot.emaildesk import services
    from pfspilot.emaildesk.models import EmailItem
    from pfspilot.workitems import services as workitems

    users = _seed(emails, agents)
    pool = ThreadPoolExecutor(max_workers=connections, thread_name_prefix="db")
    latencies: list[float] = []  # seen by the agent: waiting for a connection included
    service: list[float] = []  # the claim itself, on its connection
    claims: list[tuple[int, int]] = []  # (agent id, email id)
    lock = threading.Lock()
    barrier = threading.Barrier(agents)

    def claim(user):
        started = time.perf_counter()
        item = services.next_email(user)
        spent = time.perf_counter() - started
        with lock:
            service.append(spent)
        return item

    def answer(item, user):
        workitems.close(item, user, status=EmailItem.ANSWERED, reason="Répondu (banc)")

    def agent(user):
        barrier.wait()
        mine, taken = [], []
        while True:
            started = time.perf_counter()
            item = pool.submit(claim, user).result()
            mine.append(time.perf_counter() - started)
            if item is None:
                break
            taken.append((user.pk, item.pk))
            pool.submit(answer, item, user).result()
        with lock:
            latencies.extend(mine)
            claims.extend(taken)

    threads = [threading.Thread(target=agent, args=(u,)) for u in users]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    pool.map(lambda _i: connection.close(), range(connections * 4))
    pool.shutdown()

    ids = [pk for _agent, pk in claims]
    history = EmailItem.history.filter(history_change_reason="Prise en charge")
    per_item = history.values_list("id", flat=True)
    once = (
        len(ids)
        == len(set(ids))
        == emails
        == EmailItem.objects.filter(status=EmailItem.ANSWERED).count()
        and len(per_item) == len(set(per_item)) == emails
    )
    ordered = sorted(latencies)
    inside = sorted(service)

    def pct(p, values=ordered):
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    return {
        "emails": emails,
        "agents": agents,
        "connections": connections,
        "claims": len(ids),
        "distinct": len(set(ids)),
        "exactly_once": once,
        "wall_s": wall,
        "claims_per_s": len(ids) / wall,
        # Seen by the agents (closed loop, no pause between two emails: queueing included).
        "p50_ms": pct(50) * 1000,
        "p95_ms": pct(95) * 1000,
        "p99_ms": pct(99) * 1000,
        "max_ms": ordered[-1] * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000,
        "claim_p50_ms": pct(50, inside) * 1000,
        "claim_p95_ms": pct(95, inside) * 1000,
        "claim_p99_ms": pct(99, inside) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    _fresh_database()
    try:
        _setup()
        result = run(args.emails, args.agents, args.connections)
    finally:
        from django.db import connections

        connections.close_all()
        _drop_database()
    print(
        f"machine : {platform.processor() or platform.machine()}, nproc={os.cpu_count()}, "
        f"Python {platform.python_version()}, charge {os.getloadavg()[0]:.1f} — "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    for key, value in result.items():
        print(f"{key}: {value:.1f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()

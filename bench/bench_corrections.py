"""Cost of issue 12's import checks and corrections, on SQLite (a scratch database).

    PYTHONPATH=. .venv/bin/python bench/bench_corrections.py [--rows 200000]

Writes a canonical CSV of synthetic calls (fixed seed), then times: `read_file` (reading and
every check, the plausible values of records.SCHEMA included), a first `import_files`, the same
file re-imported with 1 % of its rows changed (changed rows found and reported, nothing
written), then with `update=True` (those rows saved one by one with their history), and
`undo_batch` of the first import. Best of one run: the machine is shared, figures vary.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HEADER = (
    "call_id,caller_id,arrival,ivr_exit,queue_entry,queue_exit,answered_at,ended_at,"
    "wait_s,talk_s,wrap_s,agent,team,queue,motif,outcome"
)


def write_csv(path: Path, rows: int, changed_every: int = 0) -> None:
    rnd = random.Random(20261130)
    lines = [HEADER]
    for i in range(rows):
        day = 1 + (i * 28) // rows
        second = 8 * 3600 + (i * 37) % (9 * 3600)
        h, m, s = second // 3600, second % 3600 // 60, second % 60
        at = f"2026-02-{day:02d} {h:02d}:{m:02d}:{s:02d}"
        wait = 30 + (7 if changed_every and i % changed_every == 0 else 0)
        lines.append(
            f"c{i},06{rnd.randrange(10**8):08d},{at},,,,,,{wait},{240 + i % 300},20,,,"
            "Prestations,RSA,answered"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="pfspilot-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pfspilot.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from pfspilot.contacts.models import ImportBatch
    from pfspilot.contacts.reader import read_file
    from pfspilot.contacts.services import import_files, undo_batch
    from pfspilot.indicators.services import aggregates_paused

    first, changed = scratch / "appels.csv", scratch / "appels-corriges.csv"
    write_csv(first, args.rows)
    write_csv(changed, args.rows, changed_every=100)
    figures = {}

    def timed(name, action):
        start = time.perf_counter()
        result = action()
        figures[name] = time.perf_counter() - start
        return result

    with aggregates_paused():
        timed("read_file (lecture + contrôles)", lambda: read_file("calls", first, "canonical"))
        timed(
            "import_files (premier import)",
            lambda: import_files(kind="calls", paths=[first], mapping="canonical"),
        )
        batch = ImportBatch.objects.latest("pk")
        report = timed(
            "réimport à 1 % modifié (signalé)",
            lambda: import_files(kind="calls", paths=[changed], mapping="canonical"),
        )
        reported = len(report.files[0].changed)
        changed.write_text(changed.read_text() + "\n", encoding="utf-8")  # another digest
        timed(
            "réimport --update",
            lambda: import_files(kind="calls", paths=[changed], mapping="canonical", update=True),
        )
        timed("annulation du premier import", lambda: undo_batch(batch=batch, user=None))
    print(
        f"lignes : {args.rows}, modifiées signalées : {reported}, Python {sys.version.split()[0]}"
    )
    for name, seconds in figures.items():
        print(f"| {name} | {seconds:.2f} s |".replace(".", ","))


if __name__ == "__main__":
    main()

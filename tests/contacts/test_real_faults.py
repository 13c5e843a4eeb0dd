"""Issue 12: real faults, not simulated in-process (see test_jobs.py for those).

1. A real `pfspilot worker` process is killed with SIGKILL in the middle of an import: nothing
   of its batch is stored, the batch is not « terminé », the reaper queues it again and a second
   worker finishes it with every row exactly once. Runs on its own SQLite file (the worker is a
   separate process: pytest-django's in-memory test database is out of its reach).
2. PostgreSQL only: the import's own connection is cut (`pg_terminate_backend`) after its first
   chunk: the import fails with a French reason, stores nothing, and the next import works.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from .helpers import CALL_HEADER

PROJECT = Path(settings.PROJECT_DIR)
ROWS = 300_000


def _big_calls_csv(rows: int = ROWS) -> str:
    lines = [CALL_HEADER]
    for i in range(rows):
        day = 1 + i % 28
        minute = (i // 28) % 600
        hour, minute = 8 + minute // 60, minute % 60
        at = f"2026-02-{day:02d} {hour:02d}:{minute:02d}"
        lines.append(
            f"k{i},06{i % 100_000_000:08d},{at}:00,{at}:10,{at}:10,{at}:40,{at}:40,{at}:59,"
            f"30,19,5,bob,,Prestations,AAH,"
        )
    return "\n".join(lines) + "\n"


def _env(var: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{var / 'pfspilot.sqlite3'}",
        "PFSPILOT_VAR_DIR": str(var),
        "PFSPILOT_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _pfspilot(env, *args, timeout=120) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "pfspilot", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _query(env, code: str):
    """Runs `code` (which sets `out`) in a Django shell of the subprocess database."""
    script = (
        "import json\n"
        "from pfspilot.contacts.models import Call, ImportBatch\n"
        f"{code}\n"
        "print('@@' + json.dumps(out, default=str))\n"
    )
    done = _pfspilot(env, "shell", "-c", script)
    line = next(x for x in done.stdout.splitlines() if x.startswith("@@"))
    return json.loads(line[2:])


BATCH_STATE = (
    "b = ImportBatch.objects.get()\n"
    "out = {'status': b.status, 'attempts': b.attempts, 'calls': Call.objects.count(),"
    " 'batch_calls': Call.objects.filter(batch_id=b.pk).count(),"
    " 'distinct': Call.objects.values('source_id').distinct().count(), 'step': b.step}"
)


def _start_worker(env, log: Path) -> subprocess.Popen:
    with open(log, "ab") as output:
        return subprocess.Popen(
            # --no-reload: with DEBUG the autoreloader runs the worker in a child process,
            # which a SIGKILL of the parent would leave running.
            [sys.executable, "-m", "pfspilot", "worker", "--no-reload", "--no-startup-delay"],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _wait(predicate, timeout: float, what: str, process=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"worker exited early ({what}): {log.read_text()[-3000:] if log else ''}")
        time.sleep(0.05)
    pytest.fail(f"timeout waiting for {what}: {log.read_text()[-3000:] if log else ''}")


def _batch_row(db_path: Path):
    """The batch's status, read straight from the SQLite file (fast polling, no Django)."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as raw:
            row = raw.execute("SELECT status, attempts FROM contacts_importbatch").fetchone()
    except sqlite3.OperationalError:
        return None
    return row


@pytest.mark.server
def test_a_worker_killed_by_sigkill_mid_import_leaves_nothing_and_the_retry_finishes(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    env = _env(var)
    db_path = var / "pfspilot.sqlite3"
    log = var / "worker.log"
    _pfspilot(env, "migrate", "--noinput", timeout=300)
    uploads = var / "uploads"
    uploads.mkdir(exist_ok=True)
    upload = uploads / "0001_appels.csv"
    upload.write_text(_big_calls_csv(), encoding="utf-8")
    _query(
        env,
        "from pfspilot.contacts.tasks import run_import\n"
        f"b = ImportBatch.objects.create(kind='calls', file_name='appels.csv',"
        f" stored_path={str(upload)!r}, mapping='canonical')\n"
        "run_import.enqueue(b.pk)\n"
        "out = b.pk",
    )
    worker = _start_worker(env, log)
    try:
        _wait(
            lambda: (_batch_row(db_path) or ("", 0))[0] == "running",
            60,
            "the batch to run",
            worker,
            log,
        )
        time.sleep(1.0)  # inside the import: reading, preparing or writing its rows
        assert worker.poll() is None, "the import finished before the kill: file too small"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == -signal.SIGKILL
    state = _query(env, BATCH_STATE)
    assert (state["status"], state["attempts"], state["calls"]) == ("running", 1, 0), state
    assert upload.is_file()  # the worker died before discarding it

    # The reaper (as the periodic job or the next worker would, STALE_AFTER later).
    reaped = _query(
        env,
        "import django.utils.timezone as tz\n"
        "from pfspilot.contacts.selectors import STALE_AFTER\n"
        "from pfspilot.contacts.services import reap_stale_batches\n"
        "early = reap_stale_batches(now=tz.now() + STALE_AFTER / 2)\n"
        "out = [early, reap_stale_batches(now=tz.now() + STALE_AFTER * 2)]",
    )
    assert reaped == [0, 1]
    state = _query(env, BATCH_STATE)
    assert (state["status"], state["attempts"], state["calls"]) == ("pending", 1, 0), state

    # A second worker takes the queued retry (attempt 2) and finishes it.
    worker = _start_worker(env, log)
    try:
        _wait(
            lambda: (_batch_row(db_path) or ("", 0))[0] in ("done", "failed"),
            60,
            "the retry to finish",
            worker,
            log,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    state = _query(env, BATCH_STATE)
    assert (state["status"], state["attempts"]) == ("done", 2), state
    assert state["calls"] == state["batch_calls"] == state["distinct"] == ROWS
    assert not upload.exists()


@pytest.mark.django_db(transaction=True)
def test_a_cut_postgresql_connection_fails_the_import_in_french_and_the_next_works(
    settings, tmp_path, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("coupure de connexion : PostgreSQL seulement")
    import psycopg

    from pfspilot.contacts import services
    from pfspilot.contacts.models import Call, ImportBatch

    settings.IMPORT_UPLOAD_DIR = tmp_path
    path = tmp_path / "appels.csv"
    path.write_text(_big_calls_csv(30_000), encoding="utf-8")
    params = connection.get_connection_params()
    conninfo = {
        k: v
        for k, v in params.items()
        if k in ("dbname", "user", "password", "host", "port") and v not in (None, "")
    }
    real = services._copy_chunks
    cut = []

    def cutting(cursor, table, names, prepared, progress, *, share):
        def after_first_chunk(fraction, message):
            if not cut:
                pid = connection.cursor().connection.info.backend_pid
                with psycopg.connect(**conninfo, autocommit=True) as other:
                    other.execute("SELECT pg_terminate_backend(%s)", [pid])
                cut.append(pid)
            if progress:
                progress(fraction, message)

        return real(cursor, table, names, prepared, after_first_chunk, share=share)

    monkeypatch.setattr(services, "_copy_chunks", cutting)
    batch = ImportBatch.objects.create(
        kind="calls", file_name=path.name, stored_path=str(path), mapping="canonical"
    )
    report = services.run_batch(batch=batch)
    assert cut, "the cut was never triggered"
    assert report.status == ImportBatch.Status.FAILED
    (error,) = report.errors
    assert error.message_fr.startswith("Erreur inattendue pendant l'écriture en base")
    assert "rien n'est enregistré" in error.message_fr and "Traceback" not in error.message_fr
    monkeypatch.undo()
    from django.db import close_old_connections

    close_old_connections()
    connection.close()
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.status == "failed" and Call.objects.count() == 0
    assert batch.errors[0]["message"] == error.message_fr

    again = tmp_path / "appels2.csv"
    again.write_text(_big_calls_csv(30_000), encoding="utf-8")
    second = ImportBatch.objects.create(
        kind="calls", file_name=again.name, stored_path=str(again), mapping="canonical"
    )
    report = services.run_batch(batch=second)
    assert report.status == ImportBatch.Status.DONE, report.errors
    assert Call.objects.count() == 30_000


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_worker_killed_mid_write_leaves_nothing_and_the_retry_finishes(
    settings, tmp_path
):
    """The same SIGKILL against pytest-django's PostgreSQL test database (committed setup:
    a transactional test), killed once the batch has recorded writing progress."""
    if connection.vendor != "postgresql":
        pytest.skip("variante PostgreSQL du SIGKILL (la variante SQLite tourne toujours)")
    from django.utils import timezone

    from pfspilot.contacts.models import Call, ImportBatch
    from pfspilot.contacts.selectors import STALE_AFTER
    from pfspilot.contacts.services import reap_stale_batches
    from pfspilot.contacts.tasks import run_import

    var = tmp_path / "var"
    uploads = var / "uploads"
    uploads.mkdir(parents=True)
    settings.IMPORT_UPLOAD_DIR = uploads
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    env = {
        **_env(var),
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    upload = uploads / "0001_appels.csv"
    upload.write_text(_big_calls_csv(), encoding="utf-8")
    batch = ImportBatch.objects.create(
        kind="calls", file_name="appels.csv", stored_path=str(upload), mapping="canonical"
    )
    run_import.enqueue(batch.pk)
    log = var / "worker.log"

    def state():
        return ImportBatch.objects.values_list("status", "attempts", "progress").get(pk=batch.pk)

    worker = _start_worker(env, log)
    try:
        # Progress is committed from a side connection while the rows are written (PostgreSQL).
        _wait(
            lambda: state()[0] == "running" and (state()[2] or 0) > 0,
            60,
            "the batch to write",
            worker,
            log,
        )
        assert worker.poll() is None, "the import finished before the kill: file too small"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == -signal.SIGKILL
    # The killed backend's transaction is rolled back by the server once the socket closes.
    _wait(lambda: Call.objects.count() == 0 or None, 10, "the rollback")
    assert state()[:2] == ("running", 1) and Call.objects.count() == 0
    assert upload.is_file()

    now = timezone.now()
    assert reap_stale_batches(now=now + STALE_AFTER / 2) == 0
    assert reap_stale_batches(now=now + STALE_AFTER * 2) == 1  # queued again (on commit)
    assert state()[:2] == ("pending", 1)

    worker = _start_worker(env, log)
    try:
        _wait(lambda: state()[0] in ("done", "failed"), 60, "the retry to finish", worker, log)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert state()[:2] == ("done", 2)
    assert Call.objects.filter(batch_id=batch.pk).count() == ROWS
    assert Call.objects.values("source_id").distinct().count() == Call.objects.count() == ROWS
    assert not upload.exists()

"""Issue 12, item 4: jobs never hang.

A worker killed before the commit leaves nothing: its batch is queued once more, then failed
with a French reason, and the upload is deleted. Killed after the commit, the batch is done and
its days stay marked until the periodic job rebuilds their sums (idempotent). `/sante/` reports
the database, the worker's last heartbeat and the queue, 200 or 503, without login.
"""

import datetime as dt
import json
import os

import pytest
import time_machine
from django.db import DatabaseError
from django.db.models import Sum
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pfspilot.contacts import services
from pfspilot.contacts.models import Call, ImportBatch
from pfspilot.contacts.selectors import STALE_AFTER, WORKER_SILENT_AFTER
from pfspilot.contacts.services import beat, purge_uploads, reap_stale_batches, run_batch
from pfspilot.contacts.tasks import run_import
from pfspilot.indicators.models import DailyStats, Grain
from pfspilot.planning.periodic import tick

from .helpers import calls_csv

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 2)


class Killed(BaseException):
    """The worker's death: nothing after it runs, its open transaction is rolled back."""


@pytest.fixture
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IMPORT_UPLOAD_DIR.mkdir()
    return settings.IMPORT_UPLOAD_DIR


def _upload(directory, name="appels.csv"):
    path = directory / f"0123_{name}"
    path.write_text(calls_csv(), encoding="utf-8")
    return ImportBatch.objects.create(
        kind="calls", file_name=name, stored_path=str(path), mapping="canonical"
    )


def _die_while_writing(monkeypatch):
    real = services.import_frame

    def dying(**kwargs):
        real(**kwargs)  # rows written inside the transaction…
        raise Killed  # …and the process dies before the commit

    monkeypatch.setattr(services, "import_frame", dying)


def _offered():
    stats = DailyStats.objects.filter(day=DAY, grain=Grain.MOTIF)
    return stats.aggregate(n=Sum("calls_offered"))["n"] or 0


def test_killed_before_the_commit_the_batch_is_retried_once(db, uploads, monkeypatch):
    batch = _upload(uploads)
    _die_while_writing(monkeypatch)
    with time_machine.travel(NOW, tick=False), pytest.raises(Killed):
        run_batch(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, Call.objects.count()) == ("running", 1, 0)
    assert reap_stale_batches(now=NOW + STALE_AFTER / 2) == 0  # still presumed alive
    assert reap_stale_batches(now=NOW + STALE_AFTER * 2) == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING
    assert batch.step == "Relancé après une interruption du traitement"
    monkeypatch.undo()
    with time_machine.travel(NOW + STALE_AFTER * 2, tick=False):
        result = run_import.call(batch.pk)
    assert result == {"status": "done", "inserted": 3}
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, Call.objects.count()) == ("done", 2, 3)
    assert not os.listdir(uploads)  # processed: the upload is gone
    assert run_import.call(batch.pk)["inserted"] == 0  # a retry queued twice does nothing


def test_the_queue_record_of_a_killed_job_is_closed(
    db, uploads, monkeypatch, django_capture_on_commit_callbacks
):
    batch = _upload(uploads)
    run_import.enqueue(batch.pk)
    task = DBTaskResult.objects.get()
    task.claim("worker-mort")  # the worker took it, then died
    _die_while_writing(monkeypatch)
    with time_machine.travel(NOW, tick=False), pytest.raises(Killed):
        run_batch(batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        reap_stale_batches(now=NOW + STALE_AFTER * 2)
    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == (
        "FAILED",
        "pfspilot.contacts.services.WorkerLost",
    )
    retry = DBTaskResult.objects.exclude(pk=task.pk).get()
    assert (retry.status, retry.args_kwargs["args"]) == ("READY", [batch.pk])


def test_killed_twice_the_batch_fails_in_french_and_the_upload_goes(db, uploads, monkeypatch):
    batch = _upload(uploads)
    _die_while_writing(monkeypatch)
    for attempt in range(2):
        moment = NOW + STALE_AFTER * 3 * attempt
        with time_machine.travel(moment, tick=False), pytest.raises(Killed):
            run_batch(batch=ImportBatch.objects.get(pk=batch.pk))
        reap_stale_batches(now=moment + STALE_AFTER * 2)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("failed", 2)
    (error,) = batch.errors
    assert error["message"].startswith(
        "Traitement interrompu 2 fois (processus arrêté ou machine redémarrée) : rien n'est "
        "enregistré et le fichier reçu est supprimé."
    )
    assert not os.listdir(uploads) and Call.objects.count() == 0


def test_a_reaped_command_line_import_keeps_the_users_file(db, uploads, tmp_path, monkeypatch):
    own = tmp_path / "mes_appels.csv"
    own.write_text(calls_csv(), encoding="utf-8")
    batch = ImportBatch.objects.create(
        kind="calls", file_name=own.name, stored_path=str(own), mapping="canonical"
    )
    _die_while_writing(monkeypatch)
    with time_machine.travel(NOW, tick=False), pytest.raises(Killed):
        run_batch(batch=batch)
    reap_stale_batches(now=NOW + STALE_AFTER * 2)
    batch.refresh_from_db()
    assert batch.status == "failed" and own.exists()


def test_killed_after_the_commit_the_sums_are_rebuilt_by_the_periodic_job(
    db, uploads, monkeypatch, django_capture_on_commit_callbacks
):
    batch = _upload(uploads)

    def dying(*args, **kwargs):
        raise Killed  # the records are committed; the process dies before the rebuild

    monkeypatch.setattr(services.records_imported, "send_robust", dying)
    with (
        time_machine.travel(NOW, tick=False),
        pytest.raises(Killed),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_batch(batch=batch)
    monkeypatch.undo()
    batch.refresh_from_db()
    assert (batch.status, batch.rows, batch.rebuild_start, batch.rebuild_end) == (
        "done",
        3,
        DAY,
        DAY,
    )
    assert _offered() == 0
    # Not reaped as interrupted: its heartbeat is its « done ».
    assert reap_stale_batches(now=NOW + STALE_AFTER * 2) == 0
    outcomes = {o.name: o.count for o in tick(now=NOW + dt.timedelta(minutes=1))}
    assert outcomes["pending_sums"] == 1
    assert _offered() == 3
    batch.refresh_from_db()
    assert batch.rebuild_start is None
    outcomes = {o.name: o.count for o in tick(now=NOW + dt.timedelta(minutes=2))}
    assert outcomes["pending_sums"] == 0  # idempotent: nothing left


def test_orphan_uploads_are_purged(db, uploads):
    kept = _upload(uploads, "attente.csv")
    orphan = uploads / "abcd_orphelin.csv"
    orphan.write_text("x", encoding="utf-8")
    fresh = uploads / "efgh_en_cours_d_envoi.csv"
    fresh.write_text("x", encoding="utf-8")
    old = (NOW - STALE_AFTER * 2).timestamp()
    os.utime(orphan, (old, old))
    os.utime(kept.stored_path, (old, old))
    assert purge_uploads(now=NOW) == 1
    assert sorted(os.listdir(uploads)) == ["0123_attente.csv", "efgh_en_cours_d_envoi.csv"]


def test_health_reports_database_worker_and_queue_without_login(db, client, uploads):
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("health"))
        assert response.status_code == 200
        report = response.json()
        assert report == {
            "status": "ok",
            "database": {"ok": True},
            "worker": {"ok": False, "last_heartbeat": None, "age_s": None},
            "queue": {"tasks_waiting": 0, "imports_waiting_or_running": 0},
        }
        # Jobs wait and no worker beats: 503.
        run_import.enqueue(_upload(uploads).pk)
        response = client.get(reverse("health"))
        assert response.status_code == 503
        assert response.json()["queue"] == {"tasks_waiting": 1, "imports_waiting_or_running": 1}
        beat("worker-1")
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        report = client.get(reverse("health")).json()
        assert report["status"] == "ok"
        assert report["worker"] == {
            "ok": True,
            "last_heartbeat": "2026-03-02T10:00:00+00:00",
            "age_s": 30.0,
        }
    with time_machine.travel(NOW + WORKER_SILENT_AFTER * 2, tick=False):
        assert client.get(reverse("health")).status_code == 503
    assert DBTaskResult.objects.count() == 1
    text = client.get(reverse("health")).content.decode()
    assert "appels.csv" not in text  # counts and times only


def test_health_is_503_when_the_database_does_not_answer(db, client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("connexion perdue")

    monkeypatch.setattr("pfspilot.contacts.selectors.queue_length", broken)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "erreur", "database": {"ok": False}}


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_beats_while_it_runs_and_clears_its_row(monkeypatch, uploads):
    from django.core.management import call_command

    from pfspilot.contacts.models import WorkerHeartbeat

    seen = []
    real = services.worker_stopped

    def stopped(worker_id):
        seen.extend(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
        real(worker_id)

    monkeypatch.setattr("pfspilot.contacts.management.commands.worker.worker_stopped", stopped)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--worker-id", "essai-1")
    assert seen == ["essai-1"]
    assert not WorkerHeartbeat.objects.exists()

"""An import batch always ends (done or failed with a French reason) and shows its progress."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from pfspilot.contacts.mapping import MappingError, load_mapping
from pfspilot.contacts.models import Call, ImportBatch
from pfspilot.contacts.selectors import STALE_AFTER
from pfspilot.contacts.services import import_files, reap_stale_batches, run_batch
from pfspilot.contacts.tasks import run_import

from .helpers import CALL_HEADER, CALL_ROWS, calls_csv, write

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
BAD_CONSTANT = """name = "constante-fausse"
source = "essai"
[calls]
[calls.columns]
call_id = "call_id"
arrival = "arrival"
[calls.constants]
wait_s = "beaucoup"
"""


def _broken_xlsx(tmp_path):
    """A workbook whose sheet breaks after its second data row (a truncated export)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(CALL_HEADER.split(","))
    for row in CALL_ROWS:
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    path = tmp_path / "appels.xlsx"
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'<row r="4"') + 30]  # cut inside the third data row
            target.writestr(item, data)
    return path


def _failure(batch):
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.is_finished and batch.progress == 1.0 and batch.finished_at
    assert len(batch.errors) == 1 and batch.errors[0]["line"] == 0
    return batch.errors[0]["message"]


def test_an_xlsx_breaking_mid_sheet_fails_the_batch_in_french(db, tmp_path):
    report = import_files(kind="calls", paths=[_broken_xlsx(tmp_path)], mapping="canonical")
    assert not report.ok
    message = _failure(ImportBatch.objects.get())
    assert message.startswith("Erreur inattendue pendant la lecture du fichier (")
    assert "rien n'est enregistré" in message
    assert "0601020304" not in message  # no caller identifier from the file
    assert str(report.errors[0]).startswith("appels.xlsx : Erreur inattendue pendant la lecture")
    assert Call.objects.count() == 0


def test_a_reader_error_never_quotes_the_file(db, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("0601020304")

    monkeypatch.setattr("pfspilot.contacts.services.read_file", broken)
    import_files(kind="calls", paths=[write(tmp_path, "a.csv", calls_csv())], mapping="canonical")
    message = _failure(ImportBatch.objects.get())
    assert message.startswith("Erreur inattendue pendant la lecture du fichier (KeyError)")
    assert "0601020304" not in message


@pytest.mark.parametrize(
    ("constant", "expected"),
    [
        ('wait_s = "beaucoup"', "« beaucoup » n'est pas une durée en secondes ≥ 0"),
        ("wait_s = -5", "« -5 » n'est pas une durée en secondes ≥ 0"),
        ('arrival = "02/03/2026"', "« 02/03/2026 » ne suit pas le format %Y-%m-%d %H:%M:%S"),
        ("queue = [1, 2]", "« [1, 2] » doit être un texte"),
    ],
)
def test_a_bad_constant_in_a_profile_is_refused_in_french(tmp_path, constant, expected):
    columns = 'call_id = "call_id"\n' + (
        'arrival = "arrival"\n' if "arrival" not in constant else ""
    )
    profile = tmp_path / "p.toml"
    profile.write_text(f"[calls]\n[calls.columns]\n{columns}[calls.constants]\n{constant}\n")
    with pytest.raises(MappingError) as error:
        load_mapping(str(profile))
    assert expected in str(error.value)
    assert "constante" in str(error.value)


def test_a_bad_survey_constant_must_be_a_boolean(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text(
        '[surveys]\n[surveys.columns]\nsurvey_id = "id"\nchannel = "c"\nanswered_on = "d"\n'
        '[surveys.constants]\nsatisfied = "oui"\n'
    )
    with pytest.raises(MappingError, match="doit valoir true ou false"):
        load_mapping(str(profile))


def test_a_profile_broken_after_the_upload_fails_the_batch(db, tmp_path):
    profile = tmp_path / "constante-fausse.toml"
    profile.write_text(BAD_CONSTANT)
    path = write(tmp_path, "a.csv", calls_csv())
    batch = ImportBatch.objects.create(
        kind="calls", file_name="a.csv", stored_path=str(path), mapping=str(profile)
    )
    report = run_batch(batch=batch)
    assert report.status == ImportBatch.Status.FAILED
    message = _failure(batch)
    assert message.startswith("Profil de correspondance inutilisable : profil « constante-fausse »")
    assert "constante « wait_s »" in message


def _running(**times):
    return ImportBatch.objects.create(
        kind="calls", file_name="x.csv", mapping="canonical", status="running", **times
    )


@time_machine.travel(NOW, tick=False)
def test_it_reaps_the_batches_whose_worker_fell_silent(db):
    now = timezone.now()
    silent = _running(started_at=now - dt.timedelta(hours=1), heartbeat_at=now - STALE_AFTER * 2)
    never_beat = _running(started_at=now - STALE_AFTER - dt.timedelta(seconds=1))
    alive = _running(started_at=now - dt.timedelta(hours=1), heartbeat_at=now - STALE_AFTER / 2)
    waiting = ImportBatch.objects.create(kind="calls", file_name="y.csv", mapping="canonical")
    ImportBatch.objects.filter(pk=waiting.pk).update(created_at=now - dt.timedelta(days=1))
    assert reap_stale_batches() == 2
    for batch in (silent, never_beat):
        message = _failure(batch)
        assert message.startswith("Traitement interrompu (processus arrêté")
    alive.refresh_from_db()
    waiting.refresh_from_db()
    assert (alive.status, waiting.status) == ("running", "pending")
    assert reap_stale_batches() == 0


def test_the_page_stops_polling_once_a_dead_import_is_reaped(client_for):
    with time_machine.travel(NOW - STALE_AFTER * 2, tick=False):
        _running(started_at=timezone.now(), heartbeat_at=timezone.now())
    with time_machine.travel(NOW, tick=False):
        fragment = client_for("maud").get(reverse("contacts:import_progress")).content.decode()
    assert 'hx-trigger="every 2s"' not in fragment
    assert "Refusé" in fragment
    assert "Traitement interrompu" in fragment


def test_a_live_import_keeps_the_page_polling(client_for):
    with time_machine.travel(NOW, tick=False):
        _running(started_at=timezone.now(), heartbeat_at=timezone.now())
        page = client_for("maud").get(reverse("contacts:imports")).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "En cours" in page


def test_the_worker_reaps_before_its_job_and_the_command_on_demand(db, tmp_path):
    with time_machine.travel(NOW - STALE_AFTER * 2, tick=False):
        dead = _running(started_at=timezone.now(), heartbeat_at=timezone.now())
    path = write(tmp_path, "a.csv", calls_csv())
    batch = ImportBatch.objects.create(
        kind="calls", file_name="a.csv", stored_path=str(path), mapping="canonical"
    )
    run_import.call(batch.pk)
    dead.refresh_from_db()
    batch.refresh_from_db()
    assert (dead.status, batch.status) == ("failed", "done")
    with time_machine.travel(NOW - STALE_AFTER * 2, tick=False):
        _running(started_at=timezone.now(), heartbeat_at=timezone.now())
    out = io.StringIO()
    call_command("reap_imports", stdout=out)
    assert out.getvalue().strip() == "1 import(s) interrompu(s) marqué(s) en échec."
    out = io.StringIO()
    call_command("reap_imports", "--json", stdout=out)
    assert out.getvalue().strip() == '{"reaped": 0}'


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_transaction_is_open(tmp_path):
    """PostgreSQL commits each step through a second connection; SQLite, a single writer,
    shows the writing step announced before the transaction, with an unknown fraction."""
    seen = []

    def watch(fraction, message):
        if connection.in_atomic_block:  # inside the import's transaction
            seen.append(ImportBatch.objects.values_list("progress", "step").get())

    rows = [f"c{i},,2026-03-02 09:{i % 60:02d}:00,,,,,,,,,,,,," for i in range(200)]
    report = import_files(
        kind="calls",
        paths=[write(tmp_path, "a.csv", calls_csv(rows))],
        mapping="canonical",
        progress=watch,
    )
    assert report.ok and report.inserted == 200
    assert seen, "the loader reports progress inside its transaction"
    if connection.vendor == "postgresql":
        progress, step = seen[-1]
        assert progress >= 0.5 and "a.csv" in step
    else:
        assert set(seen) == {(None, "Écriture en base")}
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.progress, batch.heartbeat_at is not None) == ("done", 1.0, True)

"""The imports page: upload to disk, background job, progress and French errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pfspilot.contacts.forms import french_size
from pfspilot.contacts.models import Call, ImportBatch
from pfspilot.contacts.tasks import run_import

from .helpers import CALL_ROWS, calls_csv


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


def post_file(client, text, name="appels.csv", kind="calls"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(
        reverse("contacts:imports"), {"kind": kind, "mapping": "canonical", "file": upload}
    )


def run_queued(batch):
    """Acts as the worker when the queue is the database one (the immediate one already ran)."""
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.PENDING:
        run_import.call(batch.pk)
        batch.refresh_from_db()
    return batch


def test_it_stores_the_upload_and_imports_it_in_the_background(
    client_for, upload_dir, django_capture_on_commit_callbacks
):
    client = client_for("maud")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_file(client, calls_csv())
    assert response.status_code == 302
    assert len(callbacks) == 1  # the job is queued only once the batch is committed
    batch = ImportBatch.objects.get()
    assert batch.stored_path.startswith(str(upload_dir))
    assert batch.created_by.username == "maud"
    batch = run_queued(batch)
    assert (batch.status, batch.rows, batch.progress) == ("done", 3, 1.0)
    assert list(upload_dir.iterdir()) == []  # the raw export is removed once imported
    assert Call.objects.count() == 3
    page = client.get(reverse("contacts:imports")).content.decode()
    assert "appels.csv" in page and "Terminé" in page
    assert 'hx-trigger="every 2s"' not in page


def test_it_lists_bad_rows_in_french_and_writes_nothing(
    client_for, upload_dir, django_capture_on_commit_callbacks
):
    client = client_for("maud")
    rows = [*CALL_ROWS, CALL_ROWS[0].replace(",30,300,20,", ",30,-1,20,")]
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, calls_csv(rows))
    batch = run_queued(ImportBatch.objects.get())
    assert batch.status == "failed"
    assert Call.objects.count() == 0
    fragment = client.get(reverse("contacts:import_progress")).content.decode()
    assert "2 erreur(s) : rien n'a été enregistré" in fragment
    assert "Ligne 5, champ « talk_s » : durée négative (-1 s)" in fragment


def test_it_polls_while_an_import_waits(client_for, personas):
    ImportBatch.objects.create(kind="calls", file_name="long.csv", mapping="canonical")
    fragment = client_for("maud").get(reverse("contacts:import_progress")).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert "En attente" in fragment


def test_it_refuses_a_too_large_upload_before_reading_it(client_for, settings, upload_dir):
    settings.IMPORT_MAX_BYTES = 10
    client = client_for("maud")
    response = client.post(
        reverse("contacts:imports"),
        data=b"x" * (2 * 1024 * 1024),
        content_type="multipart/form-data; boundary=frontiere",
    )
    assert response.status_code == 413
    assert "Fichier trop volumineux : maximum 10\u00a0octets" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_it_stops_an_upload_that_grows_beyond_the_limit(client_for, settings, upload_dir):
    settings.IMPORT_MAX_BYTES = 200
    response = post_file(client_for("maud"), calls_csv())
    assert response.status_code == 413
    assert ImportBatch.objects.count() == 0


def test_it_is_for_managers_only(client_for):
    assert client_for("alice").get(reverse("contacts:imports")).status_code == 403
    assert client_for("diane").post(reverse("contacts:imports")).status_code == 403


def test_it_still_checks_the_csrf_token_on_upload(personas, upload_dir):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["maud"])
    upload = SimpleUploadedFile("appels.csv", calls_csv().encode(), content_type="text/csv")
    response = client.post(
        reverse("contacts:imports"), {"kind": "calls", "mapping": "canonical", "file": upload}
    )
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


def test_it_chooses_the_canonical_profile_by_default(client_for):
    page = client_for("maud").get(reverse("contacts:imports")).content.decode()
    assert '<option value="canonical" selected>canonical</option>' in page
    assert page.index('value="canonical"') < page.index('value="anonymous-bank"')
    assert '<option value="anonymous-bank">anonymous-bank</option>' in page


def test_it_labels_each_field_above_it_with_the_size_limit_in_french(client_for, settings):
    settings.IMPORT_MAX_BYTES = 1024**3
    page = client_for("maud").get(reverse("contacts:imports")).content.decode()
    assert "<p>" not in page.split('class="upload"')[1].split("</form>")[0]  # no form.as_p
    assert '<label for="id_file">Fichier</label>' in page
    assert 'aria-describedby="id_file_helptext"' in page
    assert "éventuellement compressé en .gz. Taille maximale : 1\u00a0Go.</span>" in page
    settings.IMPORT_MAX_BYTES = 3 * 1024**3 // 2
    page = client_for("maud").get(reverse("contacts:imports")).content.decode()
    assert "Taille maximale : 1,5\u00a0Go." in page


def test_it_summarises_the_profiles_and_the_canonical_format(client_for):
    page = client_for("maud").get(reverse("contacts:imports")).content.decode()
    assert "Format canonique de PFS Pilot (un fichier par type d&#x27;enregistrement)." in page
    assert "Export réel d&#x27;un centre d&#x27;appels bancaire" in page
    assert '<code><strong>call_id</strong><span class="visually-hidden"> (obligatoire)' in page
    assert "<code>ivr_exit</code>" in page
    assert "<dt>Activité des agents</dt>" in page


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (10, "10 octets"),
        (1024, "1 Ko"),
        (1536, "1,5 Ko"),
        (5 * 1024**2, "5 Mo"),
        (1024**3, "1 Go"),
        (3 * 1024**4, "3 To"),
    ],
)
def test_it_writes_sizes_the_french_way(size, text):
    assert french_size(size) == text.replace(" ", "\u00a0")  # no break before the unit


@pytest.mark.parametrize("length", ["abc", "12abc", "-1", "1e3", "١٢", " "])
def test_it_refuses_a_malformed_content_length_in_french(client_for, upload_dir, length):
    response = client_for("maud").post(
        reverse("contacts:imports"),
        data=b"--frontiere--",
        content_type="multipart/form-data; boundary=frontiere",
        CONTENT_LENGTH=length,
    )
    assert response.status_code == 400
    assert "la taille annoncée par le navigateur" in response.content.decode()
    assert ImportBatch.objects.count() == 0

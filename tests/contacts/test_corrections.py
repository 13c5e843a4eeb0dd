"""Issue 12, item 2: imports can be corrected and undone.

Every record knows its import batch; a re-import reports the known records whose values
changed and, with --update, updates them (the history keeps the previous values); a manager
undoes an import after a confirmation page (records removed, updates reverted, sums rebuilt,
an audit entry); the admin lists calls and emails with filters to find the bad rows.
"""

import datetime as dt

import pytest
from django.db.models import Sum
from django.urls import reverse

from pfspilot.contacts.models import Call, ImportBatch
from pfspilot.contacts.services import import_files
from pfspilot.indicators.models import DailyStats, Grain

from .helpers import CALL_ROWS, calls_csv, write

DAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def _offered(day=DAY) -> int:
    stats = DailyStats.objects.filter(day=day, grain=Grain.MOTIF)
    return stats.aggregate(n=Sum("calls_offered"))["n"] or 0


def _import(tmp_path, name, rows, **options):
    path = write(tmp_path, name, calls_csv(rows))
    return import_files(kind="calls", paths=[path], mapping="canonical", **options)


CORRECTED = [
    CALL_ROWS[0],
    CALL_ROWS[1]
    .replace("10:00:55,,,45,", "10:01:00,,,50,")
    .replace(",Prestations,,", ",Prestations,RSA,"),
    CALL_ROWS[2],
]


def test_every_record_knows_its_import_batch(db, tmp_path):
    _import(tmp_path, "a.csv", CALL_ROWS)
    batch = ImportBatch.objects.get()
    assert set(Call.objects.values_list("batch", flat=True)) == {batch.pk}


def test_changed_rows_are_reported_then_updated_with_the_option(db, tmp_path, capsys):
    from django.core.management import load_command_class

    _import(tmp_path, "a.csv", CALL_ROWS)
    first = ImportBatch.objects.get()
    path = write(tmp_path, "b.csv", calls_csv(CORRECTED))
    command = load_command_class("pfspilot.contacts", "import")
    command.run_from_argv(["pfspilot", "import", "calls", str(path), "--mapping", "canonical"])
    out = capsys.readouterr().out
    assert (
        "  1 ligne(s) déjà importée(s) avec d'autres valeurs, non modifiée(s) (relancez avec "
        "--update pour les mettre à jour) : ligne 3 (c2)." in out
    )
    c2 = Call.objects.get(source_id="c2")
    assert (c2.wait_s, c2.motif) == (45.0, None)
    assert ImportBatch.objects.latest("pk").rows_changed == 1

    path = write(tmp_path, "c.csv", calls_csv([*CORRECTED, CALL_ROWS[2].replace("c3", "c4")]))
    command.run_from_argv(
        ["pfspilot", "import", "calls", str(path), "--mapping", "canonical", "--update"]
    )
    out = capsys.readouterr().out
    assert "  1 enregistrement(s) mis à jour (valeurs précédentes dans l'historique) : " in out
    c2.refresh_from_db()
    assert (c2.wait_s, c2.motif, c2.batch_id) == (50.0, "RSA", first.pk)
    third = ImportBatch.objects.latest("pk")
    previous = c2.history.filter(history_change_reason=f"Mise à jour par l'import n° {third.pk}")
    assert previous.get().prev_record.wait_s == 45.0
    assert Call.objects.get(source_id="c4").batch_id == third.pk


def test_a_manager_undoes_an_import_after_confirming(
    db, tmp_path, client_for, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _import(tmp_path, "a.csv", CALL_ROWS)
        keep = ImportBatch.objects.get()
        _import(tmp_path, "b.csv", [*CORRECTED, CALL_ROWS[2].replace("c3", "c4")], update=True)
    batch = ImportBatch.objects.latest("pk")
    assert Call.objects.count() == 4 and _offered() == 4
    url = reverse("contacts:undo_import", args=[batch.pk])
    client = client_for("maud")
    assert f'href="{url}">Annuler…</a>' in client.get(reverse("contacts:imports")).content.decode()
    page = client.get(url).content.decode()
    assert "Je confirme l&#x27;annulation de cet import." in page and "b.csv" in page
    assert client.post(url, {}).status_code == 400  # no confirmation: nothing done
    assert Call.objects.count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "oui"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert (batch.undone_by, batch.rebuild_start) == (personas["maud"], None)
    assert sorted(Call.objects.values_list("source_id", flat=True)) == ["c1", "c2", "c3"]
    c2 = Call.objects.get(source_id="c2")
    assert (c2.wait_s, c2.motif, c2.batch_id) == (45.0, None, keep.pk)
    assert _offered() == 3  # the sums were rebuilt
    audit = batch.history.latest("history_id")
    assert (audit.history_change_reason, audit.history_user, audit.status) == (
        "Import annulé",
        personas["maud"],
        "undone",
    )
    # Undone once: a second undoing is refused in French.
    again = client.post(url, {"confirm": "oui"})
    assert again.status_code == 400
    assert "Seul un import terminé peut être annulé (état : Annulé)." in again.content.decode()
    listed = client.get(reverse("contacts:imports")).content.decode()
    assert "Annulé" in listed and f'href="{url}"' not in listed


def test_an_agent_cannot_undo(db, tmp_path, client_for):
    _import(tmp_path, "a.csv", CALL_ROWS)
    url = reverse("contacts:undo_import", args=[ImportBatch.objects.get().pk])
    assert client_for("bob").post(url, {"confirm": "oui"}).status_code == 403
    assert Call.objects.count() == 3


def test_the_admin_lists_calls_and_finds_implausible_rows(db, client_for):
    Call.objects.create(
        source="old", source_id="ok", arrival=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), wait_s=30
    )
    Call.objects.create(
        source="old",
        source_id="bad-row",
        arrival=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        wait_s=99_999_999_999,
        outcome="answered",
    )
    client = client_for("adam")
    url = reverse("admin:contacts_call_changelist")
    listed = client.get(url).content.decode()
    assert "bad-row" in listed and ">ok<" in listed
    filtered = client.get(url, {"valeurs": "hors_limites"}).content.decode()
    assert "bad-row" in filtered and ">ok<" not in filtered
    assert client.get(reverse("admin:contacts_email_changelist")).status_code == 200
    assert client_for("maud").get(url).status_code == 302

"""The admin shows the background tasks in French, read-only."""

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pfspilot.contacts.tasks import run_import


def test_it_labels_the_background_tasks_in_french_on_the_admin_index(client_for):
    page = client_for("adam").get(reverse("admin:index")).content.decode()
    assert "Tâches en arrière-plan" in page
    assert "Résultats des tâches" in page
    assert "Tasks Database Backend" not in page
    assert "Task Results" not in page


def test_it_lists_task_results_read_only_with_french_columns(client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run_import.enqueue(0)
    response = client_for("adam").get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist")
    )
    page = response.content.decode()
    assert response.status_code == 200
    for column in ("Tâche", "État", "Mise en file", "Priorité", "File d’attente"):
        assert f">{column}</a>" in page
    assert "En attente" in page
    assert '<td class="field-task">run_import</td>' in page
    assert reverse("admin:django_tasks_database_dbtaskresult_add") not in page
    result = DBTaskResult.objects.get()
    change = reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.pk])
    detail = client_for("adam").post(change, {"priority": "5"})
    assert detail.status_code == 403
    assert DBTaskResult.objects.get().priority == 0


def test_it_keeps_the_tasks_admin_for_administrators(client_for):
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    assert client_for("maud").get(url).status_code == 302


def test_it_shows_a_task_result_in_french(client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run_import.enqueue(0)
    result = DBTaskResult.objects.get()
    change = reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.pk])
    response = client_for("adam").get(change)
    page = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Identifiant",
        "Tâche",
        "État",
        "Mise en file",
        "Début",
        "Fin",
        "Arguments",
        "Priorité",
        "Chemin de la tâche",
        "Processus de traitement (workers)",
        "File d’attente",
        "Moteur de tâches",
        "Exécuter après",
        "Valeur renvoyée",
        "Classe de l’exception",
        "Trace de l’erreur",
    ):
        assert f"<label>{label}\u00a0:</label>" in page, label
    for english in (
        "Enqueued at",
        "Task path",
        "Args kwargs",
        "Worker id",
        "Backend name",
        "Run after",
        "Return value",
        "Exception class path",
        "Traceback",
        "Task Result",
        "object (",
    ):
        assert english not in page, english
    assert "En attente" in page
    assert f"Tâche run_import ({result.pk})" in page

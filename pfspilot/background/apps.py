from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class BackgroundTasksConfig(TasksAppConfig):
    """django_tasks_db itself (same name and label, so same tables and migrations), in French."""

    verbose_name = _("Tâches en arrière-plan")

    def ready(self) -> None:
        super().ready()
        model = self.get_model("DBTaskResult")
        # Only the live labels change: migrations read `original_attrs`, so none is generated.
        model._meta.verbose_name = _("Résultat de tâche")
        model._meta.verbose_name_plural = _("Résultats des tâches")
        # Its own name is « DBTaskResult object (…) », shown as the admin pages' titles.
        model.__str__ = task_result_label
        from . import admin  # noqa: F401  re-registers the model admin once the upstream one exists


def task_result_label(result) -> str:
    return str(_("Tâche %(name)s (%(id)s)") % {"name": result.task_name, "id": result.id})

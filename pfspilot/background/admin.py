from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db import admin as upstream
from django_tasks_db.models import DBTaskResult

STATUS_LABELS = {
    TaskResultStatus.READY: _("En attente"),
    TaskResultStatus.RUNNING: _("En cours"),
    TaskResultStatus.FAILED: _("Échouée"),
    TaskResultStatus.SUCCESSFUL: _("Réussie"),
}


class StatusFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class TaskResultAdmin(upstream.DBTaskResultAdmin):
    """The upstream read-only admin (no add, change or delete), with French columns."""

    list_display = (
        "id",
        "task",
        "state",
        "enqueued",
        "started",
        "finished",
        "priority_level",
        "queue",
    )
    list_filter = (StatusFilter,)
    # The detail page: every field through a French-labelled display (the model's are English).
    detail_fields = (
        "identifier",
        "task",
        "state",
        "enqueued",
        "started",
        "finished",
        "arguments",
        "priority_level",
        "path",
        "workers",
        "queue",
        "backend",
        "run_after_label",
        "returned",
        "exception",
        "trace",
    )

    def get_readonly_fields(self, request, obj=None):
        return self.detail_fields

    def get_fields(self, request, obj=None):
        return self.detail_fields

    @admin.display(description=_("Identifiant"))
    def identifier(self, obj: DBTaskResult) -> str:
        return str(obj.id)

    @admin.display(description=_("Arguments"))
    def arguments(self, obj: DBTaskResult):
        return obj.args_kwargs

    @admin.display(description=_("Chemin de la tâche"))
    def path(self, obj: DBTaskResult) -> str:
        return obj.task_path

    @admin.display(description=_("Processus de traitement (workers)"))
    def workers(self, obj: DBTaskResult) -> str:
        return ", ".join(obj.worker_ids) or "—"

    @admin.display(description=_("Moteur de tâches"))
    def backend(self, obj: DBTaskResult) -> str:
        return obj.backend_name

    @admin.display(description=_("Exécuter après"))
    def run_after_label(self, obj: DBTaskResult):
        return self.display_run_after(obj)

    @admin.display(description=_("Valeur renvoyée"))
    def returned(self, obj: DBTaskResult):
        return "—" if obj.return_value is None else obj.return_value

    @admin.display(description=_("Classe de l’exception"))
    def exception(self, obj: DBTaskResult) -> str:
        return obj.exception_class_path or "—"

    @admin.display(description=_("Trace de l’erreur"))
    def trace(self, obj: DBTaskResult) -> str:
        return self.formatted_traceback(obj)

    @admin.display(description=_("Tâche"), ordering="task_path")
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_name

    @admin.display(description=_("État"), ordering="status")
    def state(self, obj: DBTaskResult) -> str:
        return STATUS_LABELS.get(obj.status, obj.status)

    @admin.display(description=_("Mise en file"), ordering="enqueued_at")
    def enqueued(self, obj: DBTaskResult):
        return obj.enqueued_at

    @admin.display(description=_("Début"), ordering="started_at")
    def started(self, obj: DBTaskResult):
        return obj.started_at

    @admin.display(description=_("Fin"), ordering="finished_at")
    def finished(self, obj: DBTaskResult):
        return obj.finished_at

    @admin.display(description=_("Priorité"), ordering="priority")
    def priority_level(self, obj: DBTaskResult) -> int:
        return obj.priority

    @admin.display(description=_("File d’attente"), ordering="queue_name")
    def queue(self, obj: DBTaskResult) -> str:
        return obj.queue_name


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)

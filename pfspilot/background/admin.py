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

"""Read-only admin lists of the imported records, to find the bad rows of an import.

Filters by import batch, source, outcome or nature, team, day, and « valeurs hors limites »
(the schema's ranges: rows stored before the checks of issue 12). Records are never edited or
deleted here: a bad import is undone as a whole (`Imports` page, « Annuler… »).
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pfspilot.engine import records

from .models import Call, Email, ImportBatch


def implausible(kind: str) -> Q:
    """Q of the stored records of `kind` with a number outside its schema range."""
    found = Q(pk__in=[])
    for spec in records.SCHEMA[kind].fields:
        if spec.range is None:
            continue
        low, high = spec.range
        column = {"caller_id": "caller_hash"}.get(spec.name, spec.name)
        found |= Q(**{f"{column}__lt": low}) | Q(**{f"{column}__gt": high})
    return found


class PlausibilityFilter(admin.SimpleListFilter):
    title = _("valeurs")
    parameter_name = "valeurs"
    kind = ""

    def lookups(self, request, model_admin):
        return [("hors_limites", _("hors limites (durée négative ou d'un jour et plus)"))]

    def queryset(self, request, queryset):
        if self.value() == "hors_limites":
            return queryset.filter(implausible(self.kind))
        return queryset


class CallPlausibility(PlausibilityFilter):
    kind = "calls"


class EmailPlausibility(PlausibilityFilter):
    kind = "emails"


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = (
        "source_id",
        "source",
        "arrival",
        "outcome",
        "wait_s",
        "talk_s",
        "wrap_s",
        "agent_code",
        "team_code",
        "queue",
        "batch",
    )
    list_filter = (CallPlausibility, "outcome", "source", "team", "batch", "arrival")
    search_fields = ("source_id", "agent_code", "team_code", "motif")
    date_hierarchy = "arrival"
    list_select_related = ("batch",)
    show_full_result_count = False


@admin.register(Email)
class EmailAdmin(ReadOnlyAdmin):
    list_display = (
        "source_id",
        "source",
        "received_at",
        "kind",
        "answered_at",
        "agent_code",
        "team_code",
        "batch",
    )
    list_filter = (EmailPlausibility, "kind", "source", "team", "batch", "received_at")
    search_fields = ("source_id", "agent_code", "team_code", "motif", "template")
    date_hierarchy = "received_at"
    list_select_related = ("batch",)
    show_full_result_count = False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "file_name",
        "kind",
        "status",
        "rows",
        "rows_changed",
        "created_by",
        "created_at",
        "undone_by",
        "undone_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("file_name", "sha256")

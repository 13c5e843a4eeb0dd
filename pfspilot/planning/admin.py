from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Absence, DayPlan, ForecastOverride, PlanComputation


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    list_display = ["agent", "start", "end", "reason"]
    list_filter = ["reason", "agent__team"]
    search_fields = ["agent__username", "agent__last_name", "agent__first_name"]
    date_hierarchy = "start"
    autocomplete_fields = ["agent"]


@admin.register(ForecastOverride)
class ForecastOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["day", "slot_start", "factor", "calls", "reason", "created_by"]
    date_hierarchy = "day"
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        # The author of a correction is whoever saved it, never typed in.
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DayPlan)
class DayPlanAdmin(admin.ModelAdmin):
    list_display = ["day", "computed_at"]
    readonly_fields = ["day", "computed_at", "payload"]

    def has_add_permission(self, request):
        # Plans come from the solver (page « Planification »), not from typing JSON.
        return False


@admin.register(PlanComputation)
class PlanComputationAdmin(admin.ModelAdmin):
    list_display = ["day", "status", "requested_at", "requested_by", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [
        "day",
        "status",
        "note_lunches_only",
        "requested_at",
        "requested_by",
        "finished_at",
        "error",
    ]

    def has_add_permission(self, request):
        # Computations are queued by the planning pages and `pfspilot tick`, never typed in.
        return False

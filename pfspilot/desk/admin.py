"""Administration of the desk: its reference data (delays, lists, retention) with history, the
records read-only for the audit, and the consultation log for administrators."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AppointmentSlot,
    CallRecord,
    Consultation,
    DeskList,
    DeskRuleSet,
    FollowUp,
    Incivility,
    Level2Request,
    MotifDelay,
    Urgency,
)


class MotifDelayInline(admin.TabularInline):
    model = MotifDelay
    extra = 0


@admin.register(DeskRuleSet)
class DeskRuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "request_delay", "request_unit", "max_attempts", "retention_days"]
    inlines = [MotifDelayInline]


@admin.register(MotifDelay)
class MotifDelayAdmin(SimpleHistoryAdmin):
    list_display = ["motif_code", "amount", "unit", "clock", "expertise", "rule_set"]


@admin.register(DeskList)
class DeskListAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "position", "code", "label", "active"]
    list_filter = ["kind", "active"]


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Records of the desk: read in the admin with their audit trail, written by the desk."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallRecord)
class CallRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = ["call_id", "agent", "opened_at", "motif_label", "status"]
    list_filter = ["status", "source"]
    search_fields = ["call_id"]


@admin.register(Level2Request)
class Level2RequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["id", "kind", "motif_label", "status", "assignee", "due_at"]
    list_filter = ["kind", "status"]


@admin.register(Urgency)
class UrgencyAdmin(ReadOnlyHistoryAdmin):
    list_display = ["id", "subject", "status", "assignee", "due_at", "commitment_kept"]
    list_filter = ["status"]


@admin.register(Incivility)
class IncivilityAdmin(ReadOnlyHistoryAdmin):
    list_display = ["declared_at", "agent", "kind"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyHistoryAdmin):
    list_display = ["id", "agent", "status", "assignee", "due_at"]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(ReadOnlyHistoryAdmin):
    list_display = ["start", "end", "expert", "request"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["at", "user", "claimant_number", "what"]
    search_fields = ["claimant_number", "user__username"]
    date_hierarchy = "at"

"""Administration of supervision: the sample sizes per mission (reference data, history), the
grids read-only (a new version is made by `services.create_grid`, which checks the weights),
campaigns and supervisions with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, Grid, Reminder, SamplingRule, Section, Supervision


@admin.register(SamplingRule)
class SamplingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "calls", "emails", "requests", "period_days"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Grid)
class GridAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "version", "active", "pass_mark"]
    inlines = [SectionInline]


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["semester", "start", "end", "created_at"]


@admin.register(Supervision)
class SupervisionAdmin(SimpleHistoryAdmin):
    list_display = ["agent", "supervisor", "day", "status", "signed_at"]
    list_filter = ["campaign", "status"]


@admin.register(Reminder)
class ReminderAdmin(SimpleHistoryAdmin):
    list_display = ["title", "published_at", "created_by"]

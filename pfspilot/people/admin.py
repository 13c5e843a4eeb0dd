from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Team, User


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "site"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = [
        "username",
        "last_name",
        "first_name",
        "role",
        "profile",
        "team",
        "fte",
        "lunch_group",
        "start_date",
        "end_date",
        "is_active",
    ]
    list_filter = ["role", "profile", "team", "lunch_group", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets[:2] + (
        (
            _("Rôle et affectation"),
            {"fields": ["role", "profile", "team", "fte", "lunch_group", "start_date", "end_date"]},
        ),
        (_("Statut"), {"fields": ["is_active", "last_login", "date_joined"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (
            _("Rôle et affectation"),
            {"fields": ["role", "profile", "team", "fte", "lunch_group", "start_date", "end_date"]},
        ),
    )

"""Administration of the referential (French admin, history of every change)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    CatalogueMotif,
    CogTarget,
    DaySlot,
    IndicatorParameterSet,
    InterviewStep,
    Motif,
    MotifCatalogue,
    PlatformRuleSet,
    Procedure,
    RoutingMatrix,
)


@admin.register(CogTarget)
class CogTargetAdmin(SimpleHistoryAdmin):
    list_display = [
        "year",
        "pickup_rate",
        "repeat_rate_max",
        "phone_satisfaction",
        "email_within_deadline",
        "complaint_within_deadline",
        "email_satisfaction",
        "calls_per_fte",
        "emails_per_fte",
    ]


class DaySlotFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        slots = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        by_group: dict[str, list] = {}
        for slot in slots:
            if slot.get("start") and slot.get("end") and slot.get("lunch_group"):
                by_group.setdefault(slot["lunch_group"], []).append((slot["start"], slot["end"]))
        for group, ranges in by_group.items():
            ranges.sort()
            for (_start, end), (next_start, _end) in zip(ranges, ranges[1:], strict=False):
                if next_start < end:
                    raise ValidationError(
                        gettext("Deux créneaux de l'agent %(group)s se chevauchent (%(time)s).")
                        % {"group": group, "time": next_start.strftime("%H:%M")}
                    )


class DaySlotInline(admin.TabularInline):
    model = DaySlot
    formset = DaySlotFormSet
    extra = 0


class InterviewStepInline(admin.TabularInline):
    model = InterviewStep
    extra = 0


def _copy_action(copy, model, description):
    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        if queryset.count() != 1:
            modeladmin.message_user(
                request, gettext("Sélectionnez une seule version à copier."), messages.ERROR
            )
            return None
        valid_from = services.next_free_date(model, timezone.localdate())
        created = copy(source=queryset.get(), valid_from=valid_from)
        modeladmin.message_user(
            request,
            gettext("Nouvelle version créée au %(date)s : ajustez-la puis enregistrez.")
            % {"date": valid_from.strftime("%d/%m/%Y")},
            messages.SUCCESS,
        )
        opts = model._meta
        return redirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[created.pk])
        )

    action.__name__ = f"copy_{model._meta.model_name}"
    return action


@admin.register(PlatformRuleSet)
class PlatformRuleSetAdmin(SimpleHistoryAdmin):
    list_display = [
        "valid_from",
        "phone_share",
        "email_share",
        "calls_per_hour",
        "emails_per_hour",
        "opening",
        "closing",
        "phone_hours_per_day",
    ]
    inlines = [DaySlotInline, InterviewStepInline]
    actions = [
        _copy_action(
            services.platform_rules_copy,
            PlatformRuleSet,
            _("Préparer une nouvelle version à partir de celle-ci"),
        )
    ]
    fieldsets = [
        (None, {"fields": ["valid_from", "comment"]}),
        (
            _("Activités et normes (note §B)"),
            {"fields": ["phone_share", "email_share", "calls_per_hour", "emails_per_hour"]},
        ),
        (
            _("Amplitude et journée type (note §F)"),
            {
                "fields": [
                    "opening",
                    "closing",
                    "phone_hours_per_day",
                    "lunch_earliest",
                    "lunch_latest_end",
                ]
            },
        ),
        (_("Capacité"), {"fields": ["note_target_years"]}),
        (
            _("Formation et supervision (note §E)"),
            {
                "fields": [
                    "training_months",
                    "training_week_of_month",
                    "training_weekday",
                    "training_start",
                    "training_end",
                    "supervisions_per_semester",
                    "supervise_all_missions_yearly",
                ]
            },
        ),
    ]


@admin.register(IndicatorParameterSet)
class IndicatorParameterSetAdmin(SimpleHistoryAdmin):
    list_display = [
        "valid_from",
        "short_abandon_s",
        "repeat_window_days",
        "repeat_unit",
        "service_level_threshold_s",
        "email_deadline_hours",
        "complaint_deadline_days",
        "deadline_clock",
    ]


class MotifInline(admin.TabularInline):
    model = Motif
    extra = 0
    fields = ["position", "parcours", "code", "label", "rule_fi", "rule_confirme", "keywords"]


@admin.register(RoutingMatrix)
class RoutingMatrixAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "comment"]
    inlines = [MotifInline]
    actions = [
        _copy_action(
            services.routing_matrix_copy,
            RoutingMatrix,
            _("Préparer une nouvelle version à partir de celle-ci"),
        )
    ]


@admin.register(Motif)
class MotifAdmin(SimpleHistoryAdmin):
    """Rows one by one: where the history of each motif's changes is read."""

    list_display = ["label", "parcours", "code", "rule_fi", "rule_confirme", "matrix"]
    list_filter = ["matrix", "parcours", "rule_fi", "rule_confirme"]
    search_fields = ["label", "code", "keywords"]


class CatalogueMotifInline(admin.TabularInline):
    model = CatalogueMotif
    extra = 0
    fields = ["position", "theme", "code", "label", "keywords"]


class ProcedureInline(admin.TabularInline):
    model = Procedure
    extra = 0
    fields = ["kind", "label", "keywords"]


@admin.register(MotifCatalogue)
class MotifCatalogueAdmin(SimpleHistoryAdmin):
    """The usual level-1 motifs beside the note's table, versioned like the matrix."""

    list_display = ["valid_from", "comment"]
    inlines = [CatalogueMotifInline, ProcedureInline]
    actions = [
        _copy_action(
            services.motif_catalogue_copy,
            MotifCatalogue,
            _("Préparer une nouvelle version à partir de celle-ci"),
        )
    ]


@admin.register(CatalogueMotif)
class CatalogueMotifAdmin(SimpleHistoryAdmin):
    """Level-1 motifs one by one: where the history of each one's changes is read."""

    list_display = ["label", "theme", "code", "catalogue"]
    list_filter = ["catalogue", "theme"]
    search_fields = ["label", "code", "keywords"]


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
    list_display = ["label", "kind", "catalogue"]
    list_filter = ["catalogue", "kind"]
    search_fields = ["label", "keywords"]

"""Reads of the referential, returned as the engine's plain parameter objects.

A date before the first version gets the first version (the referential has no older history);
an empty table gets the engine's defaults, which are the note's values.
"""

import datetime as dt
from functools import lru_cache
from itertools import pairwise

from django.utils import timezone

from pfspilot.engine import parameters, routing

from .models import (
    CogTarget,
    IndicatorParameterSet,
    MotifCatalogue,
    PlatformRuleSet,
    RoutingMatrix,
    keyword_tuple,
)


def _in_force(queryset, on: dt.date | None):
    """The version with the latest `valid_from` on or before `on` (else the earliest one)."""
    on = on or timezone.localdate()
    version = queryset.filter(valid_from__lte=on).order_by("-valid_from").first()
    return version or queryset.order_by("valid_from").first()


def _fraction(percent) -> float:
    return float(percent) / 100


def cog_targets(year: int) -> parameters.CogTargets:
    """Targets of `year`; a year without its own row uses the latest earlier year (else the first).

    The returned `year` is the year whose targets were found.
    """
    row = CogTarget.objects.filter(year__lte=year).order_by("-year").first()
    row = row or CogTarget.objects.order_by("year").first()
    if row is None:
        return parameters.CogTargets(year=year)
    return parameters.CogTargets(
        year=row.year,
        pickup_rate=_fraction(row.pickup_rate),
        repeat_rate_max=_fraction(row.repeat_rate_max),
        phone_satisfaction=_fraction(row.phone_satisfaction),
        email_within_deadline=_fraction(row.email_within_deadline),
        complaint_within_deadline=_fraction(row.complaint_within_deadline),
        email_satisfaction=_fraction(row.email_satisfaction),
        calls_per_fte=row.calls_per_fte,
        emails_per_fte=row.emails_per_fte,
    )


def platform_rule_set(on: dt.date | None = None) -> PlatformRuleSet | None:
    return _in_force(PlatformRuleSet.objects.all(), on)


def platform_rules(on: dt.date | None = None) -> parameters.PlatformRules:
    rules = platform_rule_set(on)
    if rules is None:
        return parameters.PlatformRules()
    template: dict[str, list[parameters.DaySlot]] = {}
    for slot in rules.day_slots.order_by("lunch_group", "start"):
        template.setdefault(slot.lunch_group, []).append(
            parameters.DaySlot(slot.start, slot.end, slot.activity)
        )
    return parameters.PlatformRules(
        phone_share=_fraction(rules.phone_share),
        email_share=_fraction(rules.email_share),
        calls_per_hour=float(rules.calls_per_hour),
        emails_per_hour=float(rules.emails_per_hour),
        opening=rules.opening,
        closing=rules.closing,
        phone_hours_per_day=float(rules.phone_hours_per_day),
        training_months=rules.training_month_list(),
        supervisions_per_semester=rules.supervisions_per_semester,
        day_template={group: tuple(slots) for group, slots in template.items()},
        training_week_of_month=rules.training_week_of_month,
        training_weekday=rules.training_weekday,
        supervise_all_missions_yearly=rules.supervise_all_missions_yearly,
        training_hours=(rules.training_start, rules.training_end),
        lunch_earliest=rules.lunch_earliest,
        lunch_latest_end=rules.lunch_latest_end,
        note_target_years=rules.note_target_year_list(),
        valid_from=rules.valid_from,
    )


def interview_steps(on: dt.date | None = None) -> tuple[str, ...]:
    """The steps of the phone interview (note §B.1), in order."""
    rules = platform_rule_set(on)
    if rules is None:
        return ()
    return tuple(rules.interview_steps.order_by("position").values_list("label", flat=True))


def indicator_params(on: dt.date | None = None) -> parameters.IndicatorParams:
    params = _in_force(IndicatorParameterSet.objects.all(), on)
    if params is None:
        return parameters.IndicatorParams()
    return parameters.IndicatorParams(
        short_abandon_s=float(params.short_abandon_s),
        repeat_window_days=float(params.repeat_window_days),
        repeat_unit=params.repeat_unit,
        service_level_threshold_s=float(params.service_level_threshold_s),
        email_deadline_hours=float(params.email_deadline_hours),
        complaint_deadline_days=float(params.complaint_deadline_days),
        deadline_clock=params.deadline_clock,
        risk_points=float(params.risk_points) / 100,
        risk_share=_fraction(params.risk_share),
    )


def routing_matrix_version(on: dt.date | None = None) -> RoutingMatrix | None:
    return _in_force(RoutingMatrix.objects.all(), on)


def routing_matrix(on: dt.date | None = None) -> list[routing.RoutingRow]:
    """Rows of the matrix in force on `on`, in table order (empty if no matrix exists)."""
    matrix = routing_matrix_version(on)
    if matrix is None:
        return []
    fields = ("code", "label", "parcours", "rule_fi", "rule_confirme", "keywords", "position")
    return [
        _row(
            code=code,
            label=label,
            journey=parcours,
            rule_fi=rule_fi,
            rule_confirme=rule_confirme,
            keywords=keyword_tuple(keywords),
            position=position,
        )
        for code, label, parcours, rule_fi, rule_confirme, keywords, position in (
            matrix.motifs.order_by("position", "id").values_list(*fields)
        )
    ]


# A guide row is immutable and costly to build (normalised words, phrases): the same content
# gives the same shared row. Keyed by every field, so an edited motif builds a new row: the
# rows read always follow the database (the call's API and the guide read them per request).
_row = lru_cache(maxsize=4096)(routing.RoutingRow)


def motif_catalogue_version(on: dt.date | None = None) -> MotifCatalogue | None:
    return _in_force(MotifCatalogue.objects.all(), on)


def guide_rows(on: dt.date | None = None) -> list[routing.RoutingRow]:
    """Everything the call guide searches on `on`: the table's rows (table order), then the
    level-1 catalogue (kind ``catalogue``, rule ``traiter``), then the procedures of note §C/§D.

    The table comes first so that a label shared with the catalogue resolves to the table.
    """
    rows = routing_matrix(on)
    catalogue = motif_catalogue_version(on)
    if catalogue is None:
        return rows
    for m in catalogue.motifs.order_by("position", "id"):
        rows.append(
            _row(
                code=m.code,
                label=m.label,
                journey=m.theme,
                rule_fi=routing.LEVEL1,
                rule_confirme=routing.LEVEL1,
                keywords=m.keyword_list(),
                position=m.position,
                kind=routing.CATALOGUE,
            )
        )
    for p in catalogue.procedures.order_by("kind", "id"):
        rows.append(
            _row(
                code=p.kind.upper(),
                label=p.label,
                journey=str(p.get_kind_display()),
                rule_fi=p.kind,
                rule_confirme=p.kind,
                keywords=p.keyword_list(),
                kind=routing.PROCEDURE,
            )
        )
    return rows


def reference_parameters(
    on: dt.date,
) -> tuple[parameters.CogTargets, parameters.IndicatorParams, parameters.PlatformRules]:
    """(COG targets of `on`'s year, indicator parameters, platform rules) in force on `on`."""
    return cog_targets(on.year), indicator_params(on), platform_rules(on)


def parameters_in_force(start: dt.date, end: dt.date) -> list[parameters.ParametersInForce]:
    """[start, end] cut where a version of the indicator parameters or platform rules begins.

    Days follow each other without gap; each stretch carries the versions in force on its days
    (a day before the first version gets the first version, as `_in_force` does).
    """
    starts = {
        day
        for model in (IndicatorParameterSet, PlatformRuleSet)
        for day in model.objects.filter(valid_from__gt=start, valid_from__lte=end).values_list(
            "valid_from", flat=True
        )
    }
    bounds = [start, *sorted(starts), end + dt.timedelta(days=1)]
    return [
        parameters.ParametersInForce(
            first, after - dt.timedelta(days=1), indicator_params(first), platform_rules(first)
        )
        for first, after in pairwise(bounds)
    ]

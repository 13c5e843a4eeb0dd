"""Writes on the referential: preparing a new version from the one in force."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import MotifCatalogue, PlatformRuleSet, RoutingMatrix


def _check_free_date(model, valid_from: dt.date) -> None:
    if model.objects.filter(valid_from=valid_from).exists():
        raise ValidationError(
            {
                "valid_from": _("Une version existe déjà au %(date)s.")
                % {"date": valid_from.strftime("%d/%m/%Y")}
            }
        )


def _copy_comment(source_date: dt.date) -> str:
    return _("Copie de la version du %(date)s.") % {"date": source_date.strftime("%d/%m/%Y")}


@transaction.atomic
def routing_matrix_copy(
    *, source: RoutingMatrix, valid_from: dt.date, comment: str = ""
) -> RoutingMatrix:
    """A new matrix version from `valid_from`, starting with a copy of `source`'s motifs."""
    _check_free_date(RoutingMatrix, valid_from)
    matrix = RoutingMatrix.objects.create(
        valid_from=valid_from,
        comment=comment or _copy_comment(source.valid_from),
    )
    for motif in source.motifs.order_by("position", "id"):
        motif.pk = None
        motif.matrix = matrix
        motif.save()  # one by one, so each row gets its history entry
    return matrix


@transaction.atomic
def motif_catalogue_copy(
    *, source: MotifCatalogue, valid_from: dt.date, comment: str = ""
) -> MotifCatalogue:
    """A new catalogue version from `valid_from`, starting with `source`'s motifs and procedures."""
    _check_free_date(MotifCatalogue, valid_from)
    catalogue = MotifCatalogue.objects.create(
        valid_from=valid_from,
        comment=comment or _copy_comment(source.valid_from),
    )
    for row in list(source.motifs.order_by("position", "id")) + list(source.procedures.all()):
        row.pk = None
        row._state.adding = True
        row.catalogue = catalogue
        row.save()  # one by one, so each row gets its history entry
    return catalogue


@transaction.atomic
def platform_rules_copy(
    *, source: PlatformRuleSet, valid_from: dt.date, comment: str = ""
) -> PlatformRuleSet:
    """A new platform-rules version from `valid_from`, with `source`'s slots and steps."""
    _check_free_date(PlatformRuleSet, valid_from)
    slots = list(source.day_slots.all())
    steps = list(source.interview_steps.all())
    source_date = source.valid_from
    rules = PlatformRuleSet.objects.get(pk=source.pk)
    rules.pk = None
    rules._state.adding = True
    rules.valid_from = valid_from
    rules.comment = comment or _copy_comment(source_date)
    rules.save()
    for row in slots + steps:
        row.pk = None
        row.rule_set = rules
        row.save()
    return rules


def next_free_date(model, today: dt.date) -> dt.date:
    """Tomorrow, or the day after the latest version if that is later."""
    latest = model.objects.order_by("-valid_from").values_list("valid_from", flat=True).first()
    candidate = today + dt.timedelta(days=1)
    if latest is not None and latest >= candidate:
        candidate = latest + dt.timedelta(days=1)
    return candidate

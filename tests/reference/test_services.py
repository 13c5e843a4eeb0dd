"""Preparing a new version of the referential from the one in force."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pfspilot.reference.models import Motif, PlatformRuleSet, RoutingMatrix
from pfspilot.reference.services import (
    next_free_date,
    platform_rules_copy,
    routing_matrix_copy,
)


def test_it_copies_every_motif_into_a_new_matrix_with_history(db):
    seeded = RoutingMatrix.objects.get()
    newer = routing_matrix_copy(source=seeded, valid_from=dt.date(2027, 1, 1))
    assert newer.comment == "Copie de la version du 01/01/2023."
    assert list(newer.motifs.values_list("code", "rule_fi", "rule_confirme")) == list(
        seeded.motifs.values_list("code", "rule_fi", "rule_confirme")
    )
    assert seeded.motifs.count() == 29
    assert Motif.history.filter(matrix_id=newer.pk, history_type="+").count() == 29


def test_it_copies_the_platform_rules_with_slots_and_steps(db):
    seeded = PlatformRuleSet.objects.get()
    newer = platform_rules_copy(source=seeded, valid_from=dt.date(2027, 1, 1))
    assert newer.pk != seeded.pk
    assert (newer.day_slots.count(), newer.interview_steps.count()) == (10, 9)
    assert (seeded.day_slots.count(), seeded.interview_steps.count()) == (10, 9)
    assert newer.comment == "Copie de la version du 01/07/2024."
    assert PlatformRuleSet.objects.get(pk=seeded.pk).valid_from == dt.date(2024, 7, 1)


def test_it_refuses_a_date_already_taken(db):
    seeded = RoutingMatrix.objects.get()
    with pytest.raises(ValidationError) as error:
        routing_matrix_copy(source=seeded, valid_from=dt.date(2023, 1, 1))
    assert error.value.message_dict == {"valid_from": ["Une version existe déjà au 01/01/2023."]}
    assert RoutingMatrix.objects.count() == 1


def test_it_proposes_the_day_after_the_latest_version(db):
    assert next_free_date(RoutingMatrix, dt.date(2026, 11, 28)) == dt.date(2026, 11, 29)
    RoutingMatrix.objects.create(valid_from=dt.date(2027, 3, 1))
    assert next_free_date(RoutingMatrix, dt.date(2026, 11, 28)) == dt.date(2027, 3, 2)

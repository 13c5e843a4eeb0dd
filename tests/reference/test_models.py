"""Out-of-range reference values are refused with a French message on the field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pfspilot.reference.models import (
    CogTarget,
    DaySlot,
    IndicatorParameterSet,
    Motif,
    PlatformRuleSet,
    RoutingMatrix,
)


def errors_of(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def cog(**changes):
    values = dict(
        year=2028,
        pickup_rate=Decimal(87),
        repeat_rate_max=Decimal(21),
        phone_satisfaction=Decimal(83),
        email_within_deadline=Decimal(80),
        complaint_within_deadline=Decimal(82),
        email_satisfaction=Decimal(86),
        calls_per_fte=7600,
        emails_per_fte=1700,
    )
    return CogTarget(**{**values, **changes})


def rules(**changes):
    values = dict(
        valid_from=dt.date(2027, 1, 1),
        phone_share=Decimal(85),
        email_share=Decimal(15),
        calls_per_hour=Decimal(10),
        emails_per_hour=Decimal(10),
        opening=dt.time(9, 0),
        closing=dt.time(16, 30),
        phone_hours_per_day=Decimal(6),
        training_months="3,5,6,9,10,11",
        supervisions_per_semester=1,
    )
    return PlatformRuleSet(**{**values, **changes})


def test_it_accepts_the_note_values(db):
    cog().full_clean()
    rules().full_clean()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("pickup_rate", Decimal("100.01"), "Un pourcentage ne peut pas dépasser 100 %."),
        ("repeat_rate_max", Decimal("-1"), "Un pourcentage ne peut pas être négatif."),
        ("email_satisfaction", Decimal("250"), "Un pourcentage ne peut pas dépasser 100 %."),
        ("calls_per_fte", 0, "La cible doit être d'au moins 1 appel."),
        ("year", 1999, "Année invalide (2000 au plus tôt)."),
    ],
)
def test_it_refuses_an_out_of_range_cog_target(db, field, value, message):
    assert errors_of(cog(**{field: value}))[field] == [message]


def test_it_refuses_a_second_target_for_the_same_year(db):
    assert "year" in errors_of(cog(year=2026))


@pytest.mark.parametrize(
    "changes,field,message",
    [
        (
            {"calls_per_hour": Decimal(-10)},
            "calls_per_hour",
            "La valeur doit être strictement positive.",
        ),
        (
            {"emails_per_hour": Decimal(0)},
            "emails_per_hour",
            "La valeur doit être strictement positive.",
        ),
        (
            {"phone_hours_per_day": Decimal(-6)},
            "phone_hours_per_day",
            "La valeur doit être strictement positive.",
        ),
        (
            {"phone_hours_per_day": Decimal(25)},
            "phone_hours_per_day",
            "Une journée ne compte pas plus de 24 heures.",
        ),
        (
            {"closing": dt.time(8, 0)},
            "closing",
            "La fermeture doit être postérieure à l'ouverture.",
        ),
        (
            {"closing": dt.time(9, 0)},
            "closing",
            "La fermeture doit être postérieure à l'ouverture.",
        ),
        (
            {"phone_share": Decimal(101), "email_share": Decimal(-1)},
            "phone_share",
            "Un pourcentage ne peut pas dépasser 100 %.",
        ),
        (
            {"email_share": Decimal(20)},
            "email_share",
            "Les parts téléphonie et courriels doivent totaliser 100 % (ici 105 %).",
        ),
        (
            {"training_months": "3,13"},
            "training_months",
            "Indiquez des numéros de mois entre 1 et 12 séparés par des virgules (ex. 3,5,6).",
        ),
        (
            {"training_months": "mars"},
            "training_months",
            "Indiquez des numéros de mois entre 1 et 12 séparés par des virgules (ex. 3,5,6).",
        ),
        ({"training_months": "3,3"}, "training_months", "Un mois est indiqué deux fois."),
        (
            {"supervisions_per_semester": 0},
            "supervisions_per_semester",
            "Au moins une supervision par semestre.",
        ),
    ],
)
def test_it_refuses_bad_platform_rules(db, changes, field, message):
    assert errors_of(rules(**changes))[field] == [message]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("short_abandon_s", Decimal(-1), "La valeur ne peut pas être négative."),
        ("repeat_window_days", Decimal(0), "La valeur doit être strictement positive."),
        ("email_deadline_hours", Decimal(-48), "La valeur doit être strictement positive."),
        ("complaint_deadline_days", Decimal(-10), "La valeur doit être strictement positive."),
    ],
)
def test_it_refuses_bad_indicator_parameters(db, field, value, message):
    params = IndicatorParameterSet(
        valid_from=dt.date(2027, 1, 1),
        short_abandon_s=0,
        repeat_window_days=7,
        repeat_unit="calls",
        service_level_threshold_s=20,
        email_deadline_hours=48,
        complaint_deadline_days=10,
        deadline_clock="calendar",
    )
    setattr(params, field, value)
    assert errors_of(params)[field] == [message]


def test_it_refuses_a_day_slot_ending_before_it_starts(db):
    slot = DaySlot(
        rule_set=PlatformRuleSet.objects.get(),
        lunch_group="A",
        start=dt.time(12, 45),
        end=dt.time(11, 45),
        activity="lunch",
    )
    assert errors_of(slot)["end"] == ["La fin du créneau doit suivre son début."]


def test_it_trims_a_motif_label_and_refuses_an_empty_one(db):
    matrix = RoutingMatrix.objects.get()
    motif = Motif(
        matrix=matrix,
        position=30,
        parcours=" Autres ",
        code="NOUVEAU",
        label="  Le nouveau  ",
        rule_fi="traiter",
        rule_confirme="traiter",
    )
    motif.full_clean()
    assert (motif.label, motif.parcours) == ("Le nouveau", "Autres")
    motif.label = "   "
    assert errors_of(motif)["label"] == ["Le libellé est obligatoire."]


def test_it_refuses_an_unknown_rule_and_a_duplicate_code(db):
    matrix = RoutingMatrix.objects.get()
    motif = Motif(
        matrix=matrix,
        position=30,
        parcours="Autres",
        code="CMG",
        label="Le CMG bis",
        rule_fi="peut-etre",
        rule_confirme="traiter",
    )
    errors = errors_of(motif)
    assert "rule_fi" in errors
    assert errors["__all__"] == ["Un objet Motif avec ces champs Matrice et Code existe déjà."]

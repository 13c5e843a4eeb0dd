"""Seeds the desk's reference data. The note gives no delay for callbacks, urgencies or
incivility follow-ups and no retention period: these are the platform's starting choices,
editable (and historised) in the administration."""

import datetime as dt
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

SOURCE = "Données initiales du poste (choix de la plateforme, la note ne les fixe pas)"

RULES = {
    "valid_from": dt.date(2024, 7, 1),
    # Deferred callbacks: two working days; PIRA and appointments follow the same default.
    "request_delay": Decimal("2"),
    "request_unit": "days",
    "request_clock": "business",
    "max_attempts": 3,
    # « Une urgence = un engagement » (§C): handled within the working day that follows.
    "urgency_delay": Decimal("1"),
    "urgency_unit": "days",
    "urgency_clock": "business",
    "follow_up_days": 5,
    # Personal details of call records kept one year, then erased by `pfspilot purge --apply`.
    "retention_days": 365,
    "comment": SOURCE,
}

# Bereavement (§B.1: PIRA and an appointment offered) is called back within one working day.
DELAYS = [
    ("DECES-ARRIVEE", Decimal("1"), "days", "business", "Familles endeuillées"),
    ("DECES-ENDEUILLES", Decimal("1"), "days", "business", "Familles endeuillées"),
]

LISTS = {
    "service": [
        ("prestations", "Gestion des prestations"),
        ("logement", "Aides au logement"),
        ("recouvrement", "Recouvrement et contentieux"),
        ("action-sociale", "Action sociale (travailleurs sociaux)"),
        ("controle", "Contrôle"),
        ("accueil", "Accueil physique"),
        ("direction", "Direction"),
    ],
    "document": [
        ("attestation-paiement", "Attestation de paiement"),
        ("attestation-qf", "Attestation de quotient familial"),
        ("attestation-droits", "Attestation de droits"),
        ("courrier-pieces", "Courrier de demande de pièces"),
        ("formulaire", "Envoi d'un formulaire"),
    ],
    "incivility": [
        ("propos-agressifs", "Propos agressifs"),
        ("insultes", "Insultes"),
        ("menaces", "Menaces"),
        ("discrimination", "Propos discriminatoires"),
        ("appels-malveillants", "Appels répétés malveillants"),
    ],
}


def _history(apps, model_name, obj):
    historical = apps.get_model("desk", f"Historical{model_name}")
    fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.fields}
    historical.objects.create(
        **fields,
        history_date=timezone.now(),
        history_type="+",
        history_change_reason=SOURCE,
    )


def seed(apps, schema_editor):
    DeskRuleSet = apps.get_model("desk", "DeskRuleSet")
    MotifDelay = apps.get_model("desk", "MotifDelay")
    DeskList = apps.get_model("desk", "DeskList")
    rules = DeskRuleSet.objects.create(**RULES)
    _history(apps, "DeskRuleSet", rules)
    for code, amount, unit, clock, expertise in DELAYS:
        delay = MotifDelay.objects.create(
            rule_set=rules, motif_code=code, amount=amount, unit=unit, clock=clock,
            expertise=expertise,
        )
        _history(apps, "MotifDelay", delay)
    for kind, items in LISTS.items():
        for position, (code, label) in enumerate(items, start=1):
            item = DeskList.objects.create(kind=kind, code=code, label=label, position=position)
            _history(apps, "DeskList", item)


def unseed(apps, schema_editor):
    for name in ("MotifDelay", "DeskRuleSet", "DeskList"):
        apps.get_model("desk", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_desk_initial")]

    operations = [migrations.RunPython(seed, unseed)]

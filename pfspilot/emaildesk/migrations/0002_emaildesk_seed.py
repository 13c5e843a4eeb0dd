"""Seeds the email desk's reference data: intake rules of the kind, a few response templates of
level-1 motifs and complaints, and the caf.fr promotion block. Starting choices of the
platform, editable (and historised) by supervisors and managers."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

SOURCE = "Données initiales des courriels (choix de la plateforme)"

RULES = [
    (10, "mailbox", "reclamation", "reclamation"),
    (20, "subject", "réclamation", "reclamation"),
    (30, "subject", "reclamation", "reclamation"),
    (40, "subject", "contestation", "reclamation"),
    (50, "subject", "recours", "reclamation"),
    (60, "address", "mediateur", "reclamation"),
]

SIGNATURE = "\n\nNous restons à votre disposition.\n\n{agent}\nPlateforme de service de la Caf du Nord"

TEMPLATES = [
    (
        "attestation-paiement",
        "Attestation de paiement",
        "Attestations",
        "niveau1",
        "Votre attestation de paiement",
        "Bonjour {nom},\n\nVous nous avez écrit le {date_reception} au sujet d'une attestation "
        "de paiement (dossier {numero_allocataire}). Vous pouvez la télécharger à tout moment "
        "dans votre espace Mon Compte : {lien_mon_compte}, rubrique « Mes attestations »."
        + SIGNATURE,
    ),
    (
        "changement-situation",
        "Déclarer un changement de situation",
        "Changement de situation",
        "niveau1",
        "Votre changement de situation",
        "Bonjour {nom},\n\nPour déclarer votre changement de situation, rendez-vous dans Mon "
        "Compte ({lien_mon_compte}), rubrique « Déclarer un changement ». Votre dossier "
        "{numero_allocataire} sera mis à jour dès réception."
        + SIGNATURE,
    ),
    (
        "simulation-droits",
        "Estimer ses droits",
        "Simulation des droits",
        "niveau1",
        "Estimer vos droits",
        "Bonjour {nom},\n\nVous pouvez estimer vos droits avec les simulateurs de caf.fr : "
        "{lien_simulateurs}."
        + SIGNATURE,
    ),
    (
        "reclamation-accuse",
        "Accusé de réception d'une réclamation",
        "Réclamation",
        "reclamation",
        "Votre réclamation du {date_reception}",
        "Bonjour {nom},\n\nNous avons bien reçu votre réclamation du {date_reception} concernant "
        "le dossier {numero_allocataire}. Elle est étudiée par nos services ; une réponse vous "
        "sera apportée au plus tard le {echeance}."
        + SIGNATURE,
    ),
]

PROMOTION = (
    "Gagnez du temps : sur caf.fr ({lien_caf}) et l'appli Caf - Mon Compte, consultez vos "
    "paiements, téléchargez vos attestations et déclarez vos changements de situation 24 h/24, "
    "7 j/7 ({lien_demarches})."
)


def seed(apps, schema_editor):
    KindRule = apps.get_model("emaildesk", "KindRule")
    ResponseTemplate = apps.get_model("emaildesk", "ResponseTemplate")
    PromotionBlock = apps.get_model("emaildesk", "PromotionBlock")
    for position, field, pattern, kind in RULES:
        KindRule.objects.get_or_create(
            field=field, pattern=pattern, defaults={"position": position, "kind": kind}
        )
    for code, label, motif, kind, subject, body in TEMPLATES:
        ResponseTemplate.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "motif": motif,
                "kind": kind,
                "subject": subject,
                "body": body,
                "include_promotion": True,
            },
        )
    PromotionBlock.objects.get_or_create(valid_from=dt.date(2024, 1, 1), defaults={"text": PROMOTION})
    # The first version of each row in its history (what an answer records as its version).
    for name in ("KindRule", "ResponseTemplate", "PromotionBlock"):
        model = apps.get_model("emaildesk", name)
        historical = apps.get_model("emaildesk", f"Historical{name}")
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.all():
            if historical.objects.filter(id=row.pk).exists():
                continue
            historical.objects.create(
                **{f: getattr(row, f) for f in fields},
                history_date=timezone.now(),
                history_type="+",
                history_change_reason=SOURCE,
            )


class Migration(migrations.Migration):
    dependencies = [("emaildesk", "0001_emaildesk_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

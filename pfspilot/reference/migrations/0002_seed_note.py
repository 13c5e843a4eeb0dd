"""Seeds the referential with the reference note's figures and table, written out literally.

Source: note de référence PFS NPDC (../shared/seed/note-de-reference-pfs-npdc.txt) and the
indicator defaults of domain.md. Each seeded row also gets its "created" history entry so the
audit trail starts with the note.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

SOURCE = "Données initiales : note de référence PFS NPDC"

COG_TARGETS = [
    # Note §A gives 2026 rates only; 2027 keeps them until the COG sets new ones.
    {
        "year": 2026,
        "pickup_rate": Decimal("87"),
        "repeat_rate_max": Decimal("21"),
        "phone_satisfaction": Decimal("83"),
        "email_within_deadline": Decimal("80"),
        "complaint_within_deadline": Decimal("82"),
        "email_satisfaction": Decimal("86"),
        "calls_per_fte": 7600,
        "emails_per_fte": 1700,
        "comment": "Note §A (cibles 2026) et « Précisions » (7 600 appels + 1 700 courriels "
        "par ETP financé).",
    },
    {
        "year": 2027,
        "pickup_rate": Decimal("87"),
        "repeat_rate_max": Decimal("21"),
        "phone_satisfaction": Decimal("83"),
        "email_within_deadline": Decimal("80"),
        "complaint_within_deadline": Decimal("82"),
        "email_satisfaction": Decimal("86"),
        "calls_per_fte": 8000,
        "emails_per_fte": 2000,
        "comment": "Volumes : « Précisions » de la note (8 000 appels + 2 000 courriels par ETP "
        "financé). Taux : la note ne donne que ceux de 2026, reconduits en 2027 ; à mettre à "
        "jour dès que la COG fixe les cibles 2027.",
    },
]

PLATFORM_RULES = {
    "valid_from": dt.date(2024, 7, 1),  # note §F: opening hours harmonised since 1 July 2024
    "phone_share": Decimal("85"),
    "email_share": Decimal("15"),
    "calls_per_hour": Decimal("10"),
    "emails_per_hour": Decimal("10"),
    "opening": dt.time(9, 0),
    "closing": dt.time(16, 30),
    "phone_hours_per_day": Decimal("6"),
    "training_months": "3,5,6,9,10,11",
    "training_week_of_month": 3,
    "training_weekday": 3,
    "supervisions_per_semester": 1,
    "supervise_all_missions_yearly": True,
    "comment": "Note §B (répartition 85/15, 10 appels/h, 10 courriels/h), §E (supervision, "
    "formation les 3e jeudis de mars, mai, juin, septembre, octobre, novembre) et §F (amplitude "
    "9h–16h30 depuis le 1er juillet 2024, journée type, 6 h de téléphonie). La note dit "
    "« avant 8h50 » et « après 16h30 » sans borne : 8h00 et 17h00 sont retenus pour les "
    "créneaux de courriels.",
}

# Note §F, per lunch group: (start, end, activity).
DAY_SLOTS = {
    "A": [
        (dt.time(8, 0), dt.time(8, 50), "email"),
        (dt.time(8, 50), dt.time(11, 45), "phone"),
        (dt.time(11, 45), dt.time(12, 45), "lunch"),
        (dt.time(12, 45), dt.time(16, 30), "phone"),
        (dt.time(16, 30), dt.time(17, 0), "email"),
    ],
    "B": [
        (dt.time(8, 0), dt.time(8, 50), "email"),
        (dt.time(8, 50), dt.time(12, 45), "phone"),
        (dt.time(12, 45), dt.time(13, 45), "lunch"),
        (dt.time(13, 45), dt.time(16, 30), "phone"),
        (dt.time(16, 30), dt.time(17, 0), "email"),
    ],
}

# Note §B.1, « L'entretien se décline comme suit », in order.
INTERVIEW_STEPS = [
    "La levée de l’anonymat",
    "La vérification de l’identité et des coordonnées",
    "La mise à jour des éléments de contact : numéro de téléphone - adresse mail",
    "Le respect du secret professionnel",
    "La promotion des offres de service de la branche",
    "Une information générale sur les prestations ou sur le dossier",
    "La réalisation d'une Prise d’Informations en Relation avec l’Allocataire (PIRA) visant la "
    "régularisation d'un dossier",
    "L’envoi de courrier et attestation",
    "La réalisation d'une demande de rappel / rendez-vous téléphonique pour une expertise de "
    "second niveau.",
]

INDICATOR_PARAMETERS = {
    # Domain.md defaults, from the start of the COG 2023-2027.
    "valid_from": dt.date(2023, 1, 1),
    "short_abandon_s": Decimal("0"),
    "repeat_window_days": Decimal("7"),
    "repeat_unit": "calls",
    "service_level_threshold_s": Decimal("20"),
    "email_deadline_hours": Decimal("48"),
    "complaint_deadline_days": Decimal("10"),
    "deadline_clock": "calendar",
    "comment": "Valeurs par défaut de domain.md : définitions CNAF non publiques, à aligner.",
}

V = "rappel_differe"
BLANK = "traiter"
FILE = "rappel_si_dossier"
PIRA = "pira_rdv"
TRANSFER = "transfert_superviseur"

ARRIVAL = "PARCOURS ARRIVEE DE L'ENFANT"
BEREAVED = "PARCOURS ACCOMPAGNEMENT DES FAMILES ENDEUILLEES"
SEPARATION = "PARCOURS SEPARATIONS"
RESIDENCE = "Titres de séjour - ADI"
DISABILITY = "LE HANDICAP"
HOUSING = "LE LOGEMENT"
THIRD_PARTIES = "LES TIERS"
DEBTS = "DETTES et RECOUVREMENT"
OTHERS = "Autres"

BEREAVEMENT_KEYWORDS = "décès, deuil, mort, veuf, veuve, orphelin, endeuillé"
RESIDENCE_KEYWORDS = "titre de séjour, séjour, étranger, préfecture"

# The note's table "Liste des appels relevant de situations particulières ou complexes
# nécessitant un traitement différé", in order:
# (parcours, code, label as written, Formation initiale, CDI Confirmé, search keywords).
MOTIFS = [
    (ARRIVAL, "CMG", "Le CMG", V, BLANK,
     "CMG, complément de libre choix du mode de garde, garde, assistante maternelle, crèche, "
     "Pajemploi"),
    (ARRIVAL, "DECES-ARRIVEE", "Le décès d'un membre du foyer", PIRA, PIRA,
     BEREAVEMENT_KEYWORDS),
    (ARRIVAL, "CUMUL-CMG", "Le cumul CMG", V, V,
     "CMG, cumul, complément de libre choix du mode de garde"),
    (ARRIVAL, "PREPARE", "La PREPARE", V, BLANK,
     "PreParE, prestation partagée d'éducation de l'enfant, congé parental"),
    (ARRIVAL, "PREPARE-ADOPTION", "La PREPARE : Adoption - Ass Mat - ETI", V, V,
     "PreParE, adoption, assistante maternelle, ETI, travailleur indépendant"),
    (BEREAVED, "DECES-ENDEUILLES", "Le décès d'un membre du foyer", PIRA, PIRA,
     BEREAVEMENT_KEYWORDS),
    (SEPARATION, "RESIDENCE-ALTERNEE", "La résidence alternée", V, BLANK,
     "garde alternée, séparation, divorce, partage des allocations"),
    (SEPARATION, "ASF", "L'ASF", V, BLANK,
     "ASF, allocation de soutien familial, parent isolé, pension alimentaire"),
    (SEPARATION, "ARIPA", "L'ARIPA", FILE, FILE,
     "ARIPA, pension alimentaire, intermédiation financière, impayé de pension"),
    (RESIDENCE, "TITRES-SEJOUR", "La validation des titres de séjour", V, V,
     RESIDENCE_KEYWORDS),
    (RESIDENCE, "DROIT-SEJOUR", "Le droit au séjour", V, V, RESIDENCE_KEYWORDS),
    (RESIDENCE, "ADI", "ADI", V, V, "ADI, " + RESIDENCE_KEYWORDS),
    (DISABILITY, "AJPP", "L'AJPP", FILE, FILE,
     "AJPP, allocation journalière de présence parentale, enfant malade"),
    (DISABILITY, "AJPA", "L'AJPA", FILE, FILE,
     "AJPA, allocation journalière du proche aidant, aidant"),
    (DISABILITY, "AAH", "Le calcul AAH", V, BLANK,
     "AAH, allocation aux adultes handicapés, handicap"),
    (DISABILITY, "AEEH", "Les compléments AEEH", V, V,
     "AEEH, allocation d'éducation de l'enfant handicapé, complément, handicap"),
    (HOUSING, "ACCESSION", "L'accession à la propriété", V, V,
     "accession, propriétaire, achat, prêt, aide au logement"),
    (HOUSING, "IMPAYES-LOYER", "Les impayés de loyer", V, V,
     "loyer, impayé, dette de loyer, bailleur, expulsion"),
    (HOUSING, "SURENDETTEMENT", "Le surendettement", V, V,
     "surendettement, dette, Banque de France, commission"),
    (HOUSING, "INDECENCE", "L'indécence du logement", V, V,
     "indécence, logement indécent, insalubrité, non-décence"),
    (THIRD_PARTIES, "TIERS", "La réponse aux tiers (bailleurs, tutelles, AS...)", V, BLANK,
     "tiers, bailleur, tutelle, curatelle, assistante sociale, AS"),
    (DEBTS, "CREANCE", "L'explication du motif de la créance", V, BLANK,
     "créance, indu, dette, trop-perçu, remboursement"),
    (DEBTS, "CONTESTATIONS", "Les contestations en cours", V, V,
     "contestation, recours, réclamation, dette, créance"),
    (DEBTS, "RECOUVREMENT", "Les modifications de modalité de recouvrement", V, V,
     "recouvrement, échéancier, remise de dette, retenue, dette, créance"),
    (OTHERS, "PLACEMENT", "Le placement d'enfants", V, V,
     "placement, ASE, aide sociale à l'enfance, famille d'accueil"),
    (OTHERS, "ETI", "Les ETI", V, V, "ETI, travailleur indépendant, indépendant, auto-entrepreneur"),
    (OTHERS, "AVPF", "L'AVPF", V, V,
     "AVPF, assurance vieillesse des parents au foyer, retraite"),
    (OTHERS, "RSA-JEUNE", "Le RSA jeune", V, V,
     "RSA, revenu de solidarité active, jeune, moins de 25 ans"),
    (OTHERS, "DETRESSE", "USAGERS EN DETRESSE", TRANSFER, TRANSFER,
     "détresse, urgence, suicide, danger, violence, désespoir"),
]


def _with_history(apps, model_name, objects, now):
    """Creates the objects and their "+" history entries (history signals don't run here)."""
    model = apps.get_model("reference", model_name)
    historical = apps.get_model("reference", f"Historical{model_name}")
    created = []
    for obj in objects:
        obj.save()
        fields = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
        historical.objects.create(
            **fields, history_date=now, history_type="+", history_change_reason=SOURCE
        )
        created.append(obj)
    return created


def seed(apps, schema_editor):
    now = timezone.now()
    CogTarget = apps.get_model("reference", "CogTarget")
    PlatformRuleSet = apps.get_model("reference", "PlatformRuleSet")
    DaySlot = apps.get_model("reference", "DaySlot")
    InterviewStep = apps.get_model("reference", "InterviewStep")
    IndicatorParameterSet = apps.get_model("reference", "IndicatorParameterSet")
    RoutingMatrix = apps.get_model("reference", "RoutingMatrix")
    Motif = apps.get_model("reference", "Motif")

    _with_history(apps, "CogTarget", [CogTarget(**t) for t in COG_TARGETS], now)
    (rules,) = _with_history(apps, "PlatformRuleSet", [PlatformRuleSet(**PLATFORM_RULES)], now)
    _with_history(
        apps,
        "DaySlot",
        [
            DaySlot(rule_set=rules, lunch_group=group, start=start, end=end, activity=activity)
            for group, slots in DAY_SLOTS.items()
            for start, end, activity in slots
        ],
        now,
    )
    _with_history(
        apps,
        "InterviewStep",
        [
            InterviewStep(rule_set=rules, position=i, label=label)
            for i, label in enumerate(INTERVIEW_STEPS, start=1)
        ],
        now,
    )
    _with_history(
        apps, "IndicatorParameterSet", [IndicatorParameterSet(**INDICATOR_PARAMETERS)], now
    )
    (matrix,) = _with_history(
        apps,
        "RoutingMatrix",
        [
            RoutingMatrix(
                valid_from=dt.date(2023, 1, 1),
                comment="Tableau de la note §B.1 « Liste des appels relevant de situations "
                "particulières ou complexes nécessitant un traitement différé ».",
            )
        ],
        now,
    )
    _with_history(
        apps,
        "Motif",
        [
            Motif(
                matrix=matrix,
                position=i,
                parcours=parcours,
                code=code,
                label=label,
                rule_fi=fi,
                rule_confirme=confirme,
                keywords=keywords,
            )
            for i, (parcours, code, label, fi, confirme, keywords) in enumerate(MOTIFS, start=1)
        ],
        now,
    )


def unseed(apps, schema_editor):
    for name in ("Motif", "RoutingMatrix", "DaySlot", "InterviewStep", "PlatformRuleSet",
                 "IndicatorParameterSet", "CogTarget"):
        apps.get_model("reference", name).objects.all().delete()
        apps.get_model("reference", f"Historical{name}").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

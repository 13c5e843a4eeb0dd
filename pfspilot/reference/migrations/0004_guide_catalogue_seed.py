"""Seeds the call guide's catalogue: the usual level-1 motifs of a CAF and the procedure words.

Domain.md: « Any motif not in the table is answered at level 1. Most calls are such everyday
motifs (payments and their dates, attestations, changes of situation, housing aid, prime
d'activité, RSA, family allowances…): the guide must recognise them as level 1, never stretch a
table row to cover them. » Benefit names and acronyms are the CAF's public ones (caf.fr).
Procedures: note §D (incivility) and §C (urgency).

Keywords of the table that stretched a row over everyday calls are corrected here, with their
history entry: « aide au logement » on the accession row (housing aid is level 1), « RSA » and
« revenu de solidarité active » on the RSA jeune row (the RSA is level 1), « urgence » on the
users-in-distress row (an urgency goes to the supervision mailbox, note §C); the CMG row gains
« garde d'enfant » and « mode de garde », which a bare « enfant » otherwise sent to placement.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

SOURCE = "Données initiales : motifs courants de niveau 1 d'une Caf (hors tableau de la note)"
TABLE_FIX = (
    "Mots-clés corrigés : un motif courant de niveau 1 ne doit pas ouvrir une ligne du tableau "
    "(issue 7)."
)

PAYMENTS = "Paiements et droits"
SITUATION = "Situation et démarches"
HOUSING = "Logement"
INCOME = "Revenus et solidarité"
FAMILY = "Famille et enfants"
ACCOUNT = "Compte caf.fr et coordonnées"
LEISURE = "Vie quotidienne"

# (theme, code, label, keywords: synonyms, acronyms and the agents' everyday words).
CATALOGUE = [
    (PAYMENTS, "PAIEMENTS", "Les paiements et dates de paiement",
     "paiement, payer, payé, paye, payement, date de paiement, jour de paiement, versement, "
     "virement, montant, montant versé, retard de paiement, pas reçu, non reçu, rien reçu, "
     "calendrier des paiements, relevé de paiements, baisse, suspension, suspendu"),
    (PAYMENTS, "ATTESTATIONS", "Les attestations",
     "attestation, attestation de paiement, attestation de droits, attestation de quotient "
     "familial, quotient familial, QF, certificat, relevé de droits"),
    (PAYMENTS, "INDUS", "Les indus et trop-perçus",
     "indu, trop-perçu, trop perçu, notification d'indu, somme à rembourser, rembourser, "
     "remboursement"),
    (PAYMENTS, "DECLARATION-TRIMESTRIELLE", "La déclaration trimestrielle de ressources",
     "déclaration trimestrielle, DTR, déclaration de ressources, trimestrielle, trimestre, "
     "ressources, revenus, déclaration, déclarer ses revenus, déclaration annuelle"),
    (SITUATION, "CHANGEMENT-SITUATION", "Les changements de situation",
     "changement de situation, situation, changement, situation familiale, mariage, pacs, "
     "concubinage, vie maritale, mise en couple, en couple, reprise d'emploi, perte d'emploi, "
     "chômage, emploi, travail, arrêt maladie, maladie, études"),
    (SITUATION, "DOCUMENTS", "Les documents et pièces à envoyer",
     "document, pièce justificative, pièce, justificatif, envoyer, envoi, déposer un document, "
     "téléverser, scanner, formulaire, imprimé, dossier incomplet, pièces manquantes"),
    (SITUATION, "COURRIER", "Un courrier ou une notification reçus",
     "courrier, lettre, notification, message, mail reçu, courrier reçu"),
    (SITUATION, "DEMANDE", "Les demandes de prestation et leur suivi",
     "demande, faire une demande, suivi de dossier, suivi, dossier, délai de traitement, "
     "traitement, instruction, simulation, simulateur, estimation, ouverture de droits"),
    (HOUSING, "AIDE-LOGEMENT", "Les aides au logement (APL, ALF, ALS)",
     "APL, ALF, ALS, AL, aide au logement, aides au logement, aide logement, allocation "
     "logement, allocation de logement, aide personnalisée au logement, logement, colocation, "
     "étudiant logement"),
    (HOUSING, "ADRESSE", "Le changement d'adresse",
     "adresse, changement d'adresse, nouvelle adresse, déménagement, déménager, déménage, "
     "nouveau logement"),
    (INCOME, "PRIME-ACTIVITE", "La prime d'activité",
     "prime d'activité, PPA, prime activité, prime, complément de revenus"),
    (INCOME, "RSA", "Le RSA",
     "RSA, revenu de solidarité active, revenu de solidarité, RSA socle, minima sociaux"),
    (FAMILY, "ALLOCATIONS-FAMILIALES", "Les allocations familiales",
     "AF, allocations familiales, allocation familiale, alloc, allocs, alloc familiales"),
    (FAMILY, "COMPLEMENT-FAMILIAL", "Le complément familial",
     "CF, complément familial, complément familial majoré, trois enfants"),
    (FAMILY, "ARS", "L'allocation de rentrée scolaire",
     "ARS, rentrée scolaire, allocation de rentrée, rentrée, scolarité, certificat de "
     "scolarité, fournitures scolaires, école"),
    (FAMILY, "PAJE-NAISSANCE", "La PAJE : naissance, prime à la naissance, allocation de base",
     "PAJE, naissance, prime de naissance, prime à la naissance, allocation de base, "
     "grossesse, enceinte, bébé, déclaration de grossesse, arrivée d'un enfant, naître"),
    (ACCOUNT, "COMPTE-CAF", "Le compte caf.fr et le mot de passe",
     "caf.fr, mon compte, compte, espace personnel, espace allocataire, mot de passe, code "
     "confidentiel, code, identifiant, connexion, se connecter, application, appli, "
     "FranceConnect, mot de passe oublié, mdp, numéro allocataire, numéro d'allocataire"),
    (ACCOUNT, "COORDONNEES", "La mise à jour des coordonnées (téléphone, courriel, RIB)",
     "coordonnées, téléphone, numéro de téléphone, portable, mail, e-mail, courriel, adresse "
     "mail, adresse électronique, RIB, IBAN, coordonnées bancaires, compte bancaire, "
     "changement de banque, banque"),
    (LEISURE, "VACANCES-LOISIRS", "Les aides aux vacances et aux loisirs",
     "VACAF, vacances, loisirs, bons vacances, aide aux vacances, centre de loisirs, "
     "colonie, aide aux temps libres, ATL"),
    (LEISURE, "ACCUEIL-RDV", "L'accueil en Caf et les rendez-vous",
     "accueil, agence, horaires, horaires d'ouverture, rendez-vous, prendre rendez-vous, "
     "permanence, point d'accueil, borne"),
]

# (kind, label, the words that call the procedure up).
PROCEDURES = [
    ("incivilite", "Incivilité ou insulte de l'appelant",
     "incivilité, insulte, insulter, insultant, injure, injurieux, menace, menacer, menaçant, "
     "agressif, agressive, agressivité, agression verbale, grossier, grossière, grossièreté, "
     "irrespectueux, impoli, vulgaire, hurle, crie, propos déplacés, propos racistes, raciste, "
     "harcèlement, harcèle"),
    ("urgence", "Urgence",
     "urgence, urgent, urgente, demande urgente, situation urgente, une urgence = un engagement"),
]

# Table keywords corrected (code → new keywords), from the 2023-01-01 matrix's seed.
TABLE_KEYWORDS = {
    "ACCESSION": "accession, propriétaire, achat, achat immobilier, prêt accession, "
    "prêt immobilier, devenir propriétaire",
    "RSA-JEUNE": "RSA jeune, RSA jeune actif, jeune, jeune actif, moins de 25 ans",
    "CMG": "CMG, complément de libre choix du mode de garde, garde, garde d'enfant, mode de "
    "garde, assistante maternelle, crèche, Pajemploi",
    "DETRESSE": "détresse, suicide, suicidaire, se suicider, idées suicidaires, danger, "
    "en danger, mise en danger, violence, violences conjugales, violences intrafamiliales, "
    "désespoir, désespéré",
}
OLD_TABLE_KEYWORDS = {
    "ACCESSION": "accession, propriétaire, achat, prêt, aide au logement",
    "RSA-JEUNE": "RSA, revenu de solidarité active, jeune, moins de 25 ans",
    "DETRESSE": "détresse, urgence, suicide, danger, violence, désespoir",
    "CMG": "CMG, complément de libre choix du mode de garde, garde, assistante maternelle, "
    "crèche, Pajemploi",
}


def _history(apps, model_name, obj, now, kind, reason):
    model = apps.get_model("reference", model_name)
    fields = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
    apps.get_model("reference", f"Historical{model_name}").objects.create(
        **fields, history_date=now, history_type=kind, history_change_reason=reason
    )


def seed(apps, schema_editor):
    now = timezone.now()
    MotifCatalogue = apps.get_model("reference", "MotifCatalogue")
    CatalogueMotif = apps.get_model("reference", "CatalogueMotif")
    Procedure = apps.get_model("reference", "Procedure")
    Motif = apps.get_model("reference", "Motif")

    catalogue = MotifCatalogue.objects.create(
        valid_from=dt.date(2023, 1, 1),
        comment="Motifs courants de niveau 1 d'une Caf, hors tableau de la note §B.1 : le "
        "guide y répond toujours « Traiter au niveau 1 ». Mots des procédures §C et §D.",
    )
    _history(apps, "MotifCatalogue", catalogue, now, "+", SOURCE)
    for position, (theme, code, label, keywords) in enumerate(CATALOGUE, start=1):
        motif = CatalogueMotif.objects.create(
            catalogue=catalogue,
            position=position,
            theme=theme,
            code=code,
            label=label,
            keywords=keywords,
        )
        _history(apps, "CatalogueMotif", motif, now, "+", SOURCE)
    for kind, label, keywords in PROCEDURES:
        procedure = Procedure.objects.create(
            catalogue=catalogue, kind=kind, label=label, keywords=keywords
        )
        _history(apps, "Procedure", procedure, now, "+", SOURCE)
    # Only rows still carrying the seeded words: an administrator's own edit is kept.
    for code, keywords in TABLE_KEYWORDS.items():
        for motif in Motif.objects.filter(code=code, keywords=OLD_TABLE_KEYWORDS[code]):
            motif.keywords = keywords
            motif.save()
            _history(apps, "Motif", motif, now, "~", TABLE_FIX)


def unseed(apps, schema_editor):
    Motif = apps.get_model("reference", "Motif")
    for code, keywords in TABLE_KEYWORDS.items():
        Motif.objects.filter(code=code, keywords=keywords).update(
            keywords=OLD_TABLE_KEYWORDS[code]
        )
    apps.get_model("reference", "HistoricalMotif").objects.filter(
        history_change_reason=TABLE_FIX
    ).delete()
    for name in ("CatalogueMotif", "Procedure", "MotifCatalogue"):
        apps.get_model("reference", name).objects.all().delete()
        apps.get_model("reference", f"Historical{name}").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_guide_catalogue")]

    operations = [migrations.RunPython(seed, unseed)]

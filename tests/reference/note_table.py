"""The note's routing table (§B.1), copied by hand from the note for the tests.

(code, label as written, parcours, column "Formation initiale", column "CDI - Confirmé"),
where a column holds what the note shows: "V", "" (blank), "V : sur dossier en cours",
"PIRA" (the bereavement sentence) or "TRANSFERT" (the users-in-distress sentence).
"""

V, BLANK, FILE, PIRA, TRANSFER = "V", "", "V : sur dossier en cours", "PIRA", "TRANSFERT"

NOTE_TABLE = [
    ("CMG", "Le CMG", "PARCOURS ARRIVEE DE L'ENFANT", V, BLANK),
    ("DECES-ARRIVEE", "Le décès d'un membre du foyer", "PARCOURS ARRIVEE DE L'ENFANT", PIRA, PIRA),
    ("CUMUL-CMG", "Le cumul CMG", "PARCOURS ARRIVEE DE L'ENFANT", V, V),
    ("PREPARE", "La PREPARE", "PARCOURS ARRIVEE DE L'ENFANT", V, BLANK),
    (
        "PREPARE-ADOPTION",
        "La PREPARE : Adoption - Ass Mat - ETI",
        "PARCOURS ARRIVEE DE L'ENFANT",
        V,
        V,
    ),
    (
        "DECES-ENDEUILLES",
        "Le décès d'un membre du foyer",
        "PARCOURS ACCOMPAGNEMENT DES FAMILES ENDEUILLEES",
        PIRA,
        PIRA,
    ),
    ("RESIDENCE-ALTERNEE", "La résidence alternée", "PARCOURS SEPARATIONS", V, BLANK),
    ("ASF", "L'ASF", "PARCOURS SEPARATIONS", V, BLANK),
    ("ARIPA", "L'ARIPA", "PARCOURS SEPARATIONS", FILE, FILE),
    ("TITRES-SEJOUR", "La validation des titres de séjour", "Titres de séjour - ADI", V, V),
    ("DROIT-SEJOUR", "Le droit au séjour", "Titres de séjour - ADI", V, V),
    ("ADI", "ADI", "Titres de séjour - ADI", V, V),
    ("AJPP", "L'AJPP", "LE HANDICAP", FILE, FILE),
    ("AJPA", "L'AJPA", "LE HANDICAP", FILE, FILE),
    ("AAH", "Le calcul AAH", "LE HANDICAP", V, BLANK),
    ("AEEH", "Les compléments AEEH", "LE HANDICAP", V, V),
    ("ACCESSION", "L'accession à la propriété", "LE LOGEMENT", V, V),
    ("IMPAYES-LOYER", "Les impayés de loyer", "LE LOGEMENT", V, V),
    ("SURENDETTEMENT", "Le surendettement", "LE LOGEMENT", V, V),
    ("INDECENCE", "L'indécence du logement", "LE LOGEMENT", V, V),
    ("TIERS", "La réponse aux tiers (bailleurs, tutelles, AS...)", "LES TIERS", V, BLANK),
    ("CREANCE", "L'explication du motif de la créance", "DETTES et RECOUVREMENT", V, BLANK),
    ("CONTESTATIONS", "Les contestations en cours", "DETTES et RECOUVREMENT", V, V),
    (
        "RECOUVREMENT",
        "Les modifications de modalité de recouvrement",
        "DETTES et RECOUVREMENT",
        V,
        V,
    ),
    ("PLACEMENT", "Le placement d'enfants", "Autres", V, V),
    ("ETI", "Les ETI", "Autres", V, V),
    ("AVPF", "L'AVPF", "Autres", V, V),
    ("RSA-JEUNE", "Le RSA jeune", "Autres", V, V),
    ("DETRESSE", "USAGERS EN DETRESSE", "Autres", TRANSFER, TRANSFER),
]

# What the agent reads, per outcome (the French sentences of the guide and the CLI).
LEVEL1 = "Traiter l'appel au niveau 1 : réponse complète, sans rappel différé."
DEFERRED = (
    "Orienter vers un rappel différé pour expertise : enregistrer une demande de rappel / "
    "rendez-vous téléphonique de second niveau."
)
FILE_YES = (
    "Dossier en cours : orienter vers un rappel différé pour expertise (demande de rappel / "
    "rendez-vous téléphonique de second niveau)."
)
FILE_NO = "Pas de dossier en cours : traiter l'appel au niveau 1."
PIRA_RDV = "Prendre l'information par PIRA et proposer un RDV physique ou téléphonique."
TRANSFER_SENTENCE = (
    "Transférer l'appel vers un assistant superviseur ou un manager "
    "(seul transfert interne autorisé)."
)


def expected(cell: str, dossier_en_cours: bool) -> tuple[str, str]:
    """(action, instruction) the note prescribes for a column cell (domain.md's reading)."""
    if cell == V:
        return "rappel_differe", DEFERRED
    if cell == BLANK:
        return "traiter", LEVEL1
    if cell == FILE:
        return ("rappel_differe", FILE_YES) if dossier_en_cours else ("traiter", FILE_NO)
    if cell == PIRA:
        return "pira_rdv", PIRA_RDV
    return "transfert_superviseur", TRANSFER_SENTENCE


def cases():
    """Every row × profile × dossier en cours, as pytest parameters."""
    for code, label, parcours, fi, confirme in NOTE_TABLE:
        for profile, cell in (("fi", fi), ("confirme", confirme)):
            for dossier in (False, True):
                yield code, label, parcours, profile, dossier, expected(cell, dossier)

"""Routing engine: normalisation, exact lookup, tolerant search, decisions (no database)."""

import pytest

from pfspilot.engine import routing
from pfspilot.engine.routing import Decision, RoutingRow, closest, find_motif, route, search
from pfspilot.engine.text import normalize, tokens

ROWS = [
    RoutingRow("CMG", "Le CMG", "PARCOURS ARRIVEE DE L'ENFANT", "rappel_differe", "traiter", (), 1),
    RoutingRow(
        "DECES-ARRIVEE",
        "Le décès d'un membre du foyer",
        "PARCOURS ARRIVEE DE L'ENFANT",
        "pira_rdv",
        "pira_rdv",
        ("deuil",),
        2,
    ),
    RoutingRow(
        "CUMUL-CMG",
        "Le cumul CMG",
        "PARCOURS ARRIVEE DE L'ENFANT",
        "rappel_differe",
        "rappel_differe",
        (),
        3,
    ),
    RoutingRow(
        "PREPARE", "La PREPARE", "PARCOURS ARRIVEE DE L'ENFANT", "rappel_differe", "traiter", (), 4
    ),
    RoutingRow(
        "PREPARE-ADOPTION",
        "La PREPARE : Adoption - Ass Mat - ETI",
        "PARCOURS ARRIVEE DE L'ENFANT",
        "rappel_differe",
        "rappel_differe",
        (),
        5,
    ),
    RoutingRow(
        "DECES-ENDEUILLES",
        "Le décès d'un membre du foyer",
        "PARCOURS ACCOMPAGNEMENT DES FAMILES ENDEUILLEES",
        "pira_rdv",
        "pira_rdv",
        (),
        6,
    ),
    RoutingRow(
        "ARIPA",
        "L'ARIPA",
        "PARCOURS SEPARATIONS",
        "rappel_si_dossier",
        "rappel_si_dossier",
        ("pension alimentaire",),
        7,
    ),
    RoutingRow(
        "IMPAYES-LOYER",
        "Les impayés de loyer",
        "LE LOGEMENT",
        "rappel_differe",
        "rappel_differe",
        (),
        8,
    ),
    RoutingRow(
        "DETRESSE",
        "USAGERS EN DETRESSE",
        "Autres",
        "transfert_superviseur",
        "transfert_superviseur",
        (),
        9,
    ),
]


def labels(rows):
    return [row.label for row in rows]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Le Décès", "le deces"),
        ("  L’ARIPA\t ", "l'aripa"),
        ("l‘aripa", "l'aripa"),
        ("La  PREPARE :\u00a0Adoption – Ass Mat", "la prepare : adoption - ass mat"),
        ("ŒUVRE", "oeuvre"),
        ("", ""),
    ],
)
def test_it_normalizes_case_accents_apostrophes_and_spaces(text, expected):
    assert normalize(text) == expected


def test_it_drops_french_stop_words_from_tokens():
    assert tokens("Le décès d'un membre du foyer") == ("deces", "membre", "foyer")


@pytest.mark.parametrize(
    "text,code",
    [
        ("cmg", "CMG"),
        ("Le CMG", "CMG"),
        ("  le cmg ", "CMG"),
        ("L’ARIPA", "ARIPA"),
        ("l'aripa", "ARIPA"),
        ("LE DECES D’UN MEMBRE DU FOYER", "DECES-ARRIVEE"),
        ("deces-endeuilles", "DECES-ENDEUILLES"),
        ("La PREPARE: Adoption-Ass Mat-ETI", "PREPARE-ADOPTION"),
        ("usagers en détresse", "DETRESSE"),
    ],
)
def test_it_finds_a_motif_by_code_or_label(text, code):
    assert find_motif(ROWS, text).code == code


@pytest.mark.parametrize("text", ["", "   ", "CM", "prepare adopt", "le cmg x"])
def test_it_finds_nothing_for_partial_text(text):
    assert find_motif(ROWS, text) is None


@pytest.mark.parametrize(
    "query,first",
    [
        ("cgm", ["Le CMG", "Le cumul CMG"]),
        ("CMG", ["Le CMG", "Le cumul CMG"]),
        ("aripa", ["L'ARIPA"]),
        ("arpia", ["L'ARIPA"]),
        ("prepare adoption", ["La PREPARE : Adoption - Ass Mat - ETI"]),
        ("prép", ["La PREPARE", "La PREPARE : Adoption - Ass Mat - ETI"]),
        ("deces", ["Le décès d'un membre du foyer", "Le décès d'un membre du foyer"]),
        ("deuil", ["Le décès d'un membre du foyer"]),
        ("pension", ["L'ARIPA"]),
        ("impayes loyer", ["Les impayés de loyer"]),
        ("detresse", ["USAGERS EN DETRESSE"]),
    ],
)
def test_it_searches_with_typos_prefixes_and_keywords(query, first):
    assert labels(search(ROWS, query))[: len(first)] == first
    assert len(search(ROWS, query)) == len(first)


def test_it_searches_nothing_for_an_empty_query():
    assert search(ROWS, "  ") == []
    assert search(ROWS, "zzzz qqqq") == []


def test_it_limits_the_results():
    assert labels(search(ROWS, "cmg", limit=1)) == ["Le CMG"]


def test_it_lists_the_closest_distinct_labels():
    # Both bereavement rows share one label; "deces" is 1 edit from nothing else.
    assert closest(ROWS, "deces", 3) == ["Le décès d'un membre du foyer"]
    assert closest(ROWS, "arpia", 3) == ["L'ARIPA"]


def test_it_never_pads_the_closest_with_unrelated_motifs():
    # No word of the table shares 60 % of its letters with "xyz": no loose overall similarity.
    assert closest(ROWS, "xyz", 4) == []


@pytest.mark.parametrize(
    "code,profile,dossier,decision",
    [
        ("CMG", "fi", False, Decision("rappel_differe", routing.INSTRUCTIONS["rappel_differe"])),
        ("CMG", "confirme", True, Decision("traiter", routing.INSTRUCTIONS["traiter"])),
        ("ARIPA", "fi", False, Decision("traiter", routing.INSTRUCTION_NO_FILE)),
        (
            "ARIPA",
            "confirme",
            True,
            Decision("rappel_differe", routing.INSTRUCTION_FILE_IN_PROGRESS),
        ),
        ("DECES-ENDEUILLES", "fi", True, Decision("pira_rdv", routing.INSTRUCTIONS["pira_rdv"])),
        (
            "DETRESSE",
            "confirme",
            False,
            Decision("transfert_superviseur", routing.INSTRUCTIONS["transfert_superviseur"]),
        ),
    ],
)
def test_it_routes_per_profile_and_file(code, profile, dossier, decision):
    row = next(r for r in ROWS if r.code == code)
    assert route(row, profile, dossier) == decision


def test_it_answers_a_motif_outside_the_table_at_level_1():
    assert route(None, "fi") == Decision(
        "traiter", "Motif hors tableau : traiter l'appel au niveau 1."
    )


def test_it_rejects_an_unknown_profile():
    with pytest.raises(ValueError, match="profil inconnu"):
        route(ROWS[0], "cdi")


def test_it_rejects_an_unknown_rule():
    with pytest.raises(ValueError, match="règle d'orientation inconnue"):
        RoutingRow("X", "X", "Autres", "peut-etre", "traiter")


def test_it_knows_which_rows_ask_for_a_file_in_progress():
    asking = [r.code for r in ROWS if r.asks_file_in_progress()]
    assert asking == ["ARIPA"]
    assert ROWS[6].asks_file_in_progress("fi") is True


# The guide beyond the table: level-1 catalogue and procedures (issue 7 §1).
CATALOGUE = [
    RoutingRow(
        "PAIEMENTS",
        "Les paiements et dates de paiement",
        "Paiements et droits",
        "traiter",
        "traiter",
        ("paiement", "versement", "virement"),
        1,
        kind="catalogue",
    ),
    RoutingRow(
        "RSA",
        "Le RSA",
        "Revenus et solidarité",
        "traiter",
        "traiter",
        ("RSA", "revenu de solidarité active"),
        2,
        kind="catalogue",
    ),
    RoutingRow(
        "AF",
        "Les allocations familiales",
        "Famille et enfants",
        "traiter",
        "traiter",
        ("AF", "allocation familiale"),
        3,
        kind="catalogue",
    ),
    RoutingRow(
        "INCIVILITE",
        "Incivilité ou insulte",
        "Incivilité (note §D)",
        "incivilite",
        "incivilite",
        ("insulte", "injure", "menace"),
        kind="procedure",
    ),
    RoutingRow(
        "URGENCE",
        "Urgence",
        "Urgence (note §C)",
        "urgence",
        "urgence",
        ("urgent",),
        kind="procedure",
    ),
]
TABLE_EXTRA = [
    RoutingRow("PLACEMENT", "Le placement d'enfants", "Autres", "rappel_differe", "rappel_differe"),
    RoutingRow(
        "ASF",
        "L'ASF",
        "PARCOURS SEPARATIONS",
        "rappel_differe",
        "traiter",
        ("allocation de soutien familial",),
    ),
    RoutingRow("RSA-JEUNE", "Le RSA jeune", "Autres", "rappel_differe", "rappel_differe"),
]
GUIDE = ROWS + TABLE_EXTRA + CATALOGUE


def codes(rows):
    return [row.code for row in rows]


def test_a_known_word_is_never_read_as_a_typo_of_another():
    # "paiement" is a word of the guide, so it only matches itself, never « placement ».
    assert codes(search(GUIDE, "paiement")) == ["PAIEMENTS"]
    assert codes(search(GUIDE, "placement")) == ["PLACEMENT"]
    # Without the catalogue "paiement" is unknown, and OSA("paiement", "placement") = 2 edits
    # (insert l, i → c) is more than the one edit an 8-letter word tolerates.
    assert search(ROWS + TABLE_EXTRA, "paiement") == []


def test_a_typo_of_an_unknown_word_still_finds_its_motif():
    # "paiment" → "paiement": one letter inserted (7 letters tolerate one edit).
    assert codes(search(GUIDE, "paiment")) == ["PAIEMENTS"]
    # "placment" is 1 edit from placement (e inserted), 3 from paiement.
    assert codes(search(GUIDE, "placment")) == ["PLACEMENT"]
    # "allocations familliales": "familliale" (10 letters, folded) is 1 edit from "familiale".
    assert codes(search(GUIDE, "allocations familliales")) == ["AF"]


def test_a_longer_query_keeps_only_rows_matching_all_its_words():
    # ASF's keyword shares "allocation" only: it is not shown beside the family allowances.
    assert codes(search(GUIDE, "allocations familiales")) == ["AF"]


def test_the_level1_rsa_comes_before_the_rsa_jeune():
    assert codes(search(GUIDE, "rsa")) == ["RSA", "RSA-JEUNE"]
    assert codes(search(GUIDE, "rsa jeune")) == ["RSA-JEUNE"]


def test_procedure_words_call_up_the_procedure():
    assert codes(search(GUIDE, "insultes")) == ["INCIVILITE"]
    assert codes(search(GUIDE, "urgence")) == ["URGENCE"]
    assert route(search(GUIDE, "injure")[0], "fi").action == "incivilite"
    assert route(search(GUIDE, "urgent")[0], "confirme") == Decision(
        "urgence", routing.INSTRUCTIONS["urgence"]
    )


def test_unknown_words_of_a_sentence_are_ignored():
    assert codes(search(GUIDE, "bonjour question sur mon virement")) == ["PAIEMENTS"]
    assert search(GUIDE, "bonjour") == []


def test_a_catalogue_motif_is_always_level_1():
    for row in CATALOGUE[:3]:
        for profile in ("fi", "confirme"):
            for dossier in (False, True):
                assert route(row, profile, dossier).action == "traiter"
    with pytest.raises(ValueError, match="impossible"):
        RoutingRow("X", "X", "Thème", "rappel_differe", "traiter", kind="catalogue")
    with pytest.raises(ValueError, match="impossible"):
        RoutingRow("X", "X", "Autres", "incivilite", "incivilite")


def test_suggestions_only_resemble_the_query():
    # "paimant" vs "paiement": Levenshtein 2 on 8 letters, similarity 0.75 ≥ 0.6.
    assert search(GUIDE, "paimant") == []
    assert codes(routing.suggest(GUIDE, "paimant")) == ["PAIEMENTS"]
    assert routing.suggest(GUIDE, "xyzzy") == []


def test_it_folds_plurals_but_not_accented_endings():
    assert routing.fold("insultes") == "insulte"
    assert routing.fold("allocs") == "alloc"
    assert routing.fold("als") == "als"
    # "décès" folds to "dece" for equality, but as typed it never begins « décence ».
    assert codes(
        search(
            ROWS
            + [
                RoutingRow(
                    "I",
                    "L'indécence",
                    "LE LOGEMENT",
                    "rappel_differe",
                    "rappel_differe",
                    ("non-décence",),
                )
            ],
            "deces",
        )
    ) == [
        "DECES-ARRIVEE",
        "DECES-ENDEUILLES",
    ]

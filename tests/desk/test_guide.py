"""The call guide page and its htmx results, for every row of the note's table."""

import html
import re

import pytest
from django.urls import reverse

from tests.reference.note_table import FILE, NOTE_TABLE, expected

GUIDE = reverse("desk:guide")
SEARCH = reverse("desk:search")
AGENT_OF_PROFILE = {"fi": "alice", "confirme": "bob"}
LEVEL1_SENTENCE = "Traiter l'appel au niveau 1 : réponse complète, sans rappel différé."


def article(page: str, code: str) -> str:
    found = re.search(
        rf'<article class="motif kind-\w+" data-code="{code}">(.*?)</article>', page, re.S
    )
    assert found, f"motif {code} absent de la page"
    return found.group(1)


def decisions(block: str) -> dict[str, tuple[str, str]]:
    """profile → (action, instruction) as displayed, for a decision without pending question."""
    found = re.findall(
        r'data-profile="(\w+)" data-action="(\w+)">.*?<p class="instruction">(.*?)</p>', block, re.S
    )
    return {profile: (action, html.unescape(text)) for profile, action, text in found}


def outcomes(block: str) -> list[tuple[str, str, str]]:
    """(answer « oui »/« non », action, instruction) of each outcome shown side by side."""
    found = re.findall(
        r'data-dossier="(\w+)" data-action="(\w+)">.*?<p class="instruction">(.*?)</p>',
        block,
        re.S,
    )
    return [(answer, action, html.unescape(text)) for answer, action, text in found]


@pytest.mark.parametrize("profile", ["fi", "confirme"])
@pytest.mark.parametrize(
    "code,label,parcours,fi,confirme", NOTE_TABLE, ids=[row[0] for row in NOTE_TABLE]
)
def test_it_shows_the_agent_the_instruction_of_their_profile(
    client_for, code, label, parcours, fi, confirme, profile
):
    client = client_for(AGENT_OF_PROFILE[profile])
    cell = fi if profile == "fi" else confirme
    for dossier in (False, True):
        answer = {"dossier": code} if dossier else {"sans_dossier": code}
        for url in (GUIDE, SEARCH):
            block = article(client.get(url, {"q": label, **answer}).content.decode(), code)
            assert f"<h3>{html.escape(label)}</h3>" in block
            assert decisions(block) == {profile: expected(cell, dossier)}, (url, dossier)
    # Before any answer, a motif that asks « Dossier en cours ? » shows both outcomes.
    block = article(client.get(SEARCH, {"q": label}).content.decode(), code)
    if cell == FILE:
        assert decisions(block) == {profile: ("a_determiner", expected(cell, True)[1])}
        assert outcomes(block) == [
            ("oui", *expected(cell, True)),
            ("non", *expected(cell, False)),
        ]
    else:
        assert decisions(block) == {profile: expected(cell, False)}
        assert outcomes(block) == []


@pytest.mark.parametrize("code,label,parcours,fi,confirme", NOTE_TABLE)
def test_it_asks_for_a_file_in_progress_only_where_it_matters(
    client_for, code, label, parcours, fi, confirme
):
    page = client_for("alice").get(SEARCH, {"q": code}).content.decode()
    asks = "Dossier en cours ?" in article(page, code)
    assert asks == (fi == FILE)


def test_it_shows_both_profiles_side_by_side_to_a_manager(client_for):
    page = client_for("maud").get(GUIDE, {"q": "cmg"}).content.decode()
    block = article(page, "CMG")
    assert decisions(block) == {
        "fi": (
            "rappel_differe",
            "Orienter vers un rappel différé pour expertise : enregistrer une demande de rappel / "
            "rendez-vous téléphonique de second niveau.",
        ),
        "confirme": (
            "traiter",
            "Traiter l'appel au niveau 1 : réponse complète, sans rappel différé.",
        ),
    }
    assert "Formation initiale" in block and "Confirmé" in block


def test_it_shows_the_renfort_their_own_confirmed_profile(client_for):
    page = client_for("rita").get(SEARCH, {"q": "asf"}).content.decode()
    assert decisions(article(page, "ASF")) == {
        "confirme": (
            "traiter",
            "Traiter l'appel au niveau 1 : réponse complète, sans rappel différé.",
        )
    }


@pytest.mark.parametrize(
    "query,codes",
    [
        ("cgm", ["CMG", "CUMUL-CMG"]),
        ("aripa", ["ARIPA"]),
        ("prepare adoption", ["PREPARE-ADOPTION"]),
        ("deces", ["DECES-ARRIVEE", "DECES-ENDEUILLES"]),
        ("décés", ["DECES-ARRIVEE", "DECES-ENDEUILLES"]),
        ("deuil", ["DECES-ARRIVEE", "DECES-ENDEUILLES"]),
        ("AAH", ["AAH"]),
        ("aeeh", ["AEEH"]),
        ("ajap", ["AJPP", "AJPA"]),
        ("PreParE", ["PREPARE", "PREPARE-ADOPTION"]),
        ("titre de sejour", ["TITRES-SEJOUR", "DROIT-SEJOUR", "ADI"]),
        ("loyer", ["IMPAYES-LOYER"]),
        ("créance", ["CREANCE", "CONTESTATIONS", "RECOUVREMENT"]),
        ("surendetement", ["SURENDETTEMENT"]),
        ("L’ASF", ["ASF"]),
        ("rsa", ["RSA", "RSA-JEUNE"]),  # « Le RSA » (level 1) before « Le RSA jeune »
        ("detresse", ["DETRESSE"]),
    ],
)
def test_it_finds_motifs_despite_typos_accents_and_acronyms(client_for, query, codes):
    page = client_for("bob").get(SEARCH, {"q": query}).content.decode()
    assert re.findall(r'data-code="([\w-]+)"', page) == codes


def test_it_answers_level_1_for_a_motif_outside_the_guide(client_for):
    page = client_for("alice").get(SEARCH, {"q": "piscine d'été"}).content.decode()
    assert "<strong>Motif hors tableau : traiter au niveau 1</strong>" in page
    assert "Aucun motif du guide ne correspond à « piscine d&#x27;été »." in page
    assert "Motif hors tableau : traiter l&#x27;appel au niveau 1." in page
    assert 'data-code="' not in page


def test_it_lists_every_motif_by_parcours_without_a_query(client_for):
    page = client_for("alice").get(GUIDE).content.decode()
    assert re.findall(r'data-code="([\w-]+)"', page) == [row[0] for row in NOTE_TABLE]
    assert page.count('<h2 class="parcours">') == 9


def test_it_lists_the_interview_steps_in_order(client_for):
    page = html.unescape(client_for("bob").get(GUIDE).content.decode())
    steps = re.findall(r"<li>(.*?)</li>", page.split("Déroulé de l'entretien")[1])
    assert steps[0] == "La levée de l’anonymat"
    assert steps[6].startswith("La réalisation d'une Prise d’Informations en Relation")
    assert len(steps) == 9


def test_it_works_without_javascript(client_for):
    page = client_for("alice").get(GUIDE, {"q": "ajpp"}).content.decode()
    assert '<form method="get" action="/guide/"' in page
    assert 'name="dossier" value="AJPP"' in page
    assert 'name="q" value="ajpp"' in page


def test_the_partial_keeps_the_address_bar_on_the_guide(client_for):
    response = client_for("alice").get(SEARCH, {"q": "ajpp", "dossier": "AJPP"})
    assert response["HX-Replace-Url"] == "/guide/?q=ajpp&dossier=AJPP"
    assert b"<html" not in response.content


def test_it_ignores_a_file_answer_given_for_another_motif(client_for):
    page = client_for("alice").get(SEARCH, {"q": "aripa", "dossier": "AJPP"}).content.decode()
    block = article(page, "ARIPA")
    assert [action for _answer, action, _text in outcomes(block)] == ["rappel_differe", "traiter"]
    assert 'aria-pressed="true"' not in block


def test_it_escapes_the_query(client_for):
    page = client_for("alice").get(SEARCH, {"q": "<script>x</script>"}).content.decode()
    assert "<script>x" not in page


def test_it_shows_both_outcomes_until_the_file_question_is_answered(client_for):
    page = client_for("bob").get(SEARCH, {"q": "ajpa"}).content.decode()
    block = article(page, "AJPA")
    assert "Dossier en cours ?" in block
    assert 'aria-pressed="true"' not in block  # no default answer
    assert outcomes(block) == [
        ("oui", *expected(FILE, True)),
        ("non", *expected(FILE, False)),
    ]
    assert "Si dossier en cours" in block and "Si pas de dossier en cours" in block


@pytest.mark.parametrize(
    "answer,pressed,action",
    [("dossier", "oui", "rappel_differe"), ("sans_dossier", "non", "traiter")],
)
def test_the_answer_keeps_the_question_and_its_focus_target(client_for, answer, pressed, action):
    page = client_for("alice").get(SEARCH, {"q": "ajpp", answer: "AJPP"}).content.decode()
    block = article(page, "AJPP")
    # The question stays, with the same button ids: htmx 2 gives the focus back to the element
    # of the focused id after the swap, so a keyboard answer keeps the focus on the question.
    assert f'id="dossier-AJPP-{pressed}"' in block
    button = re.search(rf'<button [^>]*id="dossier-AJPP-{pressed}"[^>]*>', block).group(0)
    assert 'aria-pressed="true"' in button
    assert 'id="dossier-AJPP-oui"' in block and 'id="dossier-AJPP-non"' in block
    assert decisions(block)["fi"][0] == action
    assert outcomes(block) == []


def test_the_file_question_ids_are_unique_on_the_page(client_for):
    page = client_for("maud").get(GUIDE).content.decode()
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert {"dossier-ARIPA-oui", "dossier-AJPP-non", "question-AJPA"} <= set(ids)


def test_the_partial_remembers_a_no_answer_in_the_address_bar(client_for):
    response = client_for("alice").get(SEARCH, {"q": "ajpp", "sans_dossier": "AJPP"})
    assert response["HX-Replace-Url"] == "/guide/?q=ajpp&sans_dossier=AJPP"


def test_the_page_ships_an_htmx_that_restores_focus_by_id():
    # The focus claim above relies on htmx's swap: after replacing #resultats it focuses the
    # new element carrying the id of the element that had the focus.
    from django.contrib.staticfiles import finders

    source = open(finders.find("vendor/htmx.min.js"), encoding="utf-8").read()
    assert 'version:"2.' in source
    assert "document.activeElement" in source
    assert 'getElementById(Q(t.elt,"id"))' in source


def test_a_level1_motif_says_so_and_is_marked_outside_the_table(client_for):
    page = client_for("maud").get(SEARCH, {"q": "paiement"}).content.decode()
    block = article(page, "PAIEMENTS")
    assert "Hors tableau : motif courant de niveau 1" in block
    assert decisions(block) == {
        "fi": ("traiter", LEVEL1_SENTENCE),
        "confirme": ("traiter", LEVEL1_SENTENCE),
    }
    assert "Traiter au niveau 1" in block
    assert "PLACEMENT" not in page


def test_it_shows_the_incivility_procedure_of_note_d(client_for):
    page = client_for("alice").get(SEARCH, {"q": "il m'insulte"}).content.decode()
    block = article(page, "INCIVILITE")
    action, sentence = decisions(block)["fi"]
    assert action == "incivilite"
    for step in ("enregistrer la communication", "mettre un terme", "encadrement", "RECIT"):
        assert step in sentence


def test_it_sends_an_urgency_to_the_supervision_mailbox_not_a_transfer(client_for):
    page = client_for("bob").get(SEARCH, {"q": "urgence"}).content.decode()
    codes = re.findall(r'data-code="([\w-]+)"', page)
    assert codes == ["URGENCE"]
    action, sentence = decisions(article(page, "URGENCE"))["confirme"]
    assert action == "urgence"
    assert "boîte aux lettres fonctionnelle" in html.unescape(sentence)


def test_it_marks_suggestions_as_suggestions_when_nothing_matches(client_for):
    page = client_for("alice").get(SEARCH, {"q": "paimant"}).content.decode()
    assert "<strong>Motif hors tableau : traiter au niveau 1</strong>" in page
    assert "<article" not in page
    suggestions = page.split('class="suggestions"')[1]
    assert "Suggestion" in suggestions and "Ce ne sont pas des résultats" in suggestions
    assert "Vouliez-vous dire « <a" in suggestions
    assert "Les paiements et dates de paiement</a> » ?" in suggestions


def test_it_lists_the_level1_catalogue_by_theme_without_a_query(client_for):
    page = html.unescape(client_for("alice").get(GUIDE).content.decode())
    catalogue = page.split('<section class="catalogue">')[1].split("</section>")[0]
    assert "Motifs courants hors tableau : traiter au niveau 1" in catalogue
    listed = re.findall(r'data-level1="([\w-]+)"', catalogue)
    assert {"PAIEMENTS", "AIDE-LOGEMENT", "RSA", "ALLOCATIONS-FAMILIALES"} <= set(listed)
    assert '<h3 class="theme">Logement</h3>' in catalogue
    procedures = page.split("Procédures de la note")[1]
    assert "Incivilité ou insulte de l'appelant" in procedures
    assert "Urgence" in procedures and "USAGERS EN DETRESSE" in procedures

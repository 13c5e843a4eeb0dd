"""The call guide's catalogue of usual level-1 motifs and procedure words (issue 7 §1):
seeded by a data migration, versioned, edited in the admin with history, never stealing a
motif of the note's table."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from pfspilot.engine import routing
from pfspilot.reference import selectors
from pfspilot.reference.models import CatalogueMotif, Motif, MotifCatalogue, Procedure
from pfspilot.reference.services import motif_catalogue_copy

# Every family of everyday calls the issue names, by the code seeded for it.
EVERYDAY = [
    "PAIEMENTS",
    "ATTESTATIONS",
    "CHANGEMENT-SITUATION",
    "AIDE-LOGEMENT",
    "PRIME-ACTIVITE",
    "RSA",
    "ALLOCATIONS-FAMILIALES",
    "COMPLEMENT-FAMILIAL",
    "ARS",
    "PAJE-NAISSANCE",
    "DECLARATION-TRIMESTRIELLE",
    "INDUS",
    "COMPTE-CAF",
    "DOCUMENTS",
    "ADRESSE",
]


def test_it_seeds_the_everyday_level1_motifs_by_theme(db):
    catalogue = MotifCatalogue.objects.get()
    codes = list(catalogue.motifs.values_list("code", flat=True))
    assert set(EVERYDAY) <= set(codes)
    assert len(codes) == 20
    themes = list(dict.fromkeys(catalogue.motifs.values_list("theme", flat=True)))
    assert themes[:3] == ["Paiements et droits", "Situation et démarches", "Logement"]
    housing = catalogue.motifs.get(code="AIDE-LOGEMENT").keyword_list()
    assert {"APL", "ALF", "ALS", "aide au logement"} <= set(housing)


def test_it_seeds_the_procedure_words_of_notes_c_and_d(db):
    procedures = {p.kind: p.keyword_list() for p in Procedure.objects.all()}
    assert {"insulte", "injure", "menace", "agressif", "grossier"} <= set(procedures["incivilite"])
    assert "urgence" in procedures["urgence"]
    distress = Motif.objects.get(code="DETRESSE").keyword_list()
    assert {"détresse", "suicide", "danger", "violence"} <= set(distress)
    assert "urgence" not in distress  # an urgency is not a transfer (note §C)


def test_it_corrects_the_table_keywords_that_stole_everyday_calls(db):
    assert "aide au logement" not in Motif.objects.get(code="ACCESSION").keyword_list()
    assert "RSA" not in Motif.objects.get(code="RSA-JEUNE").keyword_list()
    fixed = Motif.history.filter(history_type="~")
    assert sorted(fixed.values_list("code", flat=True)) == [
        "ACCESSION",
        "CMG",
        "DETRESSE",
        "RSA-JEUNE",
    ]
    assert all(h.history_change_reason.startswith("Mots-clés corrigés") for h in fixed)


def test_it_starts_the_catalogue_history_with_its_source(db):
    assert CatalogueMotif.history.filter(history_type="+").count() == 20
    assert Procedure.history.filter(history_type="+").count() == 2
    assert MotifCatalogue.history.get().history_change_reason.startswith("Données initiales")


def test_the_guide_reads_the_table_then_the_catalogue_then_the_procedures(db):
    rows = selectors.guide_rows(dt.date(2026, 6, 1))
    kinds = [row.kind for row in rows]
    assert kinds == ["table"] * 29 + ["catalogue"] * 20 + ["procedure"] * 2
    assert {row.rule_fi for row in rows if row.kind == "catalogue"} == {routing.LEVEL1}
    assert rows[29].journey == "Paiements et droits"


def test_a_catalogue_version_applies_from_its_date_only(db):
    newer = motif_catalogue_copy(
        source=MotifCatalogue.objects.get(), valid_from=dt.date(2027, 1, 1)
    )
    assert newer.motifs.count() == 20 and newer.procedures.count() == 2
    newer.motifs.filter(code="VACANCES-LOISIRS").delete()
    assert len(selectors.guide_rows(dt.date(2026, 12, 31))) == 51
    assert len(selectors.guide_rows(dt.date(2027, 1, 1))) == 50
    with pytest.raises(ValidationError):
        motif_catalogue_copy(source=newer, valid_from=dt.date(2027, 1, 1))


def test_without_a_catalogue_the_guide_keeps_the_table(db):
    MotifCatalogue.objects.all().delete()
    assert len(selectors.guide_rows()) == 29


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("keywords", "garde, CMG", "« CMG » désigne un motif du tableau de la note (« Le CMG »)"),
        ("keywords", "ASF", "« ASF » désigne un motif du tableau de la note"),
        ("keywords", "rsa jeune", "« rsa jeune » désigne un motif du tableau de la note"),
        ("code", "ARIPA", "« ARIPA » désigne un motif du tableau de la note"),
        ("label", "Le placement d'enfants", "désigne un motif du tableau de la note"),
    ],
)
def test_a_catalogue_motif_cannot_steal_a_table_motif(db, field, value, message):
    motif = CatalogueMotif.objects.get(code="PAIEMENTS")
    setattr(motif, field, value)
    with pytest.raises(ValidationError) as error:
        motif.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_a_procedure_needs_its_words(db):
    procedure = Procedure.objects.get(kind="urgence")
    procedure.keywords = " , "
    with pytest.raises(ValidationError, match="au moins un mot"):
        procedure.full_clean()


def catalogue_motif_form(motif, **changes):
    return {
        "catalogue": str(motif.catalogue_id),
        "position": str(motif.position),
        "theme": motif.theme,
        "code": motif.code,
        "label": motif.label,
        "keywords": motif.keywords,
        **changes,
    }


def test_an_administrator_adds_a_synonym_with_history(client_for, personas):
    motif = CatalogueMotif.objects.get(code="PAIEMENTS")
    url = f"/admin/reference/cataloguemotif/{motif.pk}/change/"
    response = client_for("adam").post(
        url, catalogue_motif_form(motif, keywords=motif.keywords + ", sous")
    )
    assert response.status_code == 302
    latest = motif.history.first()
    assert (latest.history_type, latest.history_user) == ("~", personas["adam"])
    assert latest.diff_against(latest.prev_record).changed_fields == ["keywords"]
    rows = selectors.guide_rows()
    assert [r.code for r in routing.search(rows, "sous")][:1] == ["PAIEMENTS"]


def test_the_admin_refuses_a_table_acronym_in_french(client_for):
    motif = CatalogueMotif.objects.get(code="PAIEMENTS")
    response = client_for("adam").post(
        f"/admin/reference/cataloguemotif/{motif.pk}/change/",
        catalogue_motif_form(motif, keywords="ASF"),
    )
    assert response.status_code == 200
    assert "désigne un motif du tableau de la note" in response.content.decode()
    motif.refresh_from_db()
    assert "ASF" not in motif.keywords


def test_the_admin_prepares_a_new_catalogue_version(client_for):
    catalogue = MotifCatalogue.objects.get()
    response = client_for("adam").post(
        "/admin/reference/motifcatalogue/",
        {"action": "copy_motifcatalogue", "_selected_action": [str(catalogue.pk)], "index": "0"},
    )
    newer = MotifCatalogue.objects.exclude(pk=catalogue.pk).get()
    assert response.status_code == 302
    assert response.url == f"/admin/reference/motifcatalogue/{newer.pk}/change/"
    assert newer.motifs.count() == 20


@pytest.mark.parametrize("model", ["motifcatalogue", "cataloguemotif", "procedure"])
def test_it_opens_every_catalogue_page_in_french(client_for, model):
    client = client_for("adam")
    listing = client.get(f"/admin/reference/{model}/")
    assert listing.status_code == 200
    first = re.search(rf'href="/admin/reference/{model}/(\d+)/change/', listing.content.decode())
    page = client.get(f"/admin/reference/{model}/{first.group(1)}/change/")
    assert page.status_code == 200
    assert client.get(f"/admin/reference/{model}/{first.group(1)}/history/").status_code == 200


def test_the_admin_index_names_the_catalogue_in_french(client_for):
    page = client_for("adam").get("/admin/").content.decode()
    assert "Catalogues des motifs de niveau 1" in page
    assert "Motifs de niveau 1 (hors tableau)" in page
    assert "Procédures du guide (note §C et §D)" in page


@pytest.mark.parametrize("persona", ["alice", "sam", "maud"])
def test_only_administrators_edit_the_catalogue(client_for, persona):
    assert client_for(persona).get("/admin/reference/cataloguemotif/").status_code == 302


def test_every_seeded_catalogue_row_is_valid(db):
    for row in list(CatalogueMotif.objects.all()) + list(Procedure.objects.all()):
        row.full_clean()

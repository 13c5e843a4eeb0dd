"""The declared list pages: filter, sort, tie-break, pagination, bad input, export, access."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from openpyxl import load_workbook

from pfspilot.lists.exports import Column
from pfspilot.lists.pages import Filter, ListPage
from pfspilot.people.models import Role, Team
from tests.conftest import make_user

pytestmark = pytest.mark.urls("tests.lists.urls")


def _get(client, name="essai:people", **params):
    return client.get(reverse(name), params)


def _ids(response):
    return [row["id"] for row in response.context["query"].rows]


def _page_ids(response):
    return [row["id"] for row in response.context["page_obj"].object_list]


def test_it_sorts_text_without_case_or_accents_by_default(client_for):
    response = _get(client_for("maud"))
    assert response.status_code == 200
    # Alice, bruno, Chloé, david, Émile: « É » sorts as « e », lower case beside upper case.
    assert _ids(response) == [3, 2, 4, 5, 1]


def test_it_sorts_ascending_and_descending_with_a_stable_tie_break(client_for):
    client = client_for("maud")
    # calls: Alice 3, Chloé 7, Émile 10 (id 1), bruno 10 (id 2), david unknown.
    assert _ids(_get(client, sort="calls")) == [3, 4, 1, 2, 5]
    # Descending: 10, 10 (still id 1 before id 2), 7, 3, then the unknown one, last again.
    assert _ids(_get(client, sort="-calls")) == [1, 2, 4, 3, 5]
    # rate: 0.9 twice (ids 3, 4), 0.5, 0.1, unknown (bruno) last.
    assert _ids(_get(client, sort="-rate")) == [3, 4, 1, 5, 2]
    assert _ids(_get(client, sort="rate")) == [5, 1, 3, 4, 2]


def test_it_marks_the_sorted_column_for_assistive_technologies(client_for):
    content = _get(client_for("maud"), sort="-calls").content.decode()
    assert content.count("aria-sort=") == 1
    assert (
        '<th scope="col" class="num" aria-sort="descending"><a href="?year=2026&amp;sort=calls"'
        in content
    )
    assert "<caption>Personnes d&#x27;essai — page 1 sur 3</caption>" in content
    assert content.count('<th scope="col"') == 4  # the screen columns only
    # Every visible filter has its label.
    assert '<label for="id_team">Équipe</label>' in content
    assert '<label for="id_min_calls">Appels au moins</label>' in content


def test_it_filters_by_a_choice_and_by_a_declared_lookup(client_for):
    client = client_for("maud")
    assert _ids(_get(client, team="Arras")) == [3, 5, 1]
    assert _ids(_get(client, team="Arras", min_calls="5")) == [1]
    assert _ids(_get(client, min_calls="7", sort="calls")) == [4, 1, 2]


def test_it_passes_parameters_to_the_source(client_for):
    client = client_for("maud")
    assert {row["year"] for row in _get(client).context["query"].rows} == {2026}
    assert {row["year"] for row in _get(client, year="2025").context["query"].rows} == {2025}


def test_it_pages_and_falls_back_on_a_bad_page(client_for):
    client = client_for("maud")
    assert _page_ids(_get(client)) == [3, 2]
    assert _page_ids(_get(client, page="2")) == [4, 5]
    assert _page_ids(_get(client, page="3")) == [1]
    assert _page_ids(_get(client, page="99")) == [1]  # past the end: the last page
    assert _page_ids(_get(client, page="0")) == [1]  # out of range: the last page too
    assert _page_ids(_get(client, page="abc")) == [3, 2]  # not a number: the first page
    content = _get(client, page="2", sort="-calls").content.decode()
    assert "Page 2 sur 3" in content
    assert "lignes 3 à 4" in content
    assert (
        'href="?year=2026&amp;sort=-calls&amp;page=1"' in content
    )  # the sort is kept in the page links
    assert "Précédente" in content and "Suivante" in content


def test_it_answers_bad_filter_values_with_french_errors(client_for):
    response = _get(
        client_for("maud"), team="Paris", min_calls="beaucoup", year="abc", sort="salaire"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    errors = [error["text"] for error in response.context["query"].errors]
    assert "Équipe : Sélectionnez un choix valide. Paris n’en fait pas partie." in errors
    assert "Appels au moins : Saisissez un nombre entier." in errors
    assert "Année : Saisissez un nombre entier." in errors
    assert "Tri : Sélectionnez un choix valide. salaire n’en fait pas partie." in errors
    # Nothing invalid applies: every row, the default year and the default sort.
    assert _ids(response) == [3, 2, 4, 5, 1]
    assert response.context["query"].params == {"year": 2026}


def test_it_keeps_the_valid_filters_beside_an_invalid_one(client_for):
    response = _get(client_for("maud"), team="Lens", min_calls="-1")
    assert "Appels au moins : Assurez-vous que cette valeur est supérieure ou égale à 0." in [
        error["text"] for error in response.context["query"].errors
    ]
    assert _ids(response) == [2, 4]


def test_it_renders_the_results_only_for_htmx(client_for):
    response = client_for("maud").get(
        reverse("essai:people"), {"team": "Lens"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert "<html" not in content and "<form" not in content
    assert '<table id="table-people"' in content
    assert '<input type="hidden" name="sort" value="name" form="filtres-people">' in content
    # The filter form is not re-rendered: its error texts are swapped out of band.
    invalid = client_for("maud").get(
        reverse("essai:people"), {"min_calls": "x"}, HTTP_HX_REQUEST="true"
    )
    assert (
        '<span id="id_min_calls_error" class="field-error" hx-swap-oob="true">'
        "Saisissez un nombre entier.</span>"
    ) in invalid.content.decode()
    assert '<span id="id_team_error" class="field-error" hx-swap-oob="true"></span>' in (
        invalid.content.decode()
    )


def test_it_exports_every_filtered_row_in_order_not_the_page(client_for):
    response = _get(client_for("maud"), team="Arras", sort="-calls", page="2", export="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="essai-2026.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nom", "Équipe", "Appels", "Taux (%)", "Numéro", "Année"]
    # The three Arras rows (a page holds two): Émile 10, Alice 3, david unknown (empty cell).
    assert rows[1:] == [
        ["Émile", "Arras", "10", "50,0", "1", "2026"],
        ["Alice", "Arras", "3", "90,0", "3", "2026"],
        ["david", "Arras", "", "10,0", "5", "2026"],
    ]


def test_it_exports_xlsx_with_the_same_rows(client_for):
    response = _get(client_for("maud"), min_calls="7", sort="name", export="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("Nom", "Équipe", "Appels", "Taux")
    assert [row[0] for row in values[1:]] == ["bruno", "Chloé", "Émile"]
    assert values[1][3] is None  # bruno's unknown rate stays an empty cell, not 0


def test_it_refuses_a_bad_export_with_a_french_message(client_for):
    client = client_for("maud")
    unknown = _get(client, export="pdf")
    assert unknown.status_code == 400
    assert unknown.content.decode() == "Format d'export inconnu : choisissez CSV ou XLSX."
    invalid = _get(client, export="csv", team="Paris")
    assert invalid.status_code == 400
    assert (
        "Export impossible, filtres invalides : Équipe : Sélectionnez" in invalid.content.decode()
    )


def test_it_requires_the_declared_capability(client, client_for):
    assert _get(client).status_code == 302  # anonymous: to the login page
    assert _get(client_for("alice")).status_code == 403  # agents do not hold "dashboard"
    assert _get(client_for("alice"), export="csv").status_code == 403
    detail = reverse("essai:people_detail", args=[1])
    assert client_for("bob").get(detail).status_code == 403


def test_it_shows_a_detail_page_of_a_row(client_for):
    response = client_for("diane").get(reverse("essai:people_detail", args=[4]))
    content = response.content.decode()
    assert "<h1>Chloé</h1>" in content
    assert "<dt>Appels</dt><dd>7</dd>" in content
    assert client_for("diane").get(reverse("essai:people_detail", args=[42])).status_code == 404
    listing = _get(client_for("diane"), sort="calls").content.decode()
    assert '<a href="/essai/personnes/3/">Alice</a>' in listing


def test_it_lists_a_scoped_queryset_with_labels_filters_and_sort(client_for, personas):
    lens = Team.objects.create(name="Lens")
    make_user("zoe", Role.AGENT, team=lens)
    client = client_for("maud")
    response = _get(client, "essai:accounts", sort="-username")
    # zoe is in another team: out of maud's rows. Descending usernames, then the pk.
    assert [user.username for user in response.context["query"].rows] == [
        "sam",
        "rita",
        "maud",
        "eric",
        "diane",
        "bob",
        "alice",
        "adam",
    ]
    content = response.content.decode()
    assert "<td>Assistant superviseur</td>" in content  # the choice's French label
    agents = _get(client, "essai:accounts", role=Role.AGENT)
    assert [user.username for user in agents.context["query"].rows] == ["alice", "bob"]
    exported = _get(client, "essai:accounts", role=Role.AGENT, export="csv")
    assert [line.split(";")[:4] for line in exported.content.decode("utf-8-sig").splitlines()] == [
        ["Identifiant", "Nom", "Rôle", "Entrée"],
        ["alice", "Alice", "Téléconseiller", "2020-01-01"],
        ["bob", "Bob", "Téléconseiller", "2020-01-01"],
    ]
    assert '<th scope="col">Nom</th>' in content  # not sortable: no sort link
    # A column that is no field cannot be sorted by: a French error, not a 500.
    unsortable = _get(client, "essai:accounts", sort="get_full_name")
    assert unsortable.status_code == 200
    assert unsortable.context["query"].errors[0]["text"].startswith("Tri : Sélectionnez")
    detail = client.get(reverse("essai:accounts_detail", args=["bob"]))
    assert "<dt>Équipe</dt><dd>Équipe Arras</dd>" in detail.content.decode()
    # Another team's account is not found for maud (404, not another's page).
    assert client.get(reverse("essai:accounts_detail", args=["zoe"])).status_code == 404


def test_it_shows_and_exports_instants_in_paris_time(client_for, personas):
    # 15/06/2026 08:00 UTC is 10:00 in Paris (summer time, UTC+2).
    with time_machine.travel(dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC), tick=False):
        make_user("yann", Role.AGENT, team=personas["maud"].team)
    client = client_for("maud")
    content = _get(client, "essai:accounts", role=Role.AGENT).content.decode()
    assert "<td>15/06/2026 10:00</td>" in content
    assert "<td>01/01/2020</td>" in content  # a date stays a date
    csv_text = _get(client, "essai:accounts", role=Role.AGENT, export="csv").content.decode()
    assert csv_text.splitlines()[-1].endswith(";2026-06-15 10:00:00")
    xlsx = _get(client, "essai:accounts", role=Role.AGENT, export="xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[-1][0] == "yann"
    assert rows[-1][4] == dt.datetime(2026, 6, 15, 10, 0)  # Excel holds no time zone


def test_it_breaks_ties_on_unknown_values_without_failing():
    page = _declare(tie_break=("team",))
    rows = [{"name": "Léa", "team": None}, {"name": "léa", "team": "Lens"}, {"name": "Abel"}]
    assert page._sorted(rows, "-name") == [rows[1], rows[0], rows[2]]


def _declare(**changes):
    declaration = {
        "name": "essai",
        "title": "Essai",
        "capability": "dashboard",
        "source": lambda user: [],
        "columns": [Column("Nom", "name")],
        "default_sort": "name",
    }
    return ListPage(**(declaration | changes))


def test_a_declaration_names_a_known_capability():
    assert _declare().capability == "dashboard"
    with pytest.raises(ImproperlyConfigured, match="capacité absente ou inconnue"):
        _declare(capability="")
    with pytest.raises(ImproperlyConfigured, match="capacité absente ou inconnue"):
        _declare(capability="tout_le_monde")


def test_a_declaration_is_refused_when_it_cannot_work():
    with pytest.raises(ImproperlyConfigured, match="tri par défaut"):
        _declare(default_sort="age")
    with pytest.raises(ImproperlyConfigured, match="filtres en conflit"):
        _declare(filters=[Filter("page", forms.CharField(required=False))])
    with pytest.raises(ImproperlyConfigured, match="filtres en conflit"):
        _declare(
            filters=[
                Filter("team", forms.CharField(required=False)),
                Filter("team", forms.CharField(required=False)),
            ]
        )

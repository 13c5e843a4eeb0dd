"""The agents' productivity list, moved from the dashboard onto a declared list page."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pfspilot.indicators.lists import AGENTS
from pfspilot.people.access import can
from pfspilot.people.models import Profile, Role, Team, User
from tests.conftest import PERSONAS

KEYS = (
    "agent",
    "agent_label",
    "team",
    "calls_answered",
    "phone_hours",
    "calls_per_hour",
    "calls_norm",
    "emails_answered",
    "email_hours",
    "emails_per_hour",
    "emails_norm",
    "aht_s",
    "repeat_rate",
    "calls_status",
    "emails_status",
)
# The dashboard's table before the move, for the factories' year (by hand from factories.py):
# tc001: c1, c5 answered in 2 h on the phone → 1,0 per hour; AHT (240 + 300) / 2 = 270 s;
# e1, e2 answered in 0,5 h → 4,0 per hour; no repeat among 2 identified calls.
# tc002: c2 in 2 h → 0,5 per hour; e4 in 1 h → 1,0 per hour; c2 is its caller's repeat: 1/1.
# Both under 95 % of the norms of 10 per hour: missed.
YEAR = [
    ("tc001", "TC001 Agent", "Arras", 2, 2.0, 1.0, 10.0, 2, 0.5, 4.0, 10.0, 270.0, 0.0)
    + ("missed", "missed"),
    ("tc002", "TC002 Agent", "Lens", 1, 2.0, 0.5, 10.0, 1, 1.0, 1.0, 10.0, 120.0, 1.0)
    + ("missed", "missed"),
]
# January: tc001 c1 (240 s) in 1 h, e1, e2 in 0,5 h; tc002 c2 in 2 h, 1 h on emails, none answered.
JANUARY = [
    ("tc001", "TC001 Agent", "Arras", 1, 1.0, 1.0, 10.0, 2, 0.5, 4.0, 10.0, 240.0, 0.0)
    + ("missed", "missed"),
    ("tc002", "TC002 Agent", "Lens", 1, 2.0, 0.5, 10.0, 0, 1.0, 0.0, 10.0, 120.0, 1.0)
    + ("missed", "missed"),
]


def _list(client, **params):
    return client.get(reverse("indicators:agents"), params)


def _rows(response):
    return response.context["query"].rows


def _values(rows):
    return [tuple(row[key] for key in KEYS) for row in rows]


def test_it_keeps_the_dashboards_figures(client_for, year_loaded):
    client = client_for("maud")
    assert _values(_rows(_list(client))) == YEAR
    assert _values(_rows(_list(client, month="1"))) == JANUARY


def test_it_shows_the_figures_in_french_with_their_status(client_for, year_loaded):
    content = _list(client_for("diane")).content.decode()
    assert '<td><a href="/indicateurs/?agent=tc001&amp;year=2026">TC001 Agent</a></td>' in content
    assert '<td class="num status-missed">4,0</td>' in content  # tc001's emails per hour
    assert (
        "Norme de la note : 10 appels par heure au téléphone et 10 courriels par heure" in content
    )
    assert "<caption>Productivité par téléconseiller</caption>" in content
    assert '<input type="number" name="year" value="2026"' in content  # the period it lists
    assert "3 colonnes de plus dans les exports CSV et XLSX." in content


def test_it_filters_by_team_profile_and_status(client_for, year_loaded):
    User.objects.filter(username="tc001").update(profile=Profile.CONFIRMED)
    client = client_for("maud")
    assert [row["agent"] for row in _rows(_list(client, team="Lens"))] == ["tc002"]
    confirmed = _rows(_list(client, profile="confirme"))
    assert [(row["agent"], row["profile_label"]) for row in confirmed] == [("tc001", "Confirmé")]
    assert _rows(_list(client, profile="fi")) == []  # tc002 has no profile: unknown, not fi
    assert len(_rows(_list(client, calls_status="missed"))) == 2
    assert _rows(_list(client, emails_status="met")) == []


def test_it_sorts_on_every_column(client_for, year_loaded):
    client = client_for("maud")
    for column in AGENTS.screen_columns:
        for sort in (column.key, f"-{column.key}"):
            response = _list(client, sort=sort)
            assert response.status_code == 200, sort
            assert response.context["query"].errors == [], sort
    agents = lambda response: [row["agent"] for row in _rows(response)]  # noqa: E731
    assert agents(_list(client, sort="-calls_per_hour")) == ["tc001", "tc002"]  # 1,0 then 0,5
    assert agents(_list(client, sort="calls_per_hour")) == ["tc002", "tc001"]
    assert agents(_list(client, sort="-team")) == ["tc002", "tc001"]  # Lens, Arras


def test_it_answers_bad_filters_with_french_errors(client_for, year_loaded):
    response = _list(client_for("maud"), team="Paris", year="deux mille", profile="expert")
    assert response.status_code == 200
    assert [error["text"] for error in response.context["query"].errors] == [
        "Année : Saisissez un nombre entier.",
        "Équipe : Sélectionnez un choix valide. Paris n’en fait pas partie.",
        "Profil : Sélectionnez un choix valide. expert n’en fait pas partie.",
    ]
    assert len(_rows(response)) == 2  # the current year, unfiltered


def test_it_exports_the_filtered_agents(client_for, year_loaded):
    client = client_for("adam")
    response = _list(client, team="Lens", export="csv")
    assert response["Content-Disposition"] == 'attachment; filename="pfspilot-agents-2026.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == ["tc002"]
    assert dict(zip(rows[0], rows[1], strict=True))["Taux de réitération (%)"] == "100,0"
    workbook = _list(client, month="1", sort="-aht_s", export="xlsx")
    assert workbook["Content-Disposition"] == 'attachment; filename="pfspilot-agents-2026-01.xlsx"'
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values[0]) == len(AGENTS.columns) == 15  # with « DMT : durées connues »
    assert [row[1] for row in values[1:]] == ["tc001", "tc002"]  # AHT 240 s, then 120 s


def test_the_dashboard_links_to_the_list_for_its_period(client_for, year_loaded):
    client = client_for("diane")
    response = client.get(reverse("indicators:dashboard"), {"month": "1"})
    assert "agents" not in response.context["tables"]
    assert 'href="/indicateurs/agents/?year=2026&amp;month=1"' in response.content.decode()
    motif = client.get(reverse("indicators:dashboard"), {"motif": "CMG"})
    assert "/indicateurs/agents/" not in motif.content.decode()  # no agent sums per motif


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_who_sees_the_dashboard_sees_the_list(client_for, personas, year_loaded, persona):
    client = client_for(persona)
    dashboard = client.get(reverse("indicators:dashboard")).status_code
    listing = _list(client).status_code
    export = _list(client, export="csv").status_code
    expected = 200 if can(personas[persona], "dashboard") else 403
    assert (dashboard, listing, export) == (expected, expected, expected)


def test_an_assistant_superviseur_never_sees_another_teams_agents(
    client_for, personas, year_loaded
):
    # Whether or not the role holds the dashboard, its team's agents are all it may see.
    sam = personas["sam"]
    assert sam.role == Role.SUPERVISOR
    sam.team = Team.objects.get(name="Arras")
    sam.save()
    client = client_for("sam")
    for params in ({}, {"team": "Lens"}, {"export": "csv"}):
        response = _list(client, **params)
        if response.status_code == 403:
            continue
        assert response.status_code == 200, params
        if "export" in params:
            lines = response.content.decode("utf-8-sig").splitlines()[1:]
            assert [line.split(";")[1] for line in lines] == ["tc001"]
        else:
            assert {row["team"] for row in _rows(response)} <= {"Arras"}, params

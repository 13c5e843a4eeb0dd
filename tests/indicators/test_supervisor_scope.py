"""Assistants superviseurs see the indicators of their own team and its agents, nothing else."""

import csv
import io

import pytest
from django.urls import reverse

from pfspilot.people.models import Team


@pytest.fixture
def sam(client_for, personas, year_loaded):
    """sam, assistant superviseur of Arras (tc001's team; tc002 is in Lens)."""
    personas["sam"].team = Team.objects.get(name="Arras")
    personas["sam"].save()
    return client_for("sam")


def _get(client, **params):
    return client.get(reverse("indicators:dashboard"), params)


def _export(client, **params):
    # The agents' table is exported by its list page: follow the redirect.
    return client.get(reverse("indicators:export"), params, follow=True)


def test_it_shows_their_team_by_default(sam):
    response = _get(sam)
    assert response.status_code == 200
    assert response.context["scope"].team == "Arras"
    tables = response.context["tables"]
    assert "equipes" not in tables and "motifs" not in tables and "demi_heures" not in tables
    agents = sam.get(response.context["agents_url"]).context["query"].rows
    assert [r["agent_label"] for r in agents] == ["TC001 Agent"]
    assert sam.get(reverse("indicators:agents"), {"team": "Lens"}).context["query"].rows == []
    # Arras: c1 and c5 answered by tc001; the 1 funded ETP of tc001 (not alice and bob).
    cards = {row["key"]: row for row in response.context["targets"]}
    assert cards["calls_per_fte"]["value"] == 2.0
    content = response.content.decode()
    assert "TC002" not in content and "Lens" not in content
    assert "Toutes les équipes" not in content and "Tous les motifs" not in content
    assert "Tableau de bord COG" in content  # in their menu


def test_it_shows_an_agent_of_their_team(sam):
    response = _get(sam, agent="tc001")
    assert response.status_code == 200
    assert response.context["scope"].agent == "tc001"


@pytest.mark.parametrize(
    "params",
    [{"team": "Lens"}, {"agent": "tc002"}, {"agent": "inconnu"}, {"motif": "CMG"}],
    ids=["other-team", "agent-of-other-team", "unknown-agent", "motif"],
)
def test_it_refuses_anything_beyond_their_team(sam, params):
    assert _get(sam, **params).status_code == 403
    assert _export(sam, table="cibles", **params).status_code == 403


@pytest.mark.parametrize("table", ["equipes", "motifs", "demi_heures"])
def test_it_refuses_platform_wide_tables(sam, table):
    response = _export(sam, table=table, format="csv")
    assert response.status_code == 403
    assert "Content-Disposition" not in response


def test_their_exports_hold_their_team_only(sam):
    response = _export(sam, table="agents", format="csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == ["tc001"]  # not tc002 of Lens
    assert dict(zip(rows[0], rows[1], strict=True))["Appels décrochés"] == "2"


def test_a_supervisor_without_a_team_sees_nothing(client_for, personas, year_loaded):
    personas["sam"].team = None
    personas["sam"].save()
    client = client_for("sam")
    assert _get(client).status_code == 403
    assert _export(client, table="agents").status_code == 403


def test_managers_and_direction_keep_the_whole_platform(client_for, year_loaded):
    for persona in ("maud", "diane", "adam"):
        response = _get(client_for(persona))
        assert response.context["scope"].team == ""
        assert "equipes" in response.context["tables"]
    assert _get(client_for("maud"), team="Lens").status_code == 200


def test_agents_still_have_no_dashboard(client_for, year_loaded):
    for persona in ("alice", "bob", "rita"):
        assert _get(client_for(persona)).status_code == 403

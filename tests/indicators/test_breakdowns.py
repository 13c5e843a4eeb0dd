"""Drill-down and breakdown tables: what is attributable to a team, an agent or a motif."""

from django.urls import reverse

QUEUE_LEVEL = ("calls_offered", "calls_ivr", "calls_abandoned", "pickup_rate", "service_level")


def _row(rows, label_key):
    return {row[label_key]: row for row in rows}


def test_it_leaves_queue_level_columns_blank_for_each_team(client_for, year_loaded):
    response = client_for("diane").get(reverse("indicators:dashboard"))
    rows = _row(response.context["tables"]["equipes"].rows, "team_label")
    assert list(rows) == ["Arras", "Lens", "Non attribués (SVI, abandons)", "Toute la plateforme"]
    arras = rows["Arras"]
    assert [arras[key] for key in QUEUE_LEVEL] == [None] * 5
    assert arras["calls_answered"] == 2  # c1, c5 (c4, abandoned in Arras' queue, is not theirs)
    assert arras["aht_s"] == 270.0  # (240 + 300) / 2
    assert arras["emails_answered"] == 2
    assert rows["Lens"]["calls_answered"] == 1
    # c3 was handled by the IVR before reaching any team.
    unattributed = rows["Non attribués (SVI, abandons)"]
    assert (unattributed["calls_offered"], unattributed["calls_ivr"]) == (1, 1)
    assert unattributed["pickup_rate"] is None
    total = rows["Toute la plateforme"]
    assert (total["calls_offered"], total["calls_answered"], total["calls_ivr"]) == (5, 3, 1)
    assert total["calls_abandoned"] == 1
    assert total["pickup_rate"] == 0.8  # (3 + 1) / 5, the cards' figure
    content = response.content.decode()
    assert '<tr class="total"><td>Toute la plateforme</td>' in content
    assert "<td>Non attribués (SVI, abandons)</td>" in content


def test_it_shows_unattributed_calls_in_the_motif_table(client_for, year_loaded):
    response = client_for("diane").get(reverse("indicators:dashboard"))
    rows = _row(response.context["tables"]["motifs"].rows, "motif_label")
    assert list(rows) == ["ASF", "CMG", "Non attribués (SVI, abandons)", "Toute la plateforme"]
    assert [rows["CMG"][key] for key in QUEUE_LEVEL] == [None] * 5
    assert rows["CMG"]["calls_answered"] == 2  # c1, c5
    assert rows["CMG"]["level1_received"] == 1  # e1
    # c4 was abandoned without a motif.
    assert rows["Non attribués (SVI, abandons)"]["calls_abandoned"] == 1
    assert rows["Toute la plateforme"]["calls_offered"] == 5


def test_it_names_the_agent_and_selects_their_team(client_for, year_loaded):
    response = client_for("maud").get(reverse("indicators:dashboard") + "?agent=tc002&team=Arras")
    scope = response.context["scope"]
    assert (scope.agent, scope.team) == ("tc002", "")  # the agent implies their team
    content = response.content.decode()
    assert "téléconseiller <strong>TC002 Agent</strong> (équipe Lens)" in content
    assert '<option value="Lens" selected>Lens</option>' in content
    assert '<option value="Arras">Arras</option>' in content
    assert "tc002</strong>" not in content
    targets = {row["key"]: row for row in response.context["targets"]}
    assert targets["pickup_rate"]["value"] is None
    assert targets["calls_per_fte"]["value"] == 2.0  # 1 call for 0,5 ETP


def test_it_shows_fewer_columns_than_it_exports(client_for, year_loaded):
    client = client_for("diane")
    response = client.get(reverse("indicators:dashboard"))
    content = response.content.decode()
    table = response.context["tables"]["equipes"]
    assert (len(table.columns), len(table.screen_columns), table.export_only) == (16, 12, 4)
    head = content.split('<table id="table-equipes">')[1].split("</thead>")[0]
    assert "Niveau de service" not in head and "ASA (s)" not in head
    assert "4 colonnes de plus dans les exports CSV et XLSX." in content
    exported = client.get(reverse("indicators:export"), {"table": "equipes", "format": "csv"})
    header = exported.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert len(header) == 16
    assert "Niveau de service (%)" in header
    assert response.context["tables"]["tendance"].export_only == 2

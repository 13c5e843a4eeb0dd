"""Drill-down and breakdown tables: what is attributable to a team, an agent or a motif."""

import csv
import io

import pytest
from django.urls import reverse

QUEUE_LEVEL = ("calls_ivr", "calls_abandoned", "pickup_rate", "service_level")
COUNTS = (
    "calls_offered",
    "calls_answered",
    "calls_ivr",
    "calls_abandoned",
    "emails_answered",
    "level1_received",
    "complaints_received",
)


def _row(rows, label_key):
    return {row[label_key]: row for row in rows}


def test_it_leaves_queue_level_columns_blank_for_each_team(client_for, year_loaded):
    response = client_for("diane").get(reverse("indicators:dashboard"))
    rows = _row(response.context["tables"]["equipes"].rows, "team_label")
    assert list(rows) == ["Arras", "Lens", "Non attribués (SVI, abandons)", "Toute la plateforme"]
    arras = rows["Arras"]
    assert [arras[key] for key in QUEUE_LEVEL] == [None] * 4
    assert arras["calls_answered"] == 2  # c1, c5 (c4, abandoned in Arras' queue, is not theirs)
    assert arras["calls_offered"] == 2  # a team is credited with its answered calls only
    assert arras["aht_s"] == 270.0  # (240 + 300) / 2
    assert arras["emails_answered"] == 2
    assert rows["Lens"]["calls_answered"] == 1
    # c3 was handled by the IVR before reaching any team; c4 abandoned in Arras' queue.
    unattributed = rows["Non attribués (SVI, abandons)"]
    assert (unattributed["calls_offered"], unattributed["calls_ivr"]) == (2, 1)
    assert unattributed["calls_abandoned"] == 1
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
    assert [rows["CMG"][key] for key in QUEUE_LEVEL] == [None] * 4
    assert rows["CMG"]["calls_answered"] == 2  # c1, c5
    assert rows["CMG"]["level1_received"] == 1  # e1
    # c3, handled by the IVR with the motif CMG, is not CMG's; c4 was abandoned without a motif.
    unattributed = rows["Non attribués (SVI, abandons)"]
    assert (unattributed["calls_ivr"], unattributed["calls_abandoned"]) == (1, 1)
    assert unattributed["calls_offered"] == 2
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
    assert (len(table.columns), len(table.screen_columns), table.export_only) == (18, 13, 5)
    head = content.split('<table id="table-equipes">')[1].split("</thead>")[0]
    assert "Niveau de service" not in head and "ASA (s)" not in head
    assert "5 colonnes de plus dans les exports CSV et XLSX." in content
    exported = client.get(reverse("indicators:export"), {"table": "equipes", "format": "csv"})
    header = exported.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert len(header) == 18
    assert "Niveau de service (%)" in header
    assert response.context["tables"]["tendance"].export_only == 2


def _sums_to_total(rows, label_key):
    """Each count column of the breakdown: Σ rows other than the total, and the total."""
    body = [r for r in rows if not r.get("total")]
    (total,) = [r for r in rows if r.get("total")]
    return {c: (sum(r.get(c) or 0 for r in body), total.get(c)) for c in COUNTS if c in total}


@pytest.mark.parametrize("name,label", [("equipes", "team_label"), ("motifs", "motif_label")])
def test_each_column_of_a_breakdown_adds_up_to_the_platform_total(
    client_for, year_loaded, name, label
):
    response = client_for("diane").get(reverse("indicators:dashboard"))
    sums = _sums_to_total(response.context["tables"][name].rows, label)
    # The factories' year: 5 calls offered = 3 answered (c1, c2, c5) + 1 IVR (c3) + 1 abandon
    # (c4); 2 level-1 emails (e1, e2), 1 complaint (e3); e1, e2 and e3 answered.
    assert sums["calls_offered"] == (5, 5)
    assert sums["calls_answered"] == (3, 3)
    assert sums["calls_ivr"] == (1, 1)
    assert sums["calls_abandoned"] == (1, 1)
    assert sums["level1_received"] == (2, 2)
    assert sums["complaints_received"] == (1, 1)
    assert all(body == total for body, total in sums.values()), sums


def test_the_agents_list_holds_every_answer_of_an_agent(client_for, year_loaded):
    url = reverse("indicators:agents")
    rows = client_for("maud").get(url).context["query"].rows
    assert [r["agent_label"] for r in rows] == ["TC001 Agent", "TC002 Agent"]
    # Answered by an agent: c1, c5 (tc001) and c2 (tc002); emails e1, e2 (tc001), e3 (tc002).
    assert sum(r["calls_answered"] for r in rows) == 3
    assert sum(r["emails_answered"] for r in rows) == 3
    assert sum(r["phone_hours"] for r in rows) == 4.0  # 1 h + 1 h (tc001) + 2 h (tc002)
    team = client_for("maud").get(url, {"team": "Arras"}).context["query"].rows
    assert [(r["agent_label"], r["calls_answered"]) for r in team] == [("TC001 Agent", 2)]


def test_the_csv_of_the_motifs_adds_up_too(client_for, year_loaded):
    response = client_for("diane").get(
        reverse("indicators:export"), {"table": "motifs", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert total[0] == "Toute la plateforme"
    for column in ("Appels présentés", "Décrochés (agents)", "Traités par le SVI", "Abandons"):
        i = header.index(column)
        assert sum(int(r[i] or 0) for r in body) == int(total[i]), column
    i = header.index("Traités par le SVI")
    unattributed = [r for r in body if r[0] == "Non attribués (SVI, abandons)"][0]
    assert unattributed[i] == "1"  # c3, although the IVR gave it the motif CMG

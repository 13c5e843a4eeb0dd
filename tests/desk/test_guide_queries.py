"""The table of agents' queries (guide_queries.py), through the page and through `pfspilot guide`.

Both must give the same ranked list; the first result and its action are the expected ones.
"""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from pfspilot.reference.selectors import guide_rows

from .guide_queries import NO_MATCH, QUERIES

SEARCH = reverse("desk:search")
AGENT_OF_PROFILE = {"fi": "alice", "confirme": "bob"}
IDS = [f"{q}-{p}" for q, p, _code, _action in QUERIES]


def guide(**options) -> list[dict]:
    out = StringIO()
    call_command("guide", json=True, stdout=out, **options)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1  # one JSON list, nothing else
    return json.loads(lines[0])


def test_the_table_has_at_least_150_queries():
    assert len(QUERIES) >= 150
    assert len({(q, p) for q, p, _c, _a in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize("query,profile,code,action", QUERIES, ids=IDS)
def test_the_page_shows_the_expected_first_motif_and_action(
    client_for, query, profile, code, action
):
    # « Non » to « Dossier en cours ? » for that motif, as the command without the flag.
    response = client_for(AGENT_OF_PROFILE[profile]).get(SEARCH, {"q": query, "sans_dossier": code})
    page = response.content.decode()
    codes = re.findall(r'<article class="motif kind-\w+" data-code="([\w-]+)">', page)
    assert codes and codes[0] == code, codes
    first = page.split("<article", 2)[1]
    assert re.search(rf'data-profile="{profile}" data-action="(\w+)"', first).group(1) == action


@pytest.mark.parametrize("query,profile,code,action", QUERIES, ids=IDS)
def test_the_command_prints_the_same_ranked_list(client_for, query, profile, code, action):
    rows = {row.code: row for row in guide_rows()}
    result = guide(query=query, profile=profile)
    assert result[0]["motif"] == rows[code].label
    assert result[0]["action"] == action
    assert result[0]["in_table"] is rows[code].in_table
    assert result[0]["parcours"] == rows[code].journey
    assert set(result[0]) == {"motif", "parcours", "in_table", "action", "instruction"}
    page = client_for(AGENT_OF_PROFILE[profile]).get(SEARCH, {"q": query}).content.decode()
    codes = re.findall(r'<article class="motif kind-\w+" data-code="([\w-]+)">', page)
    assert [item["motif"] for item in result] == [rows[c].label for c in codes]
    # Each result names its parcours (the row's `journey`).
    assert f'<span class="muted">{escape(rows[code].journey)}</span>' in page


@pytest.mark.parametrize("query", NO_MATCH)
def test_nothing_matches_an_unknown_query(client_for, query):
    assert guide(query=query, profile="fi") == []
    page = client_for("alice").get(SEARCH, {"q": query}).content.decode()
    assert "<strong>Motif hors tableau : traiter au niveau 1</strong>" in page
    assert "<article" not in page

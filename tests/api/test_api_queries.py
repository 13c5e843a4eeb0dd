"""The API's hot path (issue 9 §10: 200 agents recording calls and asking callbacks) stays
cheap: a bounded number of SQL queries per request, whatever the load (not a timed test)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from pfspilot.contacts.models import Call
from pfspilot.desk import services
from pfspilot.reference.selectors import routing_matrix


@pytest.fixture
def post(client, personas):
    key = Token.objects.create(user=personas["bob"]).key

    def _post(url, body):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url,
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {key}",
            )
        statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
        return response, statements

    return _post


def test_recording_a_call_and_asking_a_callback_take_few_queries(post):
    # token, Call by id, rules in force (steps' version), insert + history
    response, statements = post("/api/v1/calls", {"call_id": "C-1", "caller_number": "0321"})
    assert response.status_code == 201
    assert len(statements) <= 5, statements
    assert not any('FROM "people_team"' in sql for sql in statements)  # the team's id suffices
    # token, record, matrix in force and its motifs, desk rules and the motif's delay,
    # request + history, outcome + history; no platform rules for a working-day clock
    response, statements = post(
        "/api/v1/callbacks", {"call": response.json()["id"], "motif": "CMG", "note": "n"}
    )
    assert response.status_code == 201
    assert len(statements) <= 10, statements
    assert not any("reference_platformruleset" in sql for sql in statements)
    assert not any('FROM "people_team"' in sql for sql in statements)


def test_a_second_push_of_the_same_call_still_gives_the_same_record(post, personas):
    first, _ = post("/api/v1/calls", {"call_id": "C-2"})
    again, _ = post("/api/v1/calls", {"call_id": "C-2"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    with pytest.raises(services.AlreadyHeld):
        services.record_open(agent=personas["alice"], call_id="C-2")


def test_the_guide_rows_are_built_once_per_content(db):
    first, second = routing_matrix(), routing_matrix()
    assert first == second and first[0] is second[0]  # shared, not rebuilt per request
    motif = first[0]
    from pfspilot.reference.models import Motif

    Motif.objects.filter(code=motif.code).update(rule_confirme="rappel_differe")
    changed = next(row for row in routing_matrix() if row.code == motif.code)
    assert changed.rule_confirme == "rappel_differe"  # an edit is read at once


def test_the_telephony_record_is_found_by_call_id_through_an_index():
    """The desk looks a call up by `source_id` alone; the (source, source_id) unique index
    cannot serve that lookup (its first column is `source`): one index starts with it."""
    leading = [index.fields[0] for index in Call._meta.indexes]
    assert "source_id" in leading

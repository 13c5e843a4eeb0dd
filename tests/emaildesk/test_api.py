"""The email desk's API: next (200/204), release, reply by the holder (200) or another (409),
roles that may not (403), the schema; real parallel « next » requests on PostgreSQL."""

import datetime as dt
import json
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from pfspilot.emaildesk.models import EmailAnswer, EmailItem
from pfspilot.people.models import Role
from tests.conftest import make_user

from .factories import received


@pytest.fixture
def api(client, personas):
    class Caller:
        def __init__(self, name):
            self.key = Token.objects.get_or_create(user=personas[name])[0].key

        def post(self, url, body=None):
            return client.post(
                url,
                json.dumps(body or {}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {self.key}",
            )

    return Caller


def test_next_claims_the_most_urgent_with_an_offset_and_204_when_empty(api):
    assert api("alice").post("/api/v1/emails/next").status_code == 204
    now = timezone.now()
    received(received_at=now - dt.timedelta(hours=2))
    urgent = received(received_at=now - dt.timedelta(hours=30))
    response = api("alice").post("/api/v1/emails/next")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == urgent.pk and body["kind"] == "niveau1"
    due = dt.datetime.fromisoformat(body["due_at"])
    assert due.utcoffset() is not None and due == urgent.due_at
    assert body["assignee"] == "alice" and body["lease_until"]
    # Again: the same one (hers), not a second.
    assert api("alice").post("/api/v1/emails/next").json()["id"] == urgent.pk
    assert api("bob").post("/api/v1/emails/next").json()["id"] != urgent.pk
    assert api("rita").post("/api/v1/emails/next").status_code == 204


def test_release_by_the_holder_then_another_takes_it(api):
    item = received()
    api("alice").post("/api/v1/emails/next")
    assert api("bob").post(f"/api/v1/emails/{item.pk}/release").status_code == 409
    response = api("alice").post(f"/api/v1/emails/{item.pk}/release")
    assert response.status_code == 200 and response.json()["assignee"] is None
    assert api("bob").post("/api/v1/emails/next").json()["id"] == item.pk


def test_reply_by_the_holder_200_by_another_409_nothing_written(api):
    item = received(message_id="<api1@exemple.fr>")
    api("alice").post("/api/v1/emails/next")
    refused = api("bob").post(f"/api/v1/emails/{item.pk}/reply", {"body": "Bonjour"})
    assert refused.status_code == 409
    assert "détenez pas" in refused.json()["detail"]
    assert not EmailAnswer.objects.exists()
    response = api("alice").post(
        f"/api/v1/emails/{item.pk}/reply",
        {"body": "Bonjour {nom}", "template": "attestation-paiement"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "repondu" and body["template"] == "attestation-paiement"
    assert body["message_id"].startswith("<")
    item.refresh_from_db()
    assert item.status == EmailItem.ANSWERED
    again = api("alice").post(f"/api/v1/emails/{item.pk}/reply", {"body": "Encore"})
    assert again.status_code == 409


@pytest.mark.parametrize(
    "body,message",
    [
        ({}, "body : Ce champ est obligatoire."),
        ({"body": "Bonjour {prénom}"}, "Variable inconnue"),
        ({"body": "Bonjour", "template": "inconnu"}, "Modèle de réponse inconnu"),
    ],
)
def test_bad_replies_are_refused_in_french(api, body, message):
    item = received()
    api("alice").post("/api/v1/emails/next")
    response = api("alice").post(f"/api/v1/emails/{item.pk}/reply", body)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == EmailItem.CLAIMED


@pytest.mark.parametrize("persona", ["sam", "maud", "diane", "adam", "eric"])
def test_roles_that_may_not_get_403(api, persona):
    item = received()
    for url in ("/api/v1/emails/next", f"/api/v1/emails/{item.pk}/reply"):
        response = api(persona).post(url, {"body": "x"})
        assert response.status_code == 403
        assert response.json()["detail"].startswith("Votre rôle ne permet pas")


def test_the_schema_documents_the_email_endpoints(db, client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema").content)
    paths = schema["paths"]
    assert "204" in paths["/api/v1/emails/next"]["post"]["responses"]
    assert "409" in paths["/api/v1/emails/{id}/reply"]["post"]["responses"]
    assert "/api/v1/emails/{id}/release" in paths


# --- concurrency ----------------------------------------------------------------------------

AGENTS = 8
EMAILS = 5


def _parallel_next(url: str, keys: list[str]) -> list[tuple[int, int | None]]:
    """POSTs `url` once per key, all threads released at once: [(status, email id)]."""
    barrier = threading.Barrier(len(keys))
    results: list[tuple[int, int | None]] = [(0, None)] * len(keys)

    def call(index, key):
        request = urllib.request.Request(
            url,
            data=b"{}",
            method="POST",
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                payload = response.read()
                results[index] = (response.status, json.loads(payload)["id"] if payload else None)
        except urllib.error.HTTPError as error:
            results[index] = (error.code, None)

    threads = [threading.Thread(target=call, args=(i, k)) for i, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_parallel_next_gives_each_email_one_owner(live_server, reference_seed):
    if connection.vendor != "postgresql":
        pytest.skip(
            "requêtes parallèles réelles : PostgreSQL seulement (SQLite de test en mémoire)"
        )
    agents = [make_user(f"agent{i}", Role.AGENT) for i in range(AGENTS)]
    keys = [Token.objects.create(user=u).key for u in agents]
    items = [received() for _ in range(EMAILS)]
    results = _parallel_next(f"{live_server.url}/api/v1/emails/next", keys)
    statuses = sorted(status for status, _id in results)
    assert statuses == [200] * EMAILS + [204] * (AGENTS - EMAILS), results
    ids = [pk for status, pk in results if status == 200]
    assert sorted(ids) == sorted(i.pk for i in items)  # each email once
    for status, pk in results:
        if status == 200:
            winner = agents[[r[1] for r in results].index(pk)]
            assert EmailItem.objects.get(pk=pk).assignee == winner
    # One claim line per email in its history: no loser wrote.
    for item in items:
        assert EmailItem.history.filter(id=item.pk, history_type="~").count() == 1
    # Replies raced by the holder and another agent: one 200, one 409.
    item = EmailItem.objects.get(pk=ids[0])
    holder_key = keys[agents.index(item.assignee)]
    other_key = next(k for k in keys if k != holder_key)
    statuses = _parallel_replies(
        f"{live_server.url}/api/v1/emails/{item.pk}/reply", [holder_key, other_key]
    )
    assert statuses == [200, 409]
    assert EmailAnswer.objects.filter(item=item).count() == 1


def _parallel_replies(url: str, keys: list[str]) -> list[int]:
    barrier = threading.Barrier(len(keys))
    statuses = [0] * len(keys)

    def call(index, key):
        request = urllib.request.Request(
            url,
            data=json.dumps({"body": "Bonjour"}).encode(),
            method="POST",
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses[index] = response.status
        except urllib.error.HTTPError as error:
            statuses[index] = error.code

    threads = [threading.Thread(target=call, args=(i, k)) for i, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses

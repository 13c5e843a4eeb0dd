"""The HTTP API's contract (issue 9 §7): shapes, statuses, French JSON errors, token login,
the OpenAPI schema; claims under real parallel requests on PostgreSQL."""

import datetime as dt
import json
import threading
import urllib.error
import urllib.request

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from pfspilot.cli import CliError
from pfspilot.desk.models import CallRecord, Level2Request, Urgency
from pfspilot.people.models import Role, Team
from tests.conftest import make_user
from tests.desk.factories import request_for, urgency_for


@pytest.fixture
def api(client, personas):
    """api("alice").post(url, body) → response, with alice's token in the Authorization header."""

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


def test_it_opens_the_call_record_of_the_agent_who_takes_the_call(api, personas):
    response = api("alice").post("/api/v1/calls", {"call_id": "4711", "caller_number": "0612"})
    assert response.status_code == 201
    body = response.json()
    record = CallRecord.objects.get(pk=body["id"])
    assert record.agent == personas["alice"] and record.source == "telephonie"
    assert body["call_id"] == "4711" and body["agent"] == "alice"
    # A retry of the telephony gets the same record; another agent is refused.
    assert api("alice").post("/api/v1/calls", {"call_id": "4711"}).json()["id"] == body["id"]
    conflict = api("bob").post("/api/v1/calls", {"call_id": "4711"})
    assert conflict.status_code == 409
    assert conflict.json()["detail"].startswith("Une fiche existe déjà pour cet appel")


def test_it_requires_a_call_id(api):
    response = api("alice").post("/api/v1/calls", {})
    assert response.status_code == 400
    assert response.json()["detail"] == "call_id : Ce champ est obligatoire."
    assert not CallRecord.objects.exists()


def test_it_refuses_anonymous_and_bad_tokens_in_french(db, client):
    response = client.post("/api/v1/calls", "{}", content_type="application/json")
    assert response.status_code == 401
    assert "authentification" in response.json()["detail"].lower()
    bad = client.post(
        "/api/v1/calls", "{}", content_type="application/json", HTTP_AUTHORIZATION="Token nope"
    )
    # DRF's own French catalogue says « Token ».
    assert bad.status_code == 401 and bad.json()["detail"] == "Token non valide."


def test_a_role_that_may_not_gets_403(api):
    response = api("eric").post("/api/v1/calls", {"call_id": "1"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Votre rôle ne permet pas cette action : Renseigner une fiche d'appel."
    }


def test_a_callback_is_created_new_with_a_due_date_and_an_offset(api):
    record_id = api("alice").post("/api/v1/calls", {"call_id": "C1"}).json()["id"]
    response = api("alice").post(
        "/api/v1/callbacks", {"call": record_id, "motif": "Le CMG", "note": "Rappeler le matin"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "nouveau" and body["assignee"] is None
    assert body["motif_code"] == "CMG"
    due = dt.datetime.fromisoformat(body["due_at"])
    assert due.utcoffset() is not None
    assert Level2Request.objects.get(pk=body["id"]).due_at == due


@pytest.mark.parametrize(
    "body,message",
    [
        ({"call": 999999, "motif": "CMG"}, "Appel inconnu : aucune fiche d'appel « 999999 »"),
        ({"call": "C1", "motif": "licorne bleue"}, "Motif introuvable : « licorne bleue »"),
        ({"call": "C1", "motif": "CMG", "note": "x" * 2001}, "note : Assurez-vous"),
        ({"call": "C1", "motif": "CMG", "phone": "12"}, "Numéro de téléphone invalide"),
        ({"motif": "CMG"}, "call : Ce champ est obligatoire."),
    ],
)
def test_bad_callbacks_are_refused_in_french_and_nothing_is_written(api, body, message):
    api("alice").post("/api/v1/calls", {"call_id": "C1"})
    response = api("alice").post("/api/v1/callbacks", body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)
    assert not Level2Request.objects.exists()


def test_another_agents_call_is_unknown(api):
    api("bob").post("/api/v1/calls", {"call_id": "B1"})
    response = api("alice").post("/api/v1/callbacks", {"call": "B1", "motif": "CMG"})
    assert response.status_code == 400 and "Appel inconnu" in response.json()["detail"]


def test_one_expert_claims_a_callback_the_others_get_409(api, personas):
    item = request_for(personas["alice"])
    first = api("eric").post(f"/api/v1/callbacks/{item.pk}/claim")
    assert first.status_code == 200
    assert first.json()["assignee"] == "eric" and first.json()["status"] == "pris_en_charge"
    make_user("erwan", Role.EXPERT)
    personas["erwan"] = type(personas["eric"]).objects.get(username="erwan")
    second = api("erwan").post(f"/api/v1/callbacks/{item.pk}/claim")
    assert second.status_code == 409
    assert second.json()["detail"] == "Déjà pris en charge par Eric."
    assert api("alice").post(f"/api/v1/callbacks/{item.pk}/claim").status_code == 403
    missing = api("eric").post("/api/v1/callbacks/999999/claim")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Élément introuvable ou hors de votre périmètre."


def test_an_urgency_is_sent_with_its_commitment_and_claimed_once(api, personas):
    response = api("rita").post(
        "/api/v1/urgencies", {"subject": "Expulsion demain", "description": "Famille de 3"}
    )
    assert response.status_code == 201
    body = response.json()
    assert dt.datetime.fromisoformat(body["due_at"]).utcoffset() is not None
    assert body["call"] is None
    assert api("sam").post(f"/api/v1/urgencies/{body['id']}/claim").status_code == 200
    refused = api("maud").post(f"/api/v1/urgencies/{body['id']}/claim")
    assert refused.status_code == 409 and refused.json()["detail"] == "Déjà pris en charge par Sam."
    assert api("bob").post(f"/api/v1/urgencies/{body['id']}/claim").status_code == 403


def test_an_urgency_may_name_its_call_and_needs_a_subject(api):
    record_id = api("alice").post("/api/v1/calls", {"call_id": "U1"}).json()["id"]
    ok = api("alice").post(
        "/api/v1/urgencies", {"subject": "S", "description": "D", "call": str(record_id)}
    )
    assert ok.status_code == 201 and ok.json()["call"] == record_id
    bad = api("alice").post("/api/v1/urgencies", {"subject": "", "description": "D"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("subject :")
    unknown = api("alice").post(
        "/api/v1/urgencies", {"subject": "S", "description": "D", "call": "zz"}
    )
    assert unknown.status_code == 400
    assert Urgency.objects.count() == 1


def test_session_login_works_beside_tokens(client_for):
    client = client_for("alice")
    response = client.post("/api/v1/calls", {"call_id": "S1"}, content_type="application/json")
    assert response.status_code == 201


def test_the_schema_is_openapi_3_and_validates(db, client):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/calls",
        "/api/v1/callbacks",
        "/api/v1/callbacks/{id}/claim",
        "/api/v1/urgencies",
        "/api/v1/urgencies/{id}/claim",
    } <= set(schema["paths"])
    assert "Token" in json.dumps(schema["components"]["securitySchemes"])


def test_token_create_prints_a_key_that_logs_in(personas, client, capsys):
    call_command("token", "create", "alice")
    key = capsys.readouterr().out.strip()
    assert len(key) == 40 and Token.objects.get(user=personas["alice"]).key == key
    call_command("token", "create", "alice")
    assert capsys.readouterr().out.strip() != key  # a new key replaces the old one
    response = client.post(
        "/api/v1/calls",
        '{"call_id": "K"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 401


def test_token_create_refuses_an_unknown_account(db):
    with pytest.raises(CliError) as error:
        call_command("token", "create", "personne")
    assert str(error.value) == "Erreur : compte inconnu « personne »."
    assert not Token.objects.exists()


# --- concurrency ----------------------------------------------------------------------------

CLAIMANTS = 8


def _parallel_claims(url: str, keys: list[str]) -> list[int]:
    """POSTs `url` once per key, all threads released at the same instant; the statuses."""
    barrier = threading.Barrier(len(keys))
    statuses: list[int] = [0] * len(keys)

    def claim(index, key):
        request = urllib.request.Request(
            url,
            data=b"{}",
            method="POST",
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses[index] = response.status
        except urllib.error.HTTPError as error:
            statuses[index] = error.code

    threads = [threading.Thread(target=claim, args=(i, k)) for i, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_parallel_claims_give_one_owner(live_server):
    # In-memory SQLite is one connection shared by the test and the live server's threads, so
    # requests cannot run in parallel there; the claim is the same UPDATE on both databases.
    if connection.vendor != "postgresql":
        pytest.skip(
            "requêtes parallèles réelles : PostgreSQL seulement (SQLite de test en mémoire)"
        )
    team = Team.objects.create(name="Lens")
    agent = make_user("agent", Role.AGENT, team=team)
    experts = [make_user(f"expert{i}", Role.EXPERT) for i in range(CLAIMANTS)]
    # Assistants superviseurs of the agent's team (they see its urgencies).
    supervisors = [make_user(f"sup{i}", Role.SUPERVISOR, team=team) for i in range(CLAIMANTS)]
    item, urgency = request_for(agent), urgency_for(agent)
    for url, users, model, pk in (
        (f"{live_server.url}/api/v1/callbacks/{item.pk}/claim", experts, Level2Request, item.pk),
        (
            f"{live_server.url}/api/v1/urgencies/{urgency.pk}/claim",
            supervisors,
            Urgency,
            urgency.pk,
        ),
    ):
        keys = [Token.objects.create(user=u).key for u in users]
        statuses = _parallel_claims(url, keys)
        assert sorted(statuses) == [200] + [409] * (CLAIMANTS - 1), statuses
        winner = users[statuses.index(200)]
        assert model.objects.get(pk=pk).assignee == winner
        # One claim line in the history: the losers wrote nothing.
        assert model.history.filter(id=pk, history_type="~").count() == 1


def test_an_ended_account_is_refused_even_with_a_token(api, personas):
    caller = api("alice")
    personas["alice"].end_date = dt.date(2021, 1, 1)
    personas["alice"].save()
    response = caller.post("/api/v1/calls", {"call_id": "E1"})
    assert response.status_code == 401
    assert (
        response.json()["detail"] == "Compte arrivé à échéance ou pas encore ouvert : accès refusé."
    )
    assert not CallRecord.objects.exists()

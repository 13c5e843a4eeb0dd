"""Mon poste and the call record pages (one persona per role, healthchecks style)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from pfspilot.contacts.models import AgentActivity
from pfspilot.desk import services
from pfspilot.desk.models import CallRecord, Consultation, ContactChange, Level2Request
from pfspilot.engine.deadlines import PARIS
from pfspilot.planning.models import DayPlan

# Thursday 12 March 2026, 10:30 in Paris: a working day, not a training Thursday (third is 19).
MORNING = dt.datetime(2026, 3, 12, 10, 30, tzinfo=PARIS)


def test_home_sends_agents_to_their_desk(client_for):
    response = client_for("alice").get("/")
    assert response.status_code == 302 and response.url == reverse("poste:poste")
    assert client_for("sam").get("/").status_code == 200


@time_machine.travel(MORNING, tick=False)
def test_it_shows_the_template_day_when_no_plan_is_stored(client_for):
    page = client_for("alice").get(reverse("poste:poste")).content.decode()
    assert "Journée type de la note (§F), groupe A" in page
    # Group A: email 8:00–8:50, phone 8:50–11:45 (current at 10:30), lunch, phone, email.
    assert "08:50" in page and "11:45" in page and "(en cours)" in page


@time_machine.travel(MORNING, tick=False)
def test_it_shows_the_stored_day_plan(client_for, personas):
    alice = personas["alice"]
    slots = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30) if (h, m) < (16, 30)]
    quarters = "P" * 8 + "E" * 2 + "L" * 4 + "P" * (len(slots) * 2 - 14)
    agent = {
        "id": alice.pk,
        "name": "Alice",
        "team": "",
        "fte": 1.0,
        "lunch_group": "A",
        "quarters": quarters,
    }
    DayPlan.objects.create(day=MORNING.date(), payload={"slots": slots, "agents": [agent]})
    page = client_for("alice").get(reverse("poste:poste")).content.decode()
    assert "Plan de journée optimisé du 12/03/2026" in page
    # Quarters 9:00–11:00 phone, 11:00–11:30 email, 11:30–12:30 lunch.
    assert "11:00</td><td>11:30</td><td>" in page.replace("\n", "")


@time_machine.travel(MORNING, tick=False)
def test_counters_compare_calls_per_hour_with_the_norm(client_for, personas):
    alice = personas["alice"]
    for i in range(15):
        services.record_open(agent=alice, call_id=f"c{i}")
    AgentActivity.objects.create(
        agent=alice, agent_code="alice", day=MORNING.date(), phone_s=5400, email_s=0
    )
    page = client_for("alice").get(reverse("poste:poste")).content.decode()
    # 15 calls / 1.5 h logged on the phone = 10.0 per hour, the norm: met.
    assert 'class="status-met">10,0' in page


@time_machine.travel(MORNING, tick=False)
def test_counters_use_the_elapsed_timetable_when_activity_is_not_imported(client_for, personas):
    for i in range(8):
        services.record_open(agent=personas["alice"], call_id=f"c{i}")
    page = client_for("alice").get(reverse("poste:poste")).content.decode()
    # Phone since 8:50 until 10:30 = 1 h 40 = 5/3 h; 8 / (5/3) = 4.8 calls per hour < 10.
    assert 'class="status-missed">4,8' in page
    # Emails 8:00–8:50 elapsed, none answered: 0,0 per hour.
    assert 'class="status-missed">0,0' in page


def test_it_opens_a_record_from_the_desk(client_for):
    response = client_for("alice").post(reverse("poste:poste"), {"call_id": "T-42"})
    record = CallRecord.objects.get(call_id="T-42")
    assert response.status_code == 302 and response.url == reverse("poste:record", args=[record.pk])


def test_it_refuses_an_empty_call_id_in_french(client_for):
    response = client_for("alice").post(reverse("poste:poste"), {"call_id": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()


def test_the_screen_pop_shows_a_pushed_record_without_writing(client_for, personas):
    client = client_for("alice")
    assert "Appel en cours" not in client.get(reverse("poste:screen_pop")).content.decode()
    record, _c = services.record_open(
        agent=personas["alice"], call_id="PUSH-1", source=CallRecord.Source.TELEPHONY
    )
    fragment = client.get(reverse("poste:screen_pop")).content.decode()
    assert "Appel en cours" in fragment and reverse("poste:record", args=[record.pk]) in fragment
    assert 'hx-trigger="every 5s"' in client.get(reverse("poste:poste")).content.decode()
    services.record_set_motif(record, by=personas["alice"], motif="CMG")
    assert "Appel en cours" not in client.get(reverse("poste:screen_pop")).content.decode()


@pytest.fixture
def record(personas):
    return services.record_open(agent=personas["alice"], call_id="R-1")[0]


def _post(client, record, action, **data):
    body = {"action": action, **{f"{action}-{k}": v for k, v in data.items()}}
    return client.post(reverse("poste:record", args=[record.pk]), body)


def test_the_record_page_shows_the_checklist_and_the_secrecy_rule(client_for, record):
    page = client_for("alice").get(reverse("poste:record", args=[record.pk])).content.decode()
    assert "La levée de l" in page and "Secret professionnel" in page
    assert 'name="steps-steps"' in page and "<label" in page


def test_an_agent_takes_a_call_to_its_outcome_on_the_record_page(client_for, record):
    client = client_for("alice")
    assert _post(client, record, "steps", steps=["1", "2"]).status_code == 302
    assert (
        _post(
            client, record, "identify", caller_kind="allocataire", claimant_number="01234567"
        ).status_code
        == 302
    )
    assert _post(client, record, "contact", phone="06 12 34 56 78", email="").status_code == 302
    assert _post(client, record, "motif", motif="CMG").status_code == 302
    page = client.get(reverse("poste:record", args=[record.pk])).content.decode()
    assert "Orienter vers un rappel différé" in page  # Alice is a trainee: CMG is « V »
    assert (
        _post(
            client,
            record,
            "request",
            kind="rappel",
            motif="",
            phone="",
            availability="matin",
            note="",
        ).status_code
        == 302
    )
    assert _post(client, record, "close").status_code == 302
    record.refresh_from_db()
    assert record.status == "close" and record.claimant_number == "1234567"
    assert record.steps_done == [1, 2]
    assert Level2Request.objects.get().availability == "matin"
    assert ContactChange.objects.get().after == "+33612345678"


def test_a_bad_phone_shows_the_error_on_its_field(client_for, record):
    response = _post(client_for("alice"), record, "contact", phone="12", email="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "errorlist" in page and "Numéro de téléphone invalide" in page
    record.refresh_from_db()
    assert record.phone == ""


def test_a_transfer_outside_distress_is_refused_on_the_page(client_for, record, personas):
    services.record_set_motif(record, by=personas["alice"], motif="ASF")
    response = _post(client_for("alice"), record, "transfer", detail="")
    assert response.status_code == 400
    assert "Transfert refusé" in response.content.decode()
    assert not record.outcomes.exists()


def test_an_unknown_action_is_a_french_form_error(client_for, record):
    response = client_for("alice").post(reverse("poste:record", args=[record.pk]), {"action": "x"})
    assert response.status_code == 400 and "Action inconnue" in response.content.decode()


def test_another_agents_record_is_not_found(client_for, record):
    assert client_for("bob").get(reverse("poste:record", args=[record.pk])).status_code == 404


def test_reading_an_identified_record_is_logged(client_for, record, personas):
    services.record_identify(
        record, by=personas["alice"], claimant_number="7654321", caller_kind="allocataire"
    )
    client_for("alice").get(reverse("poste:record", args=[record.pk]))
    line = Consultation.objects.get()
    assert (line.user, line.claimant_number) == (personas["alice"], "7654321")
    page = client_for("adam").get(reverse("poste:consultations")).content.decode()
    assert "7654321" in page
    assert client_for("maud").get(reverse("poste:consultations")).status_code == 403

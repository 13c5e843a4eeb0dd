"""Queue pages: level-2 requests and slots, urgencies, incivility follow-ups."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pfspilot.desk import services
from pfspilot.desk.models import AppointmentSlot, FollowUp, Level2Request, RequestKind, Urgency
from pfspilot.people.models import Role
from pfspilot.workitems import services as workitems
from tests.conftest import make_user
from tests.desk.factories import request_for, urgency_for


def _act(client, url, action, **data):
    return client.post(url, {"action": action, **{f"{action}-{k}": v for k, v in data.items()}})


# --- level-2 requests -----------------------------------------------------------------------


def test_the_queue_lists_the_most_urgent_first_and_flags_the_overdue(client_for, personas):
    late = request_for(personas["alice"], due_at=timezone.now() - dt.timedelta(hours=1))
    soon = request_for(personas["alice"], motif_label="L'ASF")
    page = client_for("eric").get(reverse("poste:requests")).content.decode()
    late_link = reverse("poste:request", args=[late.pk])
    soon_link = reverse("poste:request", args=[soon.pk])
    assert page.index(late_link) < page.index(soon_link)
    assert page.count("en retard") == 1 and "status-missed" in page
    closed = client_for("eric").get(reverse("poste:requests"), {"status": "traite"})
    assert late_link not in closed.content.decode()
    export = client_for("eric").get(reverse("poste:requests"), {"export": "csv"})
    assert export.status_code == 200 and "Le CMG" in export.content.decode()


def test_an_agent_may_not_open_the_expert_queue(client_for):
    assert client_for("alice").get(reverse("poste:requests")).status_code == 403


def test_an_expert_claims_calls_and_closes_a_request(client_for, personas):
    item = request_for(personas["alice"])
    url = reverse("poste:request", args=[item.pk])
    client = client_for("eric")
    assert "Prendre en charge" in client.get(url).content.decode()
    assert _act(client, url, "claim").status_code == 302
    assert _act(client, url, "attempt", reached="0", note="messagerie").status_code == 302
    assert _act(client, url, "close", outcome="Rappelée, droits expliqués").status_code == 302
    item.refresh_from_db()
    assert (item.status, item.attempts, item.assignee) == ("traite", 1, personas["eric"])


def test_a_second_expert_sees_who_holds_it(client_for, personas):
    item = request_for(personas["alice"])
    workitems.claim(item, personas["eric"])
    other = make_user("erwan", Role.EXPERT)
    client = client_for("eric")
    client.force_login(other)
    response = _act(client, reverse("poste:request", args=[item.pk]), "claim")
    assert response.status_code == 400
    assert "Déjà pris en charge par Eric" in response.content.decode()


def test_closing_without_an_outcome_is_refused(client_for, personas):
    item = workitems.claim(request_for(personas["alice"]), personas["eric"])
    response = _act(
        client_for("eric"), reverse("poste:request", args=[item.pk]), "close", outcome=""
    )
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Level2Request.CLAIMED


def test_an_appointment_books_a_published_slot(client_for, personas):
    client = client_for("eric")
    start = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(
        second=0, microsecond=0
    )
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        reverse("poste:slots"),
        {"start": start.strftime(fmt), "end": (start + dt.timedelta(minutes=30)).strftime(fmt)},
    )
    assert response.status_code == 302
    slot = AppointmentSlot.objects.get()
    item = workitems.claim(
        request_for(personas["alice"], kind=RequestKind.APPOINTMENT), personas["eric"]
    )
    url = reverse("poste:request", args=[item.pk])
    assert str(slot) in client.get(url).content.decode()
    assert _act(client, url, "book", slot=str(slot.pk)).status_code == 302
    slot.refresh_from_db()
    assert slot.request == item
    overlap = client.post(
        reverse("poste:slots"),
        {"start": start.strftime(fmt), "end": (start + dt.timedelta(minutes=10)).strftime(fmt)},
    )
    assert overlap.status_code == 400 and "chevauche" in overlap.content.decode()


def test_a_supervisor_reassigns_a_request(client_for, personas):
    item = workitems.claim(request_for(personas["alice"]), personas["eric"])
    other = make_user("erwan", Role.EXPERT)
    response = client_for("sam").post(
        reverse("poste:request_reassign", args=[item.pk]), {"reassign-to": other.pk}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assignee == other
    assert (
        client_for("eric").post(reverse("poste:request_reassign", args=[item.pk])).status_code
        == 403
    )


# --- urgencies ------------------------------------------------------------------------------


def test_an_agent_sends_an_urgency_and_follows_it(client_for, personas):
    client = client_for("rita")
    response = client.post(
        reverse("poste:urgency_send"), {"subject": "Expulsion", "description": "Demain 9h"}
    )
    assert response.status_code == 302
    urgency = Urgency.objects.get()
    assert urgency.created_by == personas["rita"] and urgency.status == "nouvelle"
    assert "Expulsion" in client.get(reverse("poste:urgencies")).content.decode()


def test_an_urgency_without_description_is_refused(client_for):
    response = client_for("alice").post(
        reverse("poste:urgency_send"), {"subject": "X", "description": ""}
    )
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert not Urgency.objects.exists()


def test_a_supervisor_claims_transfers_and_closes_an_urgency(client_for, personas):
    urgency = urgency_for(personas["alice"])
    url = reverse("poste:urgency", args=[urgency.pk])
    client = client_for("sam")
    assert _act(client, url, "claim").status_code == 302
    assert _act(client, url, "transfer", service="recouvrement").status_code == 302
    assert _act(client, url, "close", kept="1", note="Dette suspendue").status_code == 302
    urgency.refresh_from_db()
    assert (urgency.status, urgency.commitment_kept, urgency.service.code) == (
        "close",
        True,
        "recouvrement",
    )
    assert "Prise en charge" in client.get(url).content.decode()  # the history


def test_overdue_urgencies_stand_out_on_every_supervisors_screen(client_for, personas):
    urgency_for(make_user("zoe", Role.AGENT), due_at=timezone.now() - dt.timedelta(minutes=5))
    for name in ("sam", "maud"):
        page = (
            client_for(name)
            .get(reverse("poste:requests" if name == "x" else "home"))
            .content.decode()
        )
        assert "1 urgence a dépassé son délai d'engagement." in page
    assert "délai d'engagement" not in client_for("diane").get("/").content.decode()


# --- incivilities ---------------------------------------------------------------------------


@pytest.fixture
def follow_up(personas):
    record = services.record_open(agent=personas["alice"], call_id="I-1")[0]
    return services.incivility_declare(
        record, by=personas["alice"], kind="insultes", recorded=True, call_ended=True
    ).follow_up


def test_managers_see_open_follow_ups_per_team(client_for, follow_up):
    page = client_for("maud").get(reverse("poste:incivilities")).content.decode()
    assert "Équipe Arras — 1" in page and "retranscription dans RECIT" in page
    assert client_for("alice").get(reverse("poste:incivilities")).status_code == 403


def test_the_manager_completes_the_three_steps(client_for, follow_up):
    today = timezone.localdate().isoformat()
    response = client_for("maud").post(
        reverse("poste:follow_up", args=[follow_up.pk]),
        {
            "exchange_on": today,
            "recit_reference": "RECIT-42",
            "transmitted_on": today,
            "transmitted_to": "Service juridique",
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert (
        "Équipe Arras" not in client_for("maud").get(reverse("poste:incivilities")).content.decode()
    )


def test_a_supervisor_reads_but_does_not_write_a_follow_up(client_for, follow_up):
    url = reverse("poste:follow_up", args=[follow_up.pk])
    assert client_for("sam").get(url).status_code == 200
    assert client_for("sam").post(url, {"recit_reference": "X"}).status_code == 403


def test_managers_are_reminded_of_incomplete_follow_ups_on_every_page(client_for, follow_up):
    page = client_for("maud").get("/").content.decode()
    assert "Rappel : 1 suivi d'incivilité à compléter." in page
    assert "suivi d'incivilité" not in client_for("sam").get("/").content.decode()


def test_the_reminder_command_counts_overdue_follow_ups(follow_up, capsys):
    from django.core.management import call_command

    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    call_command("remind_follow_ups")
    assert capsys.readouterr().out.strip() == "Suivis d'incivilité relancés : 1"
    follow_up.refresh_from_db()
    assert follow_up.reminders == 1

"""Pages of the email desk: the queue (countdown, overdue and due-today lines, holder), « Courriel
suivant », the email page (answer from a template, release), the supervisor's actions, the
templates, logout, and Mon poste's email slots and counters."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pfspilot.emaildesk.models import EmailItem, ResponseTemplate
from tests.timeutil import paris

from .factories import received


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_queue_counts_down_and_flags_overdue_and_due_today(client_for):
    now = paris(2026, 3, 10, 10, 0)
    with time_machine.travel(now, tick=False):
        late = received(received_at=now - dt.timedelta(hours=50), subject="En retard")
        today = received(received_at=now - dt.timedelta(hours=44), subject="Aujourd'hui")
        later = received(received_at=now - dt.timedelta(hours=1), subject="Plus tard")
        response = client_for("alice").get(reverse("courriels:queue"))
    assert response.status_code == 200
    rows = [[c["text"] for c in r["cells"]] for r in response.context["rows"]]
    assert [r[0] for r in rows] == [str(late.pk), str(today.pk), str(later.pk)]  # by deadline
    assert rows[0][6] == "en retard de 2 h 00 min"
    assert rows[1][6] == "reste 4 h 00 min"
    assert rows[2][6] == "reste 1 j 23 h"
    classes = [[c["class"] for c in r["cells"]] for r in response.context["rows"]]
    assert "status-missed" in classes[0][5] and "status-at_risk" in classes[1][5]
    assert "status" not in classes[2][5]
    content = response.content.decode()
    assert "Courriel suivant" in content and "1 en retard" in content


def test_next_takes_the_most_urgent_and_shows_it_with_its_holder(client_for, personas):
    received(received_at=timezone.now() - dt.timedelta(hours=2))
    urgent = received(received_at=timezone.now() - dt.timedelta(hours=20))
    client = client_for("alice")
    response = client.post(reverse("courriels:next"))
    assert response.url == reverse("courriels:email", args=[urgent.pk])
    page = client.get(response.url).content.decode()
    assert "Envoyer la réponse" in page and "reste 1 j 3" in page
    client.force_login(personas["bob"])
    page = client.get(reverse("courriels:email", args=[urgent.pk])).content.decode()
    assert "pris en charge par Alice" in page and "Envoyer la réponse" not in page
    queue = client.get(reverse("courriels:queue"))
    holders = {r["cells"][0]["text"]: r["cells"][8]["text"] for r in queue.context["rows"]}
    assert holders[str(urgent.pk)] == "alice"


def test_an_empty_queue_says_so(client_for):
    response = client_for("alice").post(reverse("courriels:next"), follow=True)
    assert "Aucun courriel en attente" in response.content.decode()


def test_the_agent_answers_from_a_template_after_editing(client_for, personas):
    item = received(from_name="Claire Martin")
    client = client_for("alice")
    client.post(reverse("courriels:next"))
    url = reverse("courriels:email", args=[item.pk])
    page = client.get(url, {"modele": "attestation-paiement"})
    body = page.context["reply_form"].initial["body"]
    assert body.startswith("Bonjour Claire Martin") and "caf.fr" in body
    edited = body.replace("Bonjour", "Bonjour et merci,", 1)
    response = client.post(
        url, {"action": "reply", "reply-body": edited, "reply-template": "attestation-paiement"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == EmailItem.ANSWERED
    (answer,) = item.answers.all()
    assert answer.body.startswith("Bonjour et merci,") and answer.template_code
    assert mail.outbox[0].body == answer.body
    poste = client.get(reverse("poste:poste"))
    assert poste.context["emails"].count == 1  # Mon poste counts it at once


def test_another_agent_cannot_answer_409_and_nothing_sent(client_for, personas):
    item = received()
    client = client_for("alice")
    client.post(reverse("courriels:next"))
    client.force_login(personas["bob"])
    response = client.post(
        reverse("courriels:email", args=[item.pk]), {"action": "reply", "reply-body": "Non"}
    )
    assert response.status_code == 409
    assert "Vous ne détenez pas ce courriel" in response.content.decode()
    assert not mail.outbox


def test_release_and_renew(client_for):
    item = received()
    client = client_for("alice")
    client.post(reverse("courriels:next"))
    renewed = client.post(reverse("courriels:renew", args=[item.pk]))
    assert renewed.content.decode() == "Réservé pour vous."
    response = client.post(reverse("courriels:email", args=[item.pk]), {"action": "release"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assignee is None
    assert client.post(reverse("courriels:renew", args=[item.pk])).content.decode() == (
        "Ce courriel ne vous est plus réservé."
    )


def test_logout_releases_the_held_email(client_for):
    item = received()
    client = client_for("alice")
    client.post(reverse("courriels:next"))
    client.post(reverse("logout"))
    item.refresh_from_db()
    assert item.assignee is None and item.status == EmailItem.NEW


def test_a_supervisor_reassigns_and_requalifies(client_for, personas):
    item = received()
    client = client_for("alice")
    client.post(reverse("courriels:next"))
    client.force_login(personas["sam"])
    page = client.get(reverse("courriels:email", args=[item.pk])).content.decode()
    assert "Réattribuer" in page and "Envoyer la réponse" not in page
    response = client.post(
        reverse("courriels:reassign", args=[item.pk]), {"reassign-to": personas["bob"].pk}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assignee == personas["bob"]
    response = client.post(
        reverse("courriels:requalify", args=[item.pk]), {"kind-kind": "reclamation"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.kind == "reclamation"
    refused = client.post(
        reverse("courriels:reassign", args=[item.pk]), {"reassign-to": personas["eric"].pk}
    )
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()


def test_templates_refuse_an_unknown_placeholder_and_keep_history(client_for, personas):
    client = client_for("sam")
    data = {
        "code": "nouveau",
        "label": "Nouveau",
        "motif": "Prime d'activité",
        "kind": "niveau1",
        "subject": "Votre prime",
        "body": "Bonjour {nom_complet}",
        "include_promotion": "on",
        "active": "on",
    }
    response = client.post(reverse("courriels:template_new"), data)
    assert response.status_code == 400
    assert "Variable inconnue : « {nom_complet} »" in response.content.decode()
    assert not ResponseTemplate.objects.filter(code="nouveau").exists()
    data["body"] = "Bonjour {nom}, voir {lien_caf}."
    response = client.post(reverse("courriels:template_new"), data)
    assert response.status_code == 302
    template = ResponseTemplate.objects.get(code="nouveau")
    assert template.history.first().history_user == personas["sam"]
    assert client_for("alice").get(reverse("courriels:templates")).status_code == 403


def test_the_promotion_block_is_versioned(client_for):
    client = client_for("maud")
    response = client.post(
        reverse("courriels:promotion"),
        {"valid_from": "2026-01-01", "text": "Rendez-vous sur {lien_caf} !"},
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("courriels:promotion"), {"valid_from": "2026-02-01", "text": "{site}"}
    )
    assert bad.status_code == 400


def test_mon_poste_shows_the_email_slots(client_for):
    page = client_for("alice").get(reverse("poste:poste"))
    assert page.context["email_blocks"] or "Aucun créneau courriels" in page.content.decode()
    assert "Mes créneaux courriels" in page.content.decode()
    assert "Courriel suivant" in page.content.decode()

"""The email desk in a real browser: an agent takes the next email and answers it from a template
within its deadline; a second agent never gets it from « Courriel suivant »; a supervisor
reassigns an email its holder abandoned."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pfspilot.emaildesk.models import EmailItem
from tests.emaildesk.factories import received

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _next(page):
    page.goto("/courriels/")
    page.get_by_role("button", name="Courriel suivant").click()
    expect(page).to_have_url(re.compile(r"/courriels/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_agents_work_the_queue_and_a_supervisor_reassigns(page, new_page, login_as, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    now = timezone.now()
    first = received(
        received_at=now - dt.timedelta(hours=30), from_name="Claire Martin", subject="Attestation"
    )
    second = received(received_at=now - dt.timedelta(hours=20), subject="Question APL")

    login_as(page, "alice")
    assert _next(page) == first.pk
    expect(page.locator("#compte-a-rebours")).to_contain_text("reste")

    bob = new_page()
    login_as(bob, "bob")
    assert _next(bob) == second.pk  # never Alice's

    # Alice answers from a template, edits it, sends.
    page.get_by_label("Modèle de réponse").select_option("attestation-paiement")
    page.get_by_role("button", name="Utiliser ce modèle").click()
    body = page.get_by_label("Réponse (modifiable avant l'envoi)")
    expect(body).to_have_value(re.compile("^Bonjour Claire Martin"))
    body.fill(body.input_value().replace("Bonjour Claire Martin,", "Bonjour Madame Martin,"))
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.locator(".messages")).to_contain_text("Réponse envoyée")
    expect(page.locator("#statut")).to_have_text("Répondu")
    first.refresh_from_db()
    assert first.status == EmailItem.ANSWERED
    assert first.record.answered_at <= first.due_at  # within its 48 h
    assert first.record.template == "attestation-paiement"

    # Bob abandons his email (closes the browser without logging out).
    bob.context.close()
    supervisor = new_page()
    login_as(supervisor, "sam")
    supervisor.goto(f"/courriels/{second.pk}/")
    expect(supervisor.locator("#detenteur")).to_contain_text("Bob")
    supervisor.get_by_label("Attribuer à").select_option(label="Alice")
    supervisor.get_by_role("button", name="Réattribuer").click()
    expect(supervisor.locator(".messages")).to_contain_text("Courriel réattribué")
    expect(supervisor.locator("#detenteur")).to_contain_text("Alice")

    # Alice's « Courriel suivant » gives her the reassigned email.
    assert _next(page) == second.pk
    page.get_by_label("Réponse (modifiable avant l'envoi)").fill("Bonjour, voici la réponse.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.locator("#statut")).to_have_text("Répondu")
    page.goto("/poste/")
    expect(page.locator(".counters")).to_contain_text("2 courriels")

"""Supervision in the browser (issue 11 item 8): an assistant superviseur plans the semester,
samples an agent, scores three calls (one failing a critical criterion), debriefs and signs;
the agent acknowledges the debrief with a comment."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from pfspilot.supervision.models import Criterion, Evaluation, Grid, Supervision
from tests.supervision.factories import activity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def score(page, supervision, item, *, fail_critical=False):
    page.goto(f"/supervision/{supervision.pk}/elements/{item.pk}/")
    grid = Grid.objects.get(kind="appel", active=True)
    for c in Criterion.objects.filter(section__grid=grid):
        value = "ko" if (fail_critical and c.critical) else "ok"
        page.locator(f'input[name="c{c.pk}"][value="{value}"]').check()
    page.get_by_role("button", name="Enregistrer l'évaluation").click()
    expect(page.locator(".messages")).to_contain_text("Évaluation enregistrée")


def test_a_supervision_from_plan_to_acknowledged_debrief(page, new_page, login_as, personas):
    alice = personas["alice"]
    activity(alice, start=dt.date(2027, 1, 4), days=12)

    login_as(page, "sam")
    page.goto("/supervision/")
    page.get_by_label("Semestre à planifier").fill("2027-S1")
    page.get_by_role("button", name="Planifier la campagne").click()
    expect(page.locator(".messages")).to_contain_text("Campagne 2027-S1")
    expect(page.locator("#board")).to_be_visible()
    supervision = Supervision.objects.get(agent=alice, campaign__semester="2027-S1")
    # The sampled period ends on the supervision's day: the day of the test data.
    Supervision.objects.filter(pk=supervision.pk).update(day=dt.date(2027, 1, 22))

    page.goto(f"/supervision/{supervision.pk}/")
    page.get_by_label("Graine du tirage").fill("3")
    page.get_by_role("button", name="Tirer l'échantillon").click()
    expect(page.locator("#sample tbody tr")).to_have_count(12)  # 6 calls, 4 emails, 2 requests
    calls = list(supervision.items.filter(kind="appel").order_by("position"))
    for i, item in enumerate(calls[:3]):
        score(page, supervision, item, fail_critical=i == 0)
    expect(page.locator(f'#sample tr[data-item="{calls[0].item_id}"]')).to_contain_text(
        "Critère critique manqué"
    )
    assert Evaluation.objects.filter(item__supervision=supervision).count() == 3

    page.get_by_label("Date du débriefing oral").fill("2027-01-22")
    page.get_by_label("Retranscription écrite").fill("Accueil soigné ; identification à revoir.")
    page.get_by_role("button", name="Enregistrer le débriefing").click()
    expect(page.locator(".messages")).to_contain_text("Débriefing enregistré")
    page.get_by_role("button", name=re.compile("^Signer")).click()
    expect(page.locator("#transcription")).to_contain_text("identification à revoir")
    expect(page.locator("#debrief-form")).to_have_count(0)  # locked once signed

    agent = new_page()
    login_as(agent, "alice")
    agent.goto(f"/supervision/{supervision.pk}/")
    agent.get_by_label("Votre commentaire (facultatif)").fill("Je retiens l'identification.")
    agent.get_by_role("button", name="J'ai pris connaissance du débriefing").click()
    expect(agent.locator("#acknowledged")).to_contain_text("Je retiens l'identification.")
    supervision.refresh_from_db()
    assert supervision.status == Supervision.Status.ACKNOWLEDGED

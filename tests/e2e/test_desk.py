"""The agent's desk in a real browser (issue 9 §9): Debian chromium driven by Playwright against
the live server, through the real pages (clicks, form fills), checked on the visible French
text and in the database.

a. a trainee and a confirmed agent take the same CMG call: different consignes and outcomes;
b. a distress call is transferred, another transfer is refused with its reason;
c. a callback requested from the call record is claimed by an expert and closed « traité »;
d. an urgency claimed by two supervisors at once goes to one, the other reads why;
e. an incivility declared from the call record opens the manager's follow-up (note §D).
"""

import datetime as dt
import json
import re
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from pfspilot.desk.models import (
    CallOutcome,
    CallRecord,
    FollowUp,
    Level2Request,
    OutcomeKind,
    Urgency,
)
from pfspilot.people.models import Role
from tests.conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def form(page, action):
    """The call record's (or a queue page's) form of `action` (its hidden `action` field)."""
    return page.locator(f'form:has(input[name="action"][value="{action}"])')


def flash(page):
    """The page's confirmation messages (Django messages)."""
    return page.locator("ul.messages")


def open_record(page, call_id, caller_number=""):
    """From Mon poste, opens the call record of `call_id` as the agent does; returns it."""
    page.goto("/poste/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon poste")
    opening = page.locator("form.inline-form")
    opening.get_by_label("Identifiant d'appel").fill(call_id)
    if caller_number:
        opening.get_by_label("Numéro appelant").fill(caller_number)
    opening.get_by_role("button", name="Ouvrir la fiche").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Fiche d'appel {call_id}")
    return CallRecord.objects.get(call_id=call_id)


def set_motif(page, motif):
    motif_form = form(page, "motif")
    motif_form.get_by_label("Motif (code ou libellé du guide)").fill(motif)
    motif_form.get_by_role("button", name="Enregistrer le motif").click()
    expect(flash(page)).to_contain_text("Motif et consigne enregistrés.")


def identify(page, number):
    identity = form(page, "identify")
    identity.get_by_label("Qui appelle").select_option(label="L'allocataire")
    identity.get_by_label("Numéro d'allocataire").fill(number)
    identity.get_by_role("button", name="Enregistrer l'identification").click()
    expect(flash(page)).to_contain_text("Identification enregistrée.")


def close_record(page):
    form(page, "close").get_by_role("button", name="Clore la fiche").click()
    expect(flash(page)).to_contain_text("Fiche close.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close")


def api_post(live_server, token, path, payload):
    """POST JSON to the live server's API with token authentication → (status, body)."""
    request = urllib.request.Request(
        live_server.url + path,
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


# --- a. same CMG call, two profiles --------------------------------------------------------


def test_a_trainee_and_a_confirmed_agent_get_different_consignes_for_the_cmg(
    new_page, login_as, live_server
):
    trainee, confirmed = new_page(), new_page()
    alice = login_as(trainee, "alice")  # profil « fi » (formation initiale)
    bob = login_as(confirmed, "bob")  # profil « confirmé »

    # The trainee opens the record herself, the confirmed agent's record is pushed by the
    # telephony (screen pop): it appears on his Mon poste without reloading the page.
    open_record(trainee, "CMG-0001", "0321000001")
    confirmed.goto("/poste/")
    expect(confirmed.locator("#remontee")).not_to_contain_text("Appel en cours")
    token = Token.objects.create(user=bob).key
    status, body = api_post(
        live_server, token, "/api/v1/calls", {"call_id": "CMG-0002", "caller_number": "0321000002"}
    )
    assert status == 201 and body["agent"] == "bob"
    pop = confirmed.locator("#remontee")
    expect(pop).to_contain_text("Appel en cours", timeout=15_000)  # htmx polls every 5 s
    pop.get_by_role("link", name="Ouvrir la fiche d'appel").click()
    expect(confirmed.get_by_role("heading", level=1)).to_contain_text("Fiche d'appel CMG-0002")

    for page in (trainee, confirmed):
        identify(page, "1234567")
        set_motif(page, "CMG")
        expect(page.locator("#h-motif + p")).to_contain_text("Le CMG")

    # The note's table: CMG → rappel différé for a trainee, level 1 for a confirmed agent.
    expect(trainee.locator(".consigne")).to_contain_text("Orienter vers un rappel différé")
    expect(confirmed.locator(".consigne")).to_contain_text("Traiter l'appel au niveau 1")

    # The trainee records the callback the consigne asks for…
    request = form(trainee, "request")
    request.get_by_label("Demande").select_option(label="Rappel différé")
    request.get_by_label("Téléphone à rappeler").fill("06 12 34 56 78")
    request.get_by_label("Disponibilités").fill("Le matin avant 11 h")
    request.get_by_role("button", name="Envoyer la demande").click()
    expect(flash(trainee)).to_contain_text("Demande envoyée aux experts de niveau 2.")
    expect(trainee.locator("#h-issues ~ ul")).to_contain_text("Rappel différé demandé")
    close_record(trainee)

    # … the confirmed agent answers at level 1 and promotes the caf.fr services.
    for label in ("Réponse apportée au niveau 1", "Services du caf.fr promus"):
        outcome = form(confirmed, "outcome")
        outcome.get_by_label("Issue").select_option(label=label)
        outcome.get_by_role("button", name="Ajouter l'issue").click()
        expect(flash(confirmed)).to_contain_text("Issue enregistrée.")
        expect(confirmed.locator("#h-issues ~ ul")).to_contain_text(label)
    close_record(confirmed)

    first = CallRecord.objects.get(call_id="CMG-0001")
    second = CallRecord.objects.get(call_id="CMG-0002")
    assert (first.agent, first.source, first.motif_code) == (alice, "agent", "CMG")
    assert (second.agent, second.source, second.motif_code) == (bob, "telephonie", "CMG")
    assert first.routing_action == "rappel_differe" and second.routing_action == "traiter"
    assert first.status == second.status == CallRecord.Status.CLOSED
    assert list(first.outcomes.values_list("kind", flat=True)) == [OutcomeKind.CALLBACK]
    assert list(second.outcomes.values_list("kind", flat=True)) == [
        OutcomeKind.LEVEL1,
        OutcomeKind.CAF_FR,
    ]
    callback = Level2Request.objects.get(record=first)
    assert (callback.status, callback.motif_code, callback.phone) == (
        "nouveau",
        "CMG",
        "+33612345678",
    )
    assert not second.requests.exists()


# --- b. distress transfer, and a refused one -------------------------------------------------


def test_a_distress_call_is_transferred_and_another_transfer_is_refused(page, login_as):
    login_as(page, "bob")
    distress = open_record(page, "DET-0001")
    set_motif(page, "DETRESSE")
    expect(page.locator(".consigne")).to_contain_text(
        "Transférer l'appel vers un assistant superviseur ou un manager"
    )
    transfer = form(page, "transfer")
    transfer.get_by_label("Précision").fill("Propos inquiétants, passé à Sam")
    transfer.get_by_role("button", name="Transférer").click()
    expect(flash(page)).to_contain_text("Transfert enregistré")
    expect(page.locator("#h-issues ~ ul")).to_contain_text("Transfert (usager en détresse)")
    assert list(distress.outcomes.values_list("kind", "detail")) == [
        (OutcomeKind.TRANSFER, "Propos inquiétants, passé à Sam")
    ]

    other = open_record(page, "APL-0002")
    set_motif(page, "ASF")
    form(page, "transfer").get_by_role("button", name="Transférer").click()
    refusal = form(page, "transfer").get_by_role("alert")
    expect(refusal).to_contain_text(
        "Transfert refusé : aucun appel ne fait l'objet de transfert interne en dehors des "
        "situations de détresse"
    )
    expect(refusal).to_contain_text("Motif : L'ASF")
    expect(page.locator("#h-issues")).to_be_visible()
    expect(page.get_by_text("Aucune issue pour l'instant.")).to_be_visible()
    assert not CallOutcome.objects.filter(record=other).exists()  # nothing written

    # Without a motif, the refusal says so too.
    open_record(page, "APL-0003")
    form(page, "transfer").get_by_role("button", name="Transférer").click()
    expect(form(page, "transfer").get_by_role("alert")).to_contain_text("aucun motif choisi")
    assert not CallOutcome.objects.filter(kind=OutcomeKind.TRANSFER).exclude(record=distress)


# --- c. callback requested by an agent, claimed and closed by an expert ----------------------


def test_a_callback_requested_by_an_agent_is_claimed_and_closed_by_an_expert(new_page, login_as):
    agent_page, expert_page = new_page(), new_page()
    alice = login_as(agent_page, "alice")
    eric = login_as(expert_page, "eric")  # expert (niveau 2)

    record = open_record(agent_page, "RAP-0001")
    identify(agent_page, "7654321")
    set_motif(agent_page, "Le CMG")
    request = form(agent_page, "request")
    request.get_by_label("Demande").select_option(label="Rappel différé")
    request.get_by_label("Téléphone à rappeler").fill("06 98 76 54 32")
    request.get_by_label("Disponibilités").fill("Mardi après-midi")
    request.get_by_label("Note pour l'expert").fill("Changement d'assistante maternelle.")
    request.get_by_role("button", name="Envoyer la demande").click()
    expect(flash(agent_page)).to_contain_text("Demande envoyée aux experts de niveau 2.")
    expect(agent_page.locator("#h-issues")).to_be_visible()
    expect(
        agent_page.get_by_text(re.compile(r"Rappel différé \(Nouveau, échéance"))
    ).to_be_visible()
    callback = Level2Request.objects.get(record=record)

    # The expert's queue: the request is there, « Nouveau », nobody holds it.
    expert_page.goto("/poste/demandes/")
    table = expert_page.locator("#table-requests")
    row = table.locator("tbody tr", has_text="Le CMG")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Rappel différé")
    expect(row).to_contain_text("Nouveau")
    row.get_by_role("link", name=str(callback.pk), exact=True).click()
    expect(expert_page.get_by_role("heading", level=1)).to_have_text(
        f"Rappel différé n° {callback.pk} — Le CMG"
    )
    facts = expert_page.locator("dl.facts")
    expect(facts).to_contain_text("06 98 76 54 32")
    expect(facts).to_contain_text("Mardi après-midi")
    expect(facts).to_contain_text("Changement d'assistante maternelle.")

    expert_page.get_by_role("button", name="Prendre en charge").click()
    expect(flash(expert_page)).to_contain_text("Demande mise à jour.")
    expect(facts).to_contain_text("Pris en charge")
    expect(facts).to_contain_text("Eric")

    attempt = form(expert_page, "attempt")
    attempt.get_by_label("Résultat de l'appel").select_option(label="Non joint")
    attempt.get_by_label("Note").fill("Messagerie")
    attempt.get_by_role("button", name="Enregistrer la tentative").click()
    expect(flash(expert_page)).to_contain_text("Demande mise à jour.")
    expect(expert_page.get_by_text("non joint — Eric : Messagerie")).to_be_visible()

    closing = form(expert_page, "close")
    closing.get_by_label("Résultat").fill("Rappelée : droits au CMG recalculés.")
    closing.get_by_role("button", name="Clore la demande").click()
    expect(flash(expert_page)).to_contain_text("Demande mise à jour.")
    expect(facts).to_contain_text("Traité")
    expect(facts).to_contain_text("Rappelée : droits au CMG recalculés.")
    expect(expert_page.get_by_role("button", name="Prendre en charge")).to_have_count(0)

    callback.refresh_from_db()
    assert (callback.status, callback.assignee, callback.attempts) == ("traite", eric, 1)
    assert callback.outcome == "Rappelée : droits au CMG recalculés."
    assert callback.created_by == alice and callback.closed_at is not None
    reasons = list(callback.history.order_by("history_id").values_list("history_change_reason"))
    assert ("Prise en charge",) in reasons

    # Closed requests leave the expert's open queue; the agent sees it « Traité » on the record.
    expert_page.goto("/poste/demandes/")
    expect(expert_page.locator("#table-requests tbody")).to_contain_text("Aucune ligne")
    agent_page.reload()
    expect(agent_page.get_by_text(re.compile(r"Rappel différé \(Traité, échéance"))).to_be_visible()


# --- d. one urgency, two supervisors clicking at once ---------------------------------------


def test_an_urgency_claimed_by_two_supervisors_at_once_goes_to_one(
    new_page, login_as, personas, team
):
    make_user("sophie", Role.SUPERVISOR, "", team)
    agent_page = new_page()
    login_as(agent_page, "bob")
    record = open_record(agent_page, "URG-0001")
    urgency_form = form(agent_page, "urgency")
    urgency_form.get_by_label("Objet").fill("Expulsion demain")
    urgency_form.get_by_label("Description").fill("Aide au logement suspendue, expulsion prévue.")
    urgency_form.get_by_role("button", name="Envoyer l'urgence").click()
    expect(flash(agent_page)).to_contain_text("Urgence envoyée à la boîte de la supervision.")
    urgency = Urgency.objects.get(record=record)
    assert urgency.status == "nouvelle" and urgency.assignee is None

    supervisors = {}
    for name in ("sam", "sophie"):
        supervisor = new_page()
        login_as(supervisor, name)
        supervisor.goto("/poste/urgences/")
        row = supervisor.locator("#table-urgencies tbody tr", has_text="Expulsion demain")
        expect(row).to_contain_text("Nouvelle")
        row.get_by_role("link", name=str(urgency.pk), exact=True).click()
        expect(supervisor.get_by_role("heading", level=1)).to_have_text(
            "Urgence : Expulsion demain"
        )
        supervisors[name] = supervisor

    # Both click « Prendre en charge » without waiting for the other's answer.
    for supervisor in supervisors.values():
        supervisor.get_by_role("button", name="Prendre en charge").click(no_wait_after=True)
    outcome = {}
    for name, supervisor in supervisors.items():
        answer = supervisor.locator("ul.messages, ul.errorlist[role=alert]")
        expect(answer).to_be_visible()
        outcome[name] = answer.inner_text()

    urgency.refresh_from_db()
    winner = urgency.assignee.username
    loser = ({"sam", "sophie"} - {winner}).pop()
    assert urgency.status == "prise_en_charge"
    assert "Urgence mise à jour." in outcome[winner]
    assert outcome[loser] == f"Déjà pris en charge par {winner.title()}."
    claims = urgency.history.filter(history_change_reason="Prise en charge")
    assert claims.count() == 1 and claims.get().history_user.username == winner

    # The loser's page now says who holds it; the winner transmits and closes it.
    expect(supervisors[loser].locator("dl.facts")).to_contain_text(winner.title())
    page = supervisors[winner]
    transfer = form(page, "transfer")
    transfer.get_by_label("Service destinataire").select_option(label="Aides au logement")
    transfer.get_by_role("button", name="Transmettre").click()
    expect(page.locator("dl.facts")).to_contain_text("Transmise au service")
    closing = form(page, "close")
    closing.get_by_label("Engagement tenu").select_option(label="Oui")
    closing.get_by_role("button", name="Clore").click()
    expect(page.locator("dl.facts")).to_contain_text("Close")
    urgency.refresh_from_db()
    assert (urgency.status, urgency.commitment_kept, urgency.service.code) == (
        "close",
        True,
        "logement",
    )


# --- e. incivility and the manager's follow-up ----------------------------------------------


def test_an_incivility_opens_a_follow_up_that_the_manager_completes(new_page, login_as):
    agent_page, manager_page = new_page(), new_page()
    login_as(agent_page, "bob")
    maud = login_as(manager_page, "maud")  # manager of bob's team

    record = open_record(agent_page, "INC-0001")
    declaration = form(agent_page, "incivility")
    declaration.get_by_label("Type d'incivilité").select_option(label="Insultes")
    declaration.get_by_label("Communication enregistrée").check()
    declaration.get_by_label("Appel terminé").check()
    declaration.get_by_label("Faits").fill("Insultes répétées après le refus de l'aide.")
    declaration.get_by_role("button", name="Déclarer l'incivilité").click()
    expect(flash(agent_page)).to_contain_text("Incivilité déclarée : votre manager est prévenu.")
    expect(agent_page.locator("#h-issues ~ ul")).to_contain_text(
        "Appel terminé pour incivilité — Insultes"
    )
    follow_up = FollowUp.objects.get(incivility__record=record)
    assert follow_up.assignee == maud and follow_up.status == "en_cours"

    manager_page.goto("/poste/incivilites/")
    section = manager_page.locator("section", has_text="Équipe Arras")
    expect(section).to_contain_text("Insultes")
    expect(section).to_contain_text(
        "échange avec l'agent, retranscription dans RECIT, transmission aux services concernés"
    )
    section.get_by_role("link", name="Bob").click()
    facts = manager_page.locator("dl.facts")
    expect(facts).to_contain_text("Insultes répétées après le refus de l'aide.")

    today = timezone.localdate()
    steps = [
        ("Échange avec l'agent le", today - dt.timedelta(days=1), "retranscription dans RECIT"),
        ("Référence RECIT", "RECIT-2026-0042", "transmission aux services concernés"),
    ]
    for label, value, still_missing in steps:
        field = manager_page.get_by_label(label)
        field.fill(value.isoformat() if isinstance(value, dt.date) else value)
        manager_page.get_by_role("button", name="Enregistrer").click()
        expect(flash(manager_page)).to_contain_text("Suivi enregistré.")
        expect(facts).to_contain_text(f"manque : {still_missing}")
    manager_page.get_by_label("Transmis le").fill(today.isoformat())
    manager_page.get_by_label("Transmis à (services)").fill("Service juridique, direction")
    manager_page.get_by_role("button", name="Enregistrer").click()
    expect(flash(manager_page)).to_contain_text("Suivi enregistré.")
    expect(facts).to_contain_text("Complet")
    expect(manager_page.get_by_text("RECIT : RECIT-2026-0042")).to_be_visible()

    follow_up.refresh_from_db()
    assert follow_up.status == "complet" and follow_up.closed_at is not None
    assert follow_up.exchange_on == today - dt.timedelta(days=1)
    assert (follow_up.recit_reference, follow_up.transmitted_on, follow_up.transmitted_to) == (
        "RECIT-2026-0042",
        today,
        "Service juridique, direction",
    )
    manager_page.goto("/poste/incivilites/")
    expect(manager_page.get_by_text("Aucun suivi en cours.")).to_be_visible()

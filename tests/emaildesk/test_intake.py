"""The intake (app mailbox) feeds the desk: a stored message becomes an email of the queue in the
same transaction, auto-replies and bounces stay out, replies join their thread, the
attachments show on the email page for those who may see it."""

import pytest
from django.urls import reverse

from pfspilot.emaildesk import services
from pfspilot.emaildesk.models import EmailItem
from pfspilot.mailbox.models import Mailbox
from pfspilot.mailbox.parsing import parse_message
from pfspilot.mailbox.services import store_message
from tests.mailbox import messages as m


@pytest.fixture(autouse=True)
def _mail_dir(settings, tmp_path):
    settings.MAIL_DIR = tmp_path / "mail"


def _store(raw, mailbox=None):
    return store_message(parse_message(raw), raw, mailbox)


def test_a_stored_message_enters_the_queue_with_its_mailbox_rules(db):
    box = Mailbox.objects.create(name="reclamations", host="127.0.0.1")
    _store(m.message(message_id="<in-1@example.org>"), box)
    item = EmailItem.objects.get(message_id="<in-1@example.org>")
    assert item.kind == "reclamation" and item.mailbox_name == "reclamations"
    assert item.from_address == "jean.martin@example.org" and item.from_name == "Jean Martin"
    assert item.status == EmailItem.NEW and item.record is not None
    assert _store(m.message(message_id="<in-1@example.org>")) is None  # taken once
    assert EmailItem.objects.count() == 1


def test_bounces_and_auto_replies_are_never_queued(db, personas):
    _store(m.BOUNCE)
    _store(m.message(message_id="<auto@example.org>", headers={"Auto-Submitted": "auto-replied"}))
    assert set(EmailItem.objects.values_list("status", flat=True)) == {EmailItem.NO_ANSWER}
    assert services.next_email(personas["alice"]) is None


def test_a_reply_to_our_answer_joins_the_thread(db, personas):
    alice = personas["alice"]
    _store(m.message(message_id="<t-1@example.org>"))
    answer = services.reply(services.next_email(alice), alice, body="Bonjour {nom}.")
    _store(m.reply_to(answer.message_id, message_id="<t-2@example.org>"))
    second = EmailItem.objects.get(message_id="<t-2@example.org>")
    assert second.thread_root.message_id == "<t-1@example.org>"


def test_the_email_page_offers_the_attachments(db, client_for):
    raw = m.message(
        message_id="<pj@example.org>",
        attachments=(("attestation.pdf", "application/pdf", b"%PDF-1.4 test"),),
    )
    message = _store(raw)
    item = EmailItem.objects.get(message_id="<pj@example.org>")
    client = client_for("alice")
    page = client.get(reverse("courriels:email", args=[item.pk])).content.decode()
    attachment = message.attachments.get()
    url = reverse("mailbox:attachment", args=[attachment.pk])
    assert "attestation.pdf" in page and url in page
    assert client.get(url).status_code == 200

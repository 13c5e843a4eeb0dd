"""Storing: once per Message-ID, the signal inside the transaction, threads, attachment limits,
quarantine (never dropped), purge; and the attachment download (never inline)."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from pfspilot.mailbox import selectors, services
from pfspilot.mailbox.models import Attachment, QuarantinedMail, ReceivedMessage
from pfspilot.mailbox.parsing import parse_message
from pfspilot.mailbox.signals import message_received

from . import messages as m

pytestmark = pytest.mark.django_db


def store(raw, mailbox=None):
    return services.store_message(parse_message(raw), raw, mailbox)


def test_a_message_is_stored_once_per_message_id():
    raw = m.QUOTED_PRINTABLE_LATIN1
    first = store(raw)
    assert first.subject == "Attestation de paiement à rééditer"
    assert first.from_address == "renee.dupre@example.org"
    assert first.raw_size == len(raw)
    assert first.html_sanitised == "" and first.answerable
    assert store(raw) is None
    # The same Message-ID with other bytes (sent twice by a client) is a duplicate too.
    assert store(raw.replace(b"urgente", b"pressante")) is None
    assert ReceivedMessage.objects.count() == 1


def test_the_signal_is_sent_inside_the_storing_transaction():
    seen = []

    def receiver(sender, message, **kwargs):
        seen.append((sender, message.message_id, connection.in_atomic_block))

    message_received.connect(receiver)
    try:
        store(m.message())
        store(m.message())  # duplicate: no signal
    finally:
        message_received.disconnect(receiver)
    assert seen == [(ReceivedMessage, "<m-1@example.org>", True)]


def test_a_receiver_that_fails_undoes_the_storing():
    def receiver(sender, message, **kwargs):
        raise RuntimeError("file d'attente indisponible")

    message_received.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            store(m.message(attachments=(("a.pdf", "application/pdf", b"%PDF"),)))
    finally:
        message_received.disconnect(receiver)
    assert not ReceivedMessage.objects.exists() and not Attachment.objects.exists()
    assert store(m.message()) is not None  # taken again next time


def test_a_reply_joins_the_thread_of_the_message_it_answers():
    original = store(m.message(message_id="<o-1@example.org>"))
    reply = store(m.reply_to("<o-1@example.org>", message_id="<r-1@example.org>"))
    again = store(
        m.reply_to(
            "<r-1@example.org>",
            message_id="<r-2@example.org>",
            references="<o-1@example.org> <r-1@example.org>",
        )
    )
    # A reply to one of our answers (unknown Message-ID) joins through its References.
    to_ours = store(
        m.reply_to(
            "<answer-9@pfs.test>",
            message_id="<r-3@example.org>",
            references="<o-1@example.org> <answer-9@pfs.test>",
        )
    )
    other = store(m.message(message_id="<other@example.org>"))
    assert original.thread_root is None and original.thread_key == original.pk
    assert reply.thread_root == original
    assert again.thread_root == original
    assert to_ours.thread_root == original
    assert other.thread_root is None
    assert [x.message_id for x in selectors.thread_of(again)] == [
        "<o-1@example.org>",
        "<r-1@example.org>",
        "<r-2@example.org>",
        "<r-3@example.org>",
    ]


def test_a_reply_that_arrives_first_is_joined_when_the_original_comes():
    reply = store(m.reply_to("<late@example.org>", message_id="<early-r@example.org>"))
    original = store(m.message(message_id="<late@example.org>"))
    reply.refresh_from_db()
    assert reply.thread_root == original


def test_attachments_over_the_limit_or_of_a_refused_type_are_kept_aside(settings, mail_dir):
    settings.MAIL_ATTACHMENT_MAX_BYTES = 1024
    message = store(
        m.message(
            attachments=(
                ("attestation.pdf", "application/pdf", b"%PDF-1.4 petit"),
                ("gros.pdf", "application/pdf", b"x" * 2048),
                ("facture.exe", "application/pdf", b"MZ"),
                ("page.bin", "application/x-msdownload", b"MZ"),
            )
        )
    )
    rows = {a.filename: a for a in message.attachments.all()}
    assert rows["attestation.pdf"].status == Attachment.Status.AVAILABLE
    assert rows["attestation.pdf"].held_reason == ""
    assert rows["gros.pdf"].status == Attachment.Status.HELD
    assert "trop volumineuse" in rows["gros.pdf"].held_reason
    assert "extension « .exe »" in rows["facture.exe"].held_reason
    assert "non admis (application/x-msdownload)" in rows["page.bin"].held_reason
    # Every file is kept, under its content hash (never the sender's name).
    for row in rows.values():
        path = services.attachment_path(row)
        assert path.is_file() and path.parent.parent == mail_dir / "attachments"
        assert path.name == row.sha256
    assert message.text == "Bonjour, j'ai une question."


def test_a_20_mb_attachment_is_kept_aside_and_the_mail_accepted(mail_dir):
    payload = b"%PDF" + b"\0" * (20 * 1024 * 1024)
    raw = m.message(attachments=(("scan.pdf", "application/pdf", payload),))
    assert services.ingest(raw) == "stored"
    (row,) = Attachment.objects.all()
    assert row.status == Attachment.Status.HELD and row.size == len(payload)
    assert row.held_reason.startswith("Pièce jointe trop volumineuse (20 Mo, limite 10 Mo)")
    assert services.attachment_path(row).stat().st_size == len(payload)


@pytest.mark.parametrize("raw", [m.NO_HEADER, m.BROKEN_MULTIPART, m.NO_SENDER, b""])
def test_what_cannot_be_read_goes_to_quarantine_once_never_dropped(raw, mail_dir):
    assert services.ingest(raw) == "quarantined"
    assert services.ingest(raw) == "quarantined"
    (item,) = QuarantinedMail.objects.all()
    assert item.reason.startswith("Courriel")
    assert services.quarantine_path(item).read_bytes() == raw
    assert item.size == len(raw)
    assert not ReceivedMessage.objects.exists()


def test_a_message_over_the_size_limit_is_quarantined_unparsed(settings):
    settings.MAIL_MESSAGE_MAX_BYTES = 100
    assert services.ingest(m.message()) == "quarantined"
    assert "Courriel trop volumineux" in QuarantinedMail.objects.get().reason


def test_the_purge_erases_personal_data_and_keeps_the_message_id(mail_dir):
    old = store(m.message(attachments=(("a.pdf", "application/pdf", b"%PDF-a"),)))
    ReceivedMessage.objects.filter(pk=old.pk).update(
        received_at=old.received_at - dt.timedelta(days=400)
    )
    services.ingest(m.NO_HEADER)
    QuarantinedMail.objects.update(received_at=old.received_at - dt.timedelta(days=400))
    recent = store(m.message(message_id="<recent@example.org>"))
    before = recent.received_at - dt.timedelta(days=1)
    assert services.purge_personal_data(before=before) == {
        "courriels": 1,
        "pieces_jointes": 1,
        "quarantaine": 1,
    }
    attachment_file = services.attachment_path(old.attachments.get())
    assert attachment_file.is_file()  # a dry run writes nothing
    services.purge_personal_data(before=before, apply=True)
    old.refresh_from_db()
    assert old.purged_at and old.from_address == old.subject == old.text == ""
    assert old.html_sanitised == ""
    assert old.attachments.get().stored_path == "" and not attachment_file.exists()
    assert not list((mail_dir / "quarantine").rglob("*.eml"))
    assert store(m.message()) is None  # still never taken twice
    recent.refresh_from_db()
    assert recent.from_address == "jean.martin@example.org"


def test_an_attachment_downloads_as_a_file_never_inline(client_for):
    message = store(m.message(attachments=(("attestation.pdf", "application/pdf", b"%PDF-1.4"),)))
    attachment = message.attachments.get()
    url = reverse("mailbox:attachment", kwargs={"pk": attachment.pk})
    response = client_for("alice").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="attestation.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert client_for("diane").get(url).status_code == 403  # direction: not their work


def test_a_held_attachment_or_a_refused_reader_gets_a_404(client_for):
    message = store(
        m.message(
            attachments=(("x.exe", "application/pdf", b"MZ"), ("ok.pdf", "application/pdf", b"%"))
        )
    )
    held, ok = message.attachments.order_by("pk")
    client = client_for("alice")
    assert client.get(reverse("mailbox:attachment", kwargs={"pk": held.pk})).status_code == 404
    selectors.MESSAGE_ACCESS.append(lambda user, msg: user.username != "alice")
    try:
        assert client.get(reverse("mailbox:attachment", kwargs={"pk": ok.pk})).status_code == 404
    finally:
        selectors.MESSAGE_ACCESS.pop()
    assert client.get(reverse("mailbox:attachment", kwargs={"pk": ok.pk})).status_code == 200


def test_the_quarantine_and_the_mailboxes_are_listed_in_the_admin(client_for):
    from pfspilot.mailbox.models import Mailbox

    services.ingest(m.BROKEN_MULTIPART)
    Mailbox.objects.create(
        name="Guichet", host="imap.example.org", username_env="U", password_env="P",
        last_error="Serveur de messagerie injoignable (imap.example.org:993) : délai dépassé.",
    )  # fmt: skip
    client = client_for("adam")
    page = client.get(reverse("admin:mailbox_quarantinedmail_changelist")).content.decode()
    assert "structure MIME rompue" in page
    assert reverse("admin:mailbox_quarantinedmail_add") not in page  # read-only, never dropped
    page = client.get(reverse("admin:mailbox_mailbox_changelist")).content.decode()
    assert "injoignable (imap.example.org:993)" in page
    message = store(m.message(attachments=(("a.pdf", "application/pdf", b"%PDF"),)))
    change = reverse("admin:mailbox_receivedmessage_change", args=[message.pk])
    assert client.get(change).status_code == 200

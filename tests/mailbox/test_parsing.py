"""`parse_message`: MIME, encodings, sanitised HTML, attachments, auto-replies, bounces, threads,
and the French reason of what cannot be read. Pure: no database."""

import datetime as dt

import pytest

from pfspilot.mailbox.parsing import (
    UnparseableMail,
    message_ids,
    normalise_message_id,
    parse_message,
)

from . import messages as m


def test_quoted_printable_and_iso_8859_1_headers_and_body():
    mail = parse_message(m.QUOTED_PRINTABLE_LATIN1)
    assert mail.from_name == "Renée Dupré"
    assert mail.from_address == "renee.dupre@example.org"
    assert mail.subject == "Attestation de paiement à rééditer"
    assert mail.text == (
        "Bonjour, pourriez-vous m'envoyer une attestation de paiement pour décembre ? Ma "
        "demande est urgente. Merci, Renée."
    )
    assert mail.html is None
    assert mail.message_id == "<qp-1@example.org>"  # domain in lower case, brackets kept
    assert mail.to == ("guichet@pfs.test",)
    assert mail.sent_at == dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC)
    assert mail.sent_at.utcoffset() is not None
    assert not mail.auto_submitted and not mail.bounce and mail.attachments == ()


def test_an_html_only_mail_is_sanitised_and_gives_its_text():
    mail = parse_message(m.HTML_ONLY)
    html = mail.html
    for forbidden in ("<script", "alert", "onclick", "onload", "onerror", "javascript:", "<img",
                      "tracker.example", "<iframe", "<form", "<input", "<style", "style="):  # fmt: skip
        assert forbidden not in html, forbidden
    assert "<b>mon allocation</b>" in html
    assert '<a href="https://www.caf.fr" rel="noopener noreferrer nofollow">caf.fr</a>' in html
    assert mail.text.startswith("Bonjour, mon allocation n'est pas arrivée.")
    assert "steal" not in mail.text and "alert" not in mail.text and "display" not in mail.text


def test_a_mail_with_both_bodies_keeps_the_plain_text_and_the_sanitised_html():
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"] = "a@example.org"
    mail["Message-ID"] = "<alt-1@example.org>"
    mail.set_content("Texte brut")
    mail.add_alternative("<p onmouseover='x()'>Texte <i>riche</i></p>", subtype="html")
    parsed = parse_message(mail.as_bytes())
    assert parsed.text == "Texte brut"
    assert parsed.html == "<p>Texte <i>riche</i></p>"
    assert parsed.attachments == ()


def test_a_20_mb_attachment_is_read_whole_with_its_size_and_type():
    payload = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    raw = m.message(attachments=(("releve.pdf", "application/pdf", payload),))
    mail = parse_message(raw)
    (attachment,) = mail.attachments
    assert attachment.filename == "releve.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == 20 * 1024 * 1024
    assert attachment.payload == payload
    assert mail.text == "Bonjour, j'ai une question."


def test_attachment_names_lose_their_path_and_keep_their_accents():
    raw = m.message(
        attachments=(
            ("../../etc/passwd", "text/plain", b"x"),
            ("Quittance été.pdf", "application/pdf", b"%PDF-1.4"),
        )
    )
    names = [a.filename for a in parse_message(raw).attachments]
    assert names == ["passwd", "Quittance été.pdf"]


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"Auto-Submitted": "auto-replied"}, True),
        ({"Auto-Submitted": "auto-generated; owner-email=x@example.org"}, True),
        ({"Auto-Submitted": "no"}, False),
        ({"X-Autoreply": "yes"}, True),
        ({"Precedence": "auto_reply"}, True),
        ({"Precedence": "bulk"}, True),
        ({"Precedence": "junk"}, True),
        ({"Precedence": "list"}, False),
        ({}, False),
    ],
)
def test_auto_replies_are_recognised(headers, expected):
    mail = parse_message(m.message(headers=headers, subject="Absence du bureau"))
    assert mail.auto_submitted is expected
    assert mail.bounce is False


def test_a_delivery_report_from_the_mailer_daemon_is_a_bounce():
    mail = parse_message(m.BOUNCE)
    assert mail.bounce and mail.auto_submitted
    assert mail.text.startswith("This is the mail system.")
    # The delivery status is read as a flag; the returned headers are not a file for the agent.
    assert [a.content_type for a in mail.attachments] == []


@pytest.mark.parametrize("sender", ["postmaster@example.org", "MAILER-DAEMON@example.org"])
def test_a_mail_from_postmaster_or_mailer_daemon_is_a_bounce(sender):
    assert parse_message(m.message(sender=sender)).bounce


def test_a_reply_names_the_messages_it_answers():
    raw = m.reply_to(
        "<orig-1@Example.org>",
        message_id="<re-1@example.org>",
        references="<orig-0@example.org> <orig-1@Example.org>",
    ).replace(b"<orig-0@example.org> <orig-1", b"<orig-0@example.org>\r\n <orig-1")  # folded
    mail = parse_message(raw)
    assert mail.in_reply_to == "<orig-1@example.org>"
    assert mail.references == ("<orig-0@example.org>", "<orig-1@example.org>")


def test_a_missing_message_id_is_synthesised_from_the_bytes():
    raw = m.message(message_id=None)
    first, again = parse_message(raw), parse_message(raw)
    assert first.message_id == again.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith("@pfspilot.invalid>")
    other = parse_message(m.message(message_id=None, body="Autre texte."))
    assert other.message_id != first.message_id


@pytest.mark.parametrize(
    "value, expected",
    [
        ("<a.b@Example.ORG>", "<a.b@example.org>"),
        ("  <a.b@example.org>  (commentaire)", "<a.b@example.org>"),
        ("a.b@example.org", "<a.b@example.org>"),
        ("", None),
        (None, None),
        ("sans arobase", None),
    ],
)
def test_message_ids_are_normalised(value, expected):
    assert normalise_message_id(value) == expected


def test_references_keep_their_order_once():
    assert message_ids("<a@x> <b@x>\r\n\t<a@x>") == ("<a@x>", "<b@x>")


def test_an_unknown_charset_does_not_stop_the_reading():
    raw = (
        b"From: a@example.org\r\nMessage-ID: <cs@example.org>\r\n"
        b"Content-Type: text/plain; charset=x-inconnu\r\n\r\nBonjour\r\n"
    )
    assert parse_message(raw).text == "Bonjour"


def test_a_date_without_zone_is_unknown_not_guessed():
    raw = m.message(headers={}).replace(b"+0100", b"-0000")
    assert parse_message(raw).sent_at is None


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "Courriel vide"),
        (b"  \r\n", "Courriel vide"),
        (m.NO_HEADER, "aucun en-tête"),
        (m.BROKEN_MULTIPART, "structure MIME rompue"),
        (m.NO_SENDER, "pas d'adresse d'expéditeur"),
    ],
)
def test_what_cannot_be_read_raises_with_a_french_reason(raw, reason):
    with pytest.raises(UnparseableMail) as error:
        parse_message(raw)
    assert reason in error.value.reason

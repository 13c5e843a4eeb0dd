"""The SMTP fixture is a real SMTP server: what smtplib sends is read back from it."""

import smtplib
from email.message import EmailMessage

import pytest

pytestmark = pytest.mark.smtp


def test_a_message_sent_with_smtplib_is_received(smtp_server):
    message = EmailMessage()
    message["From"] = "guichet@pfs.test"
    message["To"] = "renee@example.org"
    message["Subject"] = "Votre attestation de paiement"
    message["In-Reply-To"] = "<smoke-1@example.org>"
    message.set_content("Bonjour Madame Dupré,\n\nVoici votre attestation.\n")
    message.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="a.pdf")

    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as client:
        refused = client.send_message(message)
    assert refused == {}

    (received,) = smtp_server.messages
    assert received.mail_from == "guichet@pfs.test"
    assert received.rcpt_tos == ["renee@example.org"]
    parsed = received.message
    assert parsed["Subject"] == "Votre attestation de paiement"
    assert parsed["In-Reply-To"] == "<smoke-1@example.org>"
    assert "Madame Dupré" in parsed.get_body(("plain",)).get_content()
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_filename() == "a.pdf"
    assert attachment.get_content() == b"%PDF-1.4 ..."


def test_each_test_gets_an_empty_server_and_unknown_recipients_are_still_kept(smtp_server):
    assert smtp_server.messages == []
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as client:
        client.sendmail(
            "a@pfs.test", ["b@example.org", "c@example.org"], b"Subject: x\r\n\r\ny\r\n"
        )
    assert smtp_server.messages[0].rcpt_tos == ["b@example.org", "c@example.org"]
    smtp_server.clear()
    assert smtp_server.messages == []

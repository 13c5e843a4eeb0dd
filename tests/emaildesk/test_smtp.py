"""Answers go out through a real SMTP server on loopback (aiosmtpd): threaded headers, the
Message-ID stored, and nothing written when the server cannot be reached."""

import pytest

from pfspilot.emaildesk import services
from pfspilot.emaildesk.models import EmailAnswer, EmailItem
from pfspilot.workitems.services import WorkItemError
from tests.support.components import free_port

from .factories import received

pytestmark = pytest.mark.smtp


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Caf du Nord <courriels@caf.test>"
    settings.PFSPILOT_MAIL_DOMAIN = "pfs.test"
    return smtp_server


def test_an_answer_is_sent_threaded_and_archived(db, personas, smtp_settings):
    alice = personas["alice"]
    first = received(message_id="<premier@exemple.fr>", from_address="claire@exemple.fr")
    answer1 = services.reply(services.next_email(alice), alice, body="Bonjour {nom}.")
    second = received(
        message_id="<second@exemple.fr>",
        in_reply_to=answer1.message_id,
        references=f"<premier@exemple.fr> {answer1.message_id}",
        from_address="claire@exemple.fr",
        subject="Re: Attestation de paiement",
    )
    assert second.thread_root == first
    item = services.next_email(alice)
    assert item == second
    answer2 = services.reply(item, alice, body="Voici la suite.", template="attestation-paiement")

    assert len(smtp_settings.messages) == 2
    received_mail = smtp_settings.messages[1]
    assert received_mail.rcpt_tos == ["claire@exemple.fr"]
    parsed = received_mail.message
    assert parsed["Message-ID"] == answer2.message_id
    assert answer2.message_id.endswith("@pfs.test>")
    assert parsed["In-Reply-To"] == "<second@exemple.fr>"
    assert parsed["References"].split() == [
        "<premier@exemple.fr>",
        answer1.message_id,
        "<second@exemple.fr>",
    ]
    assert parsed["Subject"] == "Re: Attestation de paiement"
    assert parsed["From"] == "Caf du Nord <courriels@caf.test>"
    assert "Voici la suite." in parsed.get_body(("plain",)).get_content()
    assert EmailAnswer.objects.get(message_id=parsed["Message-ID"]).template_code == (
        "attestation-paiement"
    )


def test_smtp_unreachable_nothing_written_email_still_held(db, personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 5
    alice = personas["alice"]
    item = services.next_email(received() and alice)
    with pytest.raises(WorkItemError) as error:
        services.reply(item, alice, body="Bonjour")
    assert error.value.status == 503
    assert "Envoi impossible" in error.value.message
    item.refresh_from_db()
    assert item.status == EmailItem.CLAIMED and item.assignee == alice
    assert item.record.answered_at is None
    assert not EmailAnswer.objects.exists()

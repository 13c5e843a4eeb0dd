"""The Dovecot fixture is a real IMAP server: append, then fetch over STARTTLS and over IMAPS."""

import email
import email.policy
import imaplib
import ssl

import pytest

pytestmark = pytest.mark.imap

RAW = (
    b"From: =?iso-8859-1?q?Ren=E9e_Dupr=E9?= <renee@example.org>\r\n"
    b"To: guichet@pfs.test\r\n"
    b"Subject: =?utf-8?q?Attestation_de_paiement?=\r\n"
    b"Message-ID: <smoke-1@example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Bonjour, pourriez-vous m'envoyer une attestation ? Merci, Ren=E9e.\r\n"
)


def fetch_all(client: imaplib.IMAP4, folder: str = "INBOX") -> list[bytes]:
    typ, _ = client.select(folder, readonly=True)
    assert typ == "OK"
    _, data = client.search(None, "ALL")
    messages = []
    for number in data[0].split():
        _, parts = client.fetch(number, "(RFC822)")
        messages.append(parts[0][1])
    return messages


@pytest.mark.parametrize("imaps", [False, True], ids=["starttls", "imaps"])
def test_an_appended_message_is_fetched_back_over_tls(imap_mailbox, imaps):
    imap_mailbox.append(RAW)
    client = imap_mailbox.connect(imaps=imaps)
    try:
        assert client.sock.version() in {"TLSv1.2", "TLSv1.3"}  # the session is encrypted
        (raw,) = fetch_all(client)
    finally:
        client.logout()
    assert raw == RAW  # byte for byte: the encodings are the parser's job, not the server's
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(message["From"]) == "Renée Dupré <renee@example.org>"
    assert message["Subject"] == "Attestation de paiement"
    assert "Merci, Renée." in message.get_content()


def test_a_message_goes_to_the_named_folder_and_reset_empties_the_mailbox(imap_mailbox):
    imap_mailbox.append(RAW, folder="Traites")
    client = imap_mailbox.connect()
    try:
        assert fetch_all(client) == []
        assert fetch_all(client, "Traites") == [RAW]
    finally:
        client.logout()
    imap_mailbox.reset()
    client = imap_mailbox.connect(imaps=True)
    try:
        assert fetch_all(client) == []
        assert client.select("Traites")[0] == "NO"
    finally:
        client.logout()


def test_the_server_refuses_a_wrong_password_and_an_untrusted_certificate(dovecot):
    client = imaplib.IMAP4(dovecot.host, dovecot.port, timeout=10)
    client.starttls(ssl_context=dovecot.ssl_context())
    with pytest.raises(imaplib.IMAP4.error):
        client.login(dovecot.user, "pas-le-bon")
    client.logout()
    # A client that trusts only the system's authorities refuses the self-signed certificate.
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(
            dovecot.host, dovecot.ssl_port, ssl_context=ssl.create_default_context(), timeout=10
        )

"""A real SMTP server on the loopback for the tests (issue 10 §4, §8): aiosmtpd's Controller on a
free port, keeping every message it receives.

Plain SMTP without authentication (what a platform's internal relay offers); messages up to
32 MiB (aiosmtpd's default `data_size_limit`), enough for the 20 MB attachment case.
"""

import email
import email.policy
from dataclasses import dataclass, field

import pytest

from .components import free_port

HOST = "127.0.0.1"


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes  # the DATA as received (CRLF line ends)

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class SMTPServer:
    """Where the test SMTP server listens and what it received, in arrival order."""

    host: str
    port: int
    messages: list[ReceivedMessage] = field(default_factory=list)

    def clear(self) -> None:
        self.messages.clear()


class _Collector:
    def __init__(self, server: SMTPServer):
        self.server = server

    async def handle_DATA(self, smtp_server, session, envelope):
        self.server.messages.append(
            ReceivedMessage(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A running SMTP server (`SMTPServer`) for one test; stopped at the end of the test."""
    from aiosmtpd.controller import Controller

    server = SMTPServer(HOST, free_port())
    controller = Controller(_Collector(server), hostname=HOST, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()

"""Polling a real Dovecot (tests/support/dovecot.py) over STARTTLS and IMAPS: store then move,
once per Message-ID, idempotent after a crash between the two, nothing lost when the connection
drops mid-fetch, a refused login reported in French with back-off."""

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from pfspilot.cli import CliError
from pfspilot.mailbox import services
from pfspilot.mailbox.models import Mailbox, QuarantinedMail, ReceivedMessage
from pfspilot.planning import periodic
from tests.support.components import free_port

from . import messages as m
from .proxy import CuttingProxy

pytestmark = [pytest.mark.imap, pytest.mark.django_db]

PROCESSED = "Traites"


@pytest.fixture
def make_mailbox(imap_mailbox, settings, monkeypatch):
    """Mailbox rows pointing at the test Dovecot; credentials in environment variables."""
    settings.MAIL_IMAP_CAFILE = imap_mailbox.cafile
    settings.MAIL_IMAP_TIMEOUT = 10
    monkeypatch.setenv("PFS_TEST_IMAP_USER", imap_mailbox.user)
    monkeypatch.setenv("PFS_TEST_IMAP_PASSWORD", imap_mailbox.password)

    def make(*, imaps=False, **extra):
        fields = {
            "name": "Guichet",
            "host": imap_mailbox.host,
            "port": imap_mailbox.ssl_port if imaps else imap_mailbox.port,
            "security": Mailbox.Security.IMAPS if imaps else Mailbox.Security.STARTTLS,
            "username_env": "PFS_TEST_IMAP_USER",
            "password_env": "PFS_TEST_IMAP_PASSWORD",
            "processed_folder": PROCESSED,
        }
        fields.update(extra)
        return Mailbox.objects.create(**fields)

    return make


def folder(server, name="INBOX") -> list[bytes]:
    client = server.connect()
    try:
        typ, _ = client.select(f'"{name}"', readonly=True)
        if typ != "OK":
            return []
        _, data = client.uid("SEARCH", None, "ALL")
        out = []
        for uid in data[0].split():
            _, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            out.append(parts[0][1])
        return out
    finally:
        client.logout()


@pytest.mark.parametrize("imaps", [False, True], ids=["starttls", "imaps"])
def test_a_poll_stores_then_moves_every_message(imap_mailbox, make_mailbox, imaps):
    box = make_mailbox(imaps=imaps)
    raws = [m.QUOTED_PRINTABLE_LATIN1, m.HTML_ONLY, m.NO_HEADER]
    for raw in raws:
        imap_mailbox.append(raw)
    report = services.poll(box)
    assert report.error is None, report.error
    assert (report.seen, report.stored, report.quarantined, report.moved) == (3, 2, 1, 3)
    assert folder(imap_mailbox) == []
    assert sorted(folder(imap_mailbox, PROCESSED)) == sorted(raws)  # moved byte for byte
    stored = ReceivedMessage.objects.get(message_id="<qp-1@example.org>")
    assert stored.mailbox == box and stored.from_name == "Renée Dupré"
    assert (
        "<script"
        not in ReceivedMessage.objects.get(message_id="<html-1@example.org>").html_sanitised
    )
    assert QuarantinedMail.objects.get().mailbox == box
    box.refresh_from_db()
    assert box.last_polled_at and box.failures == 0 and box.last_error == ""
    again = services.poll(box)
    assert (again.seen, again.stored) == (0, 0)


def test_a_duplicate_message_id_is_taken_once(imap_mailbox, make_mailbox):
    box = make_mailbox()
    imap_mailbox.append(m.message())
    imap_mailbox.append(m.message(body="Le même Message-ID, renvoyé."))
    report = services.poll(box)
    assert (report.stored, report.duplicates, report.moved) == (1, 1, 2)
    assert ReceivedMessage.objects.get().text == "Bonjour, j'ai une question."
    assert folder(imap_mailbox) == [] and len(folder(imap_mailbox, PROCESSED)) == 2


class Crash(BaseException):
    """The process killed between the store and the move."""


def test_a_crash_between_store_and_move_is_taken_once_on_the_next_poll(
    imap_mailbox, make_mailbox, monkeypatch
):
    box = make_mailbox()
    imap_mailbox.append(m.message(message_id="<c-1@example.org>"))
    imap_mailbox.append(m.message(message_id="<c-2@example.org>"))
    imap_mailbox.append(m.message(message_id=None, body="Sans Message-ID."))

    def crash(self, uid):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(services._Session, "move", crash)
        with pytest.raises(Crash):
            services.poll(box)
    assert list(ReceivedMessage.objects.values_list("message_id", flat=True)) == [
        "<c-1@example.org>"
    ]
    assert len(folder(imap_mailbox)) == 3  # stored, not moved: still on the server

    fetched = []
    real_fetch = services._Session.fetch

    def counting_fetch(self, uid):
        fetched.append(uid)
        return real_fetch(self, uid)

    monkeypatch.setattr(services._Session, "fetch", counting_fetch)
    report = services.poll(box)
    assert (report.seen, report.stored, report.duplicates, report.moved) == (3, 2, 1, 3)
    assert len(fetched) == 2  # the stored one is known by its Message-ID, not fetched again
    assert ReceivedMessage.objects.count() == 3
    assert folder(imap_mailbox) == [] and len(folder(imap_mailbox, PROCESSED)) == 3

    # Crash again after storing the one without Message-ID: its synthesised id finds it.
    imap_mailbox.append(m.message(message_id=None, body="Encore sans identifiant."))
    with monkeypatch.context() as patch:
        patch.setattr(services._Session, "move", crash)
        with pytest.raises(Crash):
            services.poll(box)
    report = services.poll(box)
    assert (report.stored, report.duplicates, report.moved) == (0, 1, 1)
    assert ReceivedMessage.objects.count() == 4


def test_a_connection_dropped_mid_fetch_loses_nothing(imap_mailbox, make_mailbox):
    big = m.message(
        message_id="<big@example.org>",
        attachments=(("scan.pdf", "application/pdf", bytes(range(256)) * 8192),),  # 2 Mo
    )
    imap_mailbox.append(m.message(message_id="<small-1@example.org>"))
    imap_mailbox.append(big)
    imap_mailbox.append(m.message(message_id="<small-2@example.org>"))
    proxy = CuttingProxy(imap_mailbox.host, imap_mailbox.ssl_port, cut_after=1_000_000)
    try:
        box = make_mailbox(imaps=True, port=proxy.port)
        now = timezone.now()
        report = services.poll(box, now=now)
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert report.error.startswith("Connexion interrompue pendant la relève")
    assert (report.stored, report.moved) == (1, 1)
    assert list(ReceivedMessage.objects.values_list("message_id", flat=True)) == [
        "<small-1@example.org>"
    ]
    assert len(folder(imap_mailbox)) == 2  # the cut one and the next wait on the server
    box.refresh_from_db()
    assert box.failures == 1 and box.retry_after == now + dt.timedelta(seconds=60)

    Mailbox.objects.filter(pk=box.pk).update(port=imap_mailbox.ssl_port)
    box.refresh_from_db()
    report = services.poll(box, now=now + dt.timedelta(seconds=61))
    assert report.error is None and (report.stored, report.moved) == (2, 2)
    assert ReceivedMessage.objects.get(message_id="<big@example.org>").attachments.get().size == (
        256 * 8192
    )
    assert folder(imap_mailbox) == [] and len(folder(imap_mailbox, PROCESSED)) == 3
    box.refresh_from_db()
    assert box.failures == 0 and box.retry_after is None and box.last_error == ""


def test_a_refused_login_is_reported_in_french_with_back_off(
    imap_mailbox, make_mailbox, monkeypatch, caplog
):
    monkeypatch.setenv("PFS_TEST_IMAP_PASSWORD", "pas-le-bon-mdp")
    box = make_mailbox()
    imap_mailbox.append(m.message())
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="pfspilot.mailbox"):
        report = services.poll(box, now=now)
    assert report.error == (
        "Connexion refusée par le serveur : identifiant ou mot de passe incorrect (variables "
        "« PFS_TEST_IMAP_USER » et « PFS_TEST_IMAP_PASSWORD »)."
    )
    box.refresh_from_db()
    assert box.last_error == report.error and box.failures == 1
    assert box.retry_after == now + dt.timedelta(seconds=60)
    logged = caplog.text
    assert "Guichet" in logged and "identifiant ou mot de passe incorrect" in logged
    assert "pas-le-bon-mdp" not in logged and imap_mailbox.user not in logged

    assert services.poll(box, now=now + dt.timedelta(seconds=30)).skipped  # waiting
    services.poll(box, now=now + dt.timedelta(seconds=61))
    box.refresh_from_db()
    assert box.failures == 2
    assert box.retry_after == now + dt.timedelta(seconds=61 + 120)  # doubled
    for _attempt in range(3, 12):
        services.poll(box, force=True, now=now)
    box.refresh_from_db()
    assert box.retry_after == now + dt.timedelta(seconds=3600)  # capped
    assert len(folder(imap_mailbox)) == 1 and not ReceivedMessage.objects.exists()  # nothing lost

    monkeypatch.setenv("PFS_TEST_IMAP_PASSWORD", imap_mailbox.password)
    assert services.poll(box, force=True).stored == 1


def test_an_unreachable_server_or_a_missing_variable_is_a_french_error(make_mailbox, monkeypatch):
    box = make_mailbox(port=free_port())
    report = services.poll(box)
    assert (
        report.error
        == f"Serveur de messagerie injoignable (127.0.0.1:{box.port}) : connexion refusée."
    )
    monkeypatch.delenv("PFS_TEST_IMAP_PASSWORD")
    other = make_mailbox(name="Autre")
    assert services.poll(other).error.startswith(
        "Variable d'environnement « PFS_TEST_IMAP_PASSWORD » absente ou vide"
    )


def test_an_untrusted_certificate_is_refused(make_mailbox, settings):
    settings.MAIL_IMAP_CAFILE = None  # the system's authorities do not know the test server
    box = make_mailbox(imaps=True)
    assert services.poll(box).error.startswith("Certificat du serveur 127.0.0.1:")


def test_the_command_and_the_tick_poll(imap_mailbox, make_mailbox, capsys):
    box = make_mailbox()
    imap_mailbox.append(m.message(message_id="<cmd@example.org>"))
    call_command("poll_mail")
    assert "Guichet : 1 enregistré(s), 0 déjà connu(s), 0 en quarantaine, 1 déplacé(s)" in (
        capsys.readouterr().out
    )
    imap_mailbox.append(m.message(message_id="<tick@example.org>"))
    (job,) = [job for job in periodic.JOBS if job.name == "mail_poll"]
    (outcome,) = periodic.tick(jobs=[job])
    assert outcome.count == 1, outcome.message
    with pytest.raises(CliError, match="aucune boîte aux lettres nommée « Inconnue »"):
        call_command("poll_mail", "--mailbox", "Inconnue")
    assert box.messages.count() == 2

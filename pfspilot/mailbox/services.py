"""Writes of the incoming email: storing a parsed message (once per Message-ID), quarantining
what cannot be read, polling IMAP mailboxes, purging personal data.

Order of a poll, for each message of the folder: store (or find it already stored, or
quarantine it), THEN move it to the processed folder. A crash between the two leaves a stored
message on the server: the next poll reads its Message-ID, finds it stored and only moves it.
A message is never moved before it is stored, so nothing is lost; never stored twice, so
nothing is taken twice.

Errors of a mailbox (unreachable, login refused, connection dropped) are written in French on the
mailbox row and logged (mailbox name and reason only: no login, no address, no content); the
next poll waits (back-off doubling from MAIL_BACKOFF_BASE_S up to MAIL_BACKOFF_CAP_S).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import imaplib
import logging
import os
import socket
import ssl
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Attachment, Mailbox, QuarantinedMail, ReceivedMessage
from .parsing import ParsedAttachment, ParsedMail, UnparseableMail, normalise_message_id
from .parsing import parse_message as parse
from .signals import message_received

logger = logging.getLogger("pfspilot.mailbox")

# Extensions refused whatever the declared type: programs, scripts, pages that run code.
DANGEROUS_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "jar", "js", "jse",
    "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "sh", "hta", "htm", "html", "xhtml", "svg",
    "lnk", "reg", "iso", "img", "apk", "docm", "xlsm", "pptm",
}  # fmt: skip


# --- Files -----------------------------------------------------------------------------------


def mail_dir() -> Path:
    return Path(settings.MAIL_DIR)


def _write_once(relative: str, data: bytes) -> None:
    """Writes `data` at MAIL_DIR/relative unless it is there (names are content hashes), through
    a temporary file renamed into place: a crash never leaves half a file under the name."""
    target = mail_dir() / relative
    if target.exists() and target.stat().st_size == len(data):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def attachment_path(attachment: Attachment) -> Path | None:
    """The file of an attachment on disk, None once purged."""
    return mail_dir() / attachment.stored_path if attachment.stored_path else None


def quarantine_path(item: QuarantinedMail) -> Path | None:
    return mail_dir() / item.stored_path if item.stored_path else None


# --- Storing ---------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    """A size in MiB, French style: « 20 », « 10,5 »."""
    value = f"{size / 1024**2:.1f}".replace(".", ",")
    return value[:-2] if value.endswith(",0") else value


def held_reason(attachment: ParsedAttachment) -> str:
    """Why an attachment is kept aside (French), "" when it may be offered for download."""
    limit = settings.MAIL_ATTACHMENT_MAX_BYTES
    if attachment.size > limit:
        return (
            f"Pièce jointe trop volumineuse ({_megabytes(attachment.size)} Mo, limite "
            f"{_megabytes(limit)} Mo) : conservée à part, non proposée au téléchargement."
        )
    extension = attachment.filename.rsplit(".", 1)[-1].lower() if "." in attachment.filename else ""
    if extension in DANGEROUS_EXTENSIONS:
        return (
            f"Type de fichier refusé (extension « .{extension} ») : conservé à part, "
            "non proposé au téléchargement."
        )
    if attachment.content_type not in settings.MAIL_ATTACHMENT_TYPES:
        return (
            f"Type de fichier non admis ({attachment.content_type}) : conservé à part, "
            "non proposé au téléchargement."
        )
    return ""


def _thread_root_id(parsed: ParsedMail) -> int | None:
    """The exchange a reply joins: the earlier message it answers (In-Reply-To, else the latest
    known of its References), or rather that message's own first message."""
    candidates = ([parsed.in_reply_to] if parsed.in_reply_to else []) + list(
        reversed(parsed.references)
    )
    if not candidates:
        return None
    known = {
        row["message_id"]: row["thread_root_id"] or row["pk"]
        for row in ReceivedMessage.objects.filter(message_id__in=candidates).values(
            "pk", "message_id", "thread_root_id"
        )
    }
    for message_id in candidates:
        if message_id in known:
            return known[message_id]
    return None


def store_message(
    parsed: ParsedMail,
    raw: bytes,
    mailbox: Mailbox | None,
    *,
    received_at: dt.datetime | None = None,
) -> ReceivedMessage | None:
    """Stores a parsed message with its attachments and sends `message_received` in the same
    transaction. Idempotent on the Message-ID: None when it is already stored (nothing written).

    Attachments over MAIL_ATTACHMENT_MAX_BYTES, of a type not in MAIL_ATTACHMENT_TYPES or with a
    program's extension are kept aside: file written, row with status « mise de côté » and the
    reason, never offered for download; the message itself is accepted.
    """
    if ReceivedMessage.objects.filter(message_id=parsed.message_id).exists():
        return None
    received_at = received_at or timezone.now()
    files = []
    for attachment in parsed.attachments:
        digest = hashlib.sha256(attachment.payload).hexdigest()
        relative = f"attachments/{digest[:2]}/{digest}"
        _write_once(relative, attachment.payload)
        files.append((attachment, digest, relative))
    try:
        with transaction.atomic():
            message = ReceivedMessage.objects.create(
                mailbox=mailbox,
                message_id=parsed.message_id,
                in_reply_to=parsed.in_reply_to or "",
                references=" ".join(parsed.references),
                thread_root_id=_thread_root_id(parsed),
                from_address=parsed.from_address[:320],
                from_name=parsed.from_name[:300],
                to_addresses=" ".join(parsed.to),
                subject=parsed.subject,
                sent_at=parsed.sent_at,
                received_at=received_at,
                text=parsed.text,
                html_sanitised=parsed.html or "",
                auto_submitted=parsed.auto_submitted,
                bounce=parsed.bounce,
                raw_size=len(raw),
            )
            Attachment.objects.bulk_create(
                Attachment(
                    message=message,
                    filename=attachment.filename,
                    content_type=attachment.content_type[:255],
                    size=attachment.size,
                    sha256=digest,
                    stored_path=relative,
                    status=Attachment.Status.HELD if reason else Attachment.Status.AVAILABLE,
                    held_reason=reason,
                )
                for attachment, digest, relative in files
                for reason in [held_reason(attachment)]
            )
            # Replies that arrived before the message they answer join its exchange now.
            early = list(
                ReceivedMessage.objects.filter(
                    thread_root__isnull=True, in_reply_to=message.message_id
                )
                .exclude(pk=message.pk)
                .values_list("pk", flat=True)
            )
            if early:
                ReceivedMessage.objects.filter(
                    Q(pk__in=early) | Q(thread_root_id__in=early)
                ).update(thread_root_id=message.thread_key)
            message_received.send(sender=ReceivedMessage, message=message)
    except IntegrityError:
        # Another poll stored the same Message-ID meanwhile: taken once, by the other one.
        if ReceivedMessage.objects.filter(message_id=parsed.message_id).exists():
            return None
        raise
    return message


def quarantine(
    raw: bytes, reason: str, mailbox: Mailbox | None, *, received_at: dt.datetime | None = None
) -> QuarantinedMail:
    """Keeps an unreadable message aside (raw bytes on disk, French reason); the same bytes are
    quarantined once."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = QuarantinedMail.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    relative = f"quarantine/{digest[:2]}/{digest}.eml"
    _write_once(relative, raw)
    try:
        with transaction.atomic():
            return QuarantinedMail.objects.create(
                mailbox=mailbox,
                received_at=received_at or timezone.now(),
                reason=reason,
                sha256=digest,
                stored_path=relative,
                size=len(raw),
            )
    except IntegrityError:
        return QuarantinedMail.objects.get(sha256=digest)


def ingest(
    raw: bytes, mailbox: Mailbox | None = None, *, received_at: dt.datetime | None = None
) -> str:
    """Parses and stores one raw message: "stored", "duplicate" or "quarantined"."""
    limit = settings.MAIL_MESSAGE_MAX_BYTES
    if len(raw) > limit:
        quarantine(
            raw,
            f"Courriel trop volumineux ({_megabytes(len(raw))} Mo, limite "
            f"{_megabytes(limit)} Mo) : conservé sans être analysé.",
            mailbox,
            received_at=received_at,
        )
        return "quarantined"
    try:
        parsed = parse(raw)
    except UnparseableMail as exc:
        quarantine(raw, exc.reason, mailbox, received_at=received_at)
        return "quarantined"
    stored = store_message(parsed, raw, mailbox, received_at=received_at)
    return "stored" if stored is not None else "duplicate"


# --- Polling ---------------------------------------------------------------------------------


class MailboxError(Exception):
    """A failure of the mailbox as a whole (French message): recorded, then back-off."""


class ConnectionDropped(MailboxError):
    pass


@dataclass
class PollReport:
    mailbox: str
    skipped: bool = False  # inactive, or waiting for retry_after
    seen: int = 0  # messages looked at
    stored: int = 0
    duplicates: int = 0  # already stored (a crash before the move, or the same Message-ID)
    quarantined: int = 0
    moved: int = 0
    failed: int = 0  # left on the server, taken again by the next poll
    error: str | None = None  # French
    retry_after: dt.datetime | None = None
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["retry_after"] = self.retry_after.isoformat() if self.retry_after else None
        return data


_COUNTERS = {"stored": "stored", "duplicate": "duplicates", "quarantined": "quarantined"}


def backoff_delay(failures: int) -> dt.timedelta:
    """The wait after `failures` consecutive failures: BASE, 2×BASE, 4×BASE… up to CAP."""
    base, cap = settings.MAIL_BACKOFF_BASE_S, settings.MAIL_BACKOFF_CAP_S
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, min(failures - 1, 30))))


def imap_ssl_context() -> ssl.SSLContext:
    """Certificates verified, host name checked: the system's authorities or MAIL_IMAP_CAFILE."""
    return ssl.create_default_context(cafile=settings.MAIL_IMAP_CAFILE)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _credentials(mailbox: Mailbox) -> tuple[str, str]:
    values = []
    for name in (mailbox.username_env, mailbox.password_env):
        value = os.environ.get(name, "") if name else ""
        if not value:
            raise MailboxError(
                f"Variable d'environnement « {name or '(non renseignée)'} » absente ou vide : "
                "l'identifiant ou le mot de passe de la boîte est inconnu."
            )
        values.append(value)
    return values[0], values[1]


def _unreachable(mailbox: Mailbox, exc: BaseException) -> MailboxError:
    where = f"{mailbox.host}:{mailbox.port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailboxError(
            f"Certificat du serveur {where} non vérifié : connexion refusée "
            "(autorité inconnue ou nom d'hôte différent)."
        )
    if isinstance(exc, ssl.SSLError):
        return MailboxError(f"Échec de la négociation TLS avec le serveur {where}.")
    if isinstance(exc, socket.gaierror):
        detail = "nom d'hôte inconnu"
    elif isinstance(exc, ConnectionRefusedError):
        detail = "connexion refusée"
    elif isinstance(exc, TimeoutError | socket.timeout):
        detail = "délai dépassé"
    else:
        detail = type(exc).__name__
    return MailboxError(f"Serveur de messagerie injoignable ({where}) : {detail}.")


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    user, password = _credentials(mailbox)
    timeout = settings.MAIL_IMAP_TIMEOUT
    context = imap_ssl_context()
    try:
        if mailbox.security == Mailbox.Security.IMAPS:
            client = imaplib.IMAP4_SSL(
                mailbox.host, mailbox.port, ssl_context=context, timeout=timeout
            )
        else:
            client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
            try:
                client.starttls(ssl_context=context)
            except imaplib.IMAP4.error:
                _logout(client)
                raise MailboxError(
                    f"Le serveur {mailbox.host}:{mailbox.port} ne propose pas STARTTLS : "
                    "connexion non chiffrée refusée."
                ) from None
    except MailboxError:
        raise
    except (OSError, imaplib.IMAP4.error) as exc:
        raise _unreachable(mailbox, exc) from None
    try:
        client.login(user, password)
    except imaplib.IMAP4.abort as exc:
        _logout(client)
        raise ConnectionDropped(
            f"Connexion interrompue par le serveur {mailbox.host}:{mailbox.port} "
            "pendant l'identification."
        ) from exc
    except imaplib.IMAP4.error:
        _logout(client)
        raise MailboxError(
            "Connexion refusée par le serveur : identifiant ou mot de passe incorrect "
            f"(variables « {mailbox.username_env} » et « {mailbox.password_env} »)."
        ) from None
    except OSError as exc:
        raise _unreachable(mailbox, exc) from None
    return client


def _logout(client: imaplib.IMAP4) -> None:
    try:
        client.logout()
    except Exception:  # a dead connection: nothing left to close cleanly
        pass


def _check(typ: str, data, what: str) -> None:
    if typ != "OK":
        raise MailboxError(f"Le serveur a refusé {what}.")


def _fetched_bytes(data) -> bytes | None:
    for item in data or []:
        if isinstance(item, tuple) and len(item) >= 2:
            return item[1]
    return None


class _Session:
    """One logged-in IMAP session on a mailbox's folder."""

    def __init__(self, client: imaplib.IMAP4, mailbox: Mailbox):
        self.client = client
        self.mailbox = mailbox
        typ, data = client.capability()
        self.capabilities = set((data[0] or b"").decode().upper().split()) if typ == "OK" else set()
        self.needs_expunge = False

    def prepare(self) -> list[bytes]:
        client, box = self.client, self.mailbox
        client.create(_quote(box.processed_folder))  # NO when it exists already: fine
        typ, _data = client.select(_quote(box.folder))
        if typ != "OK":
            raise MailboxError(f"Dossier « {box.folder} » introuvable sur le serveur.")
        typ, data = client.uid("SEARCH", None, "ALL")
        _check(typ, data, "la recherche des courriels")
        return (data[0] or b"").split()

    def message_id(self, uid: bytes) -> str | None:
        typ, data = self.client.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        _check(typ, data, "la lecture d'un en-tête")
        header = _fetched_bytes(data)
        if not header:
            return None
        text = header.decode("ascii", "replace")
        _name, _sep, value = text.partition(":")
        return normalise_message_id(value)

    def fetch(self, uid: bytes) -> bytes | None:
        typ, data = self.client.uid("FETCH", uid, "(BODY.PEEK[])")
        _check(typ, data, "la lecture d'un courriel")
        return _fetched_bytes(data)

    def move(self, uid: bytes) -> None:
        target = _quote(self.mailbox.processed_folder)
        if "MOVE" in self.capabilities:
            typ, data = self.client.uid("MOVE", uid, target)
            _check(typ, data, "le déplacement d'un courriel vers le dossier des traités")
            return
        typ, data = self.client.uid("COPY", uid, target)
        _check(typ, data, "la copie d'un courriel vers le dossier des traités")
        typ, data = self.client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
        _check(typ, data, "le marquage d'un courriel copié")
        if "UIDPLUS" in self.capabilities:
            typ, data = self.client.uid("EXPUNGE", uid)
            _check(typ, data, "l'effacement d'un courriel copié")
        else:
            self.needs_expunge = True

    def finish(self) -> None:
        if self.needs_expunge:
            self.client.expunge()


def _record_failure(mailbox: Mailbox, report: PollReport, message: str, now: dt.datetime):
    failures = mailbox.failures + 1
    retry_after = now + backoff_delay(failures)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=now, last_error=message, failures=failures, retry_after=retry_after
    )
    mailbox.last_polled_at, mailbox.last_error = now, message
    mailbox.failures, mailbox.retry_after = failures, retry_after
    report.error, report.retry_after = message, retry_after
    logger.warning(
        "Boîte aux lettres « %s » : %s Nouvel essai après %s (échec n° %s).",
        mailbox.name,
        message,
        timezone.localtime(retry_after).strftime("%d/%m/%Y %H:%M:%S"),
        failures,
    )


def poll(
    mailbox: Mailbox, *, now: dt.datetime | None = None, force: bool = False, limit: int = 0
) -> PollReport:
    """Takes the messages of the mailbox's folder: store, then move to the processed folder.

    Skipped when the mailbox is inactive or waiting (`retry_after` in the future) unless
    `force`. `limit` (> 0) bounds the messages taken in one poll (the rest wait for the next).
    Never raises for a mailbox's fault: the French error is in the report and on the row.
    """
    now = now or timezone.now()
    report = PollReport(mailbox.name)
    if not force and (
        not mailbox.active or (mailbox.retry_after is not None and mailbox.retry_after > now)
    ):
        report.skipped, report.retry_after = True, mailbox.retry_after
        return report
    client = None
    try:
        client = _connect(mailbox)
        session = _Session(client, mailbox)
        uids = session.prepare()
        if limit > 0:
            uids = uids[:limit]
        for uid in uids:
            report.seen += 1
            known = session.message_id(uid)
            if known and ReceivedMessage.objects.filter(message_id=known).exists():
                outcome = "duplicate"
            else:
                raw = session.fetch(uid)
                if raw is None:  # expunged by someone else meanwhile
                    continue
                try:
                    outcome = ingest(raw, mailbox, received_at=now)
                except Exception as exc:  # a receiver or the database refused this message
                    report.failed += 1
                    report.errors.append(
                        f"Un courriel n'a pas pu être enregistré ({type(exc).__name__}) : "
                        "il reste sur le serveur pour la prochaine relève."
                    )
                    logger.warning(  # the class only: a message can hold personal data
                        "Boîte aux lettres « %s » : enregistrement d'un courriel impossible (%s).",
                        mailbox.name,
                        type(exc).__name__,
                    )
                    continue
            counter = _COUNTERS[outcome]
            setattr(report, counter, getattr(report, counter) + 1)
            session.move(uid)
            report.moved += 1
        session.finish()
    except MailboxError as exc:
        _record_failure(mailbox, report, str(exc), now)
    except (imaplib.IMAP4.abort, OSError) as exc:
        _record_failure(
            mailbox,
            report,
            f"Connexion interrompue pendant la relève ({type(exc).__name__}) : "
            f"{report.moved} courriel(s) traité(s) avant la coupure, les autres restent sur le "
            "serveur pour la prochaine relève.",
            now,
        )
    except imaplib.IMAP4.error as exc:
        _record_failure(
            mailbox,
            report,
            f"Erreur du protocole IMAP pendant la relève ({type(exc).__name__}) : les "
            "courriels non traités restent sur le serveur.",
            now,
        )
    except Exception as exc:  # unforeseen: recorded like the others, nothing moved unstored
        _record_failure(
            mailbox,
            report,
            f"Erreur inattendue pendant la relève ({type(exc).__name__}) : les courriels non "
            "traités restent sur le serveur.",
            now,
        )
    else:
        error = " ".join(report.errors)
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_polled_at=now, last_error=error, failures=0, retry_after=None
        )
        mailbox.last_polled_at, mailbox.last_error = now, error
        mailbox.failures, mailbox.retry_after = 0, None
    finally:
        if client is not None:
            _logout(client)
    return report


def poll_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[PollReport]:
    """Polls every active mailbox whose back-off has passed (the periodic job)."""
    now = now or timezone.now()
    due = Mailbox.objects.filter(active=True).filter(
        Q(retry_after__isnull=True) | Q(retry_after__lte=now)
    )
    return [poll(mailbox, now=now, limit=limit) for mailbox in due]


def poll_job(now: dt.datetime) -> int:
    """`pfspilot tick`: messages stored by this round of polls."""
    return sum(report.stored for report in poll_due(now=now))


# --- Personal data ---------------------------------------------------------------------------


def purge_personal_data(*, before: dt.datetime, apply: bool = False) -> dict[str, int]:
    """Personal data of messages received before `before`: counted, and erased with `apply`.

    Erased: sender, recipients, subject, bodies, attachment names and files, quarantined raw
    files. Kept: Message-IDs (a purged message is still never taken twice), dates, sizes,
    flags, types and the quarantine reasons.
    """
    messages = ReceivedMessage.objects.filter(received_at__lt=before, purged_at__isnull=True)
    attachments = Attachment.objects.filter(message__in=messages)
    quarantined = QuarantinedMail.objects.filter(received_at__lt=before).exclude(stored_path="")
    counts = {
        "courriels": messages.count(),
        "pieces_jointes": attachments.count(),
        "quarantaine": quarantined.count(),
    }
    if not apply:
        return counts
    now = timezone.now()
    with transaction.atomic():
        ids = list(messages.values_list("pk", flat=True))
        paths = set(
            Attachment.objects.filter(message_id__in=ids)
            .exclude(stored_path="")
            .values_list("stored_path", flat=True)
        )
        raw_paths = set(quarantined.values_list("stored_path", flat=True))
        Attachment.objects.filter(message_id__in=ids).update(filename="", stored_path="")
        ReceivedMessage.objects.filter(pk__in=ids).update(
            from_address="",
            from_name="",
            to_addresses="",
            subject="",
            text="",
            html_sanitised="",
            purged_at=now,
        )
        quarantined.update(stored_path="")
        still_used = set(
            Attachment.objects.filter(stored_path__in=paths).values_list("stored_path", flat=True)
        )
    for relative in (paths - still_used) | raw_paths:
        (mail_dir() / relative).unlink(missing_ok=True)
    return counts

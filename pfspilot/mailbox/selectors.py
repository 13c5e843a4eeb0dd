"""Reads of the incoming email: an exchange's messages, an attachment for download.

`MESSAGE_ACCESS` lets the app that holds the messages' work (the email desk) narrow who may
read a message: each check is `check(user, message) -> bool`; an attachment is served only when
every registered check says yes (register in the app's `ready()`).
"""

from collections.abc import Callable

from django.db.models import Q
from django.http import Http404

from .models import Attachment, ReceivedMessage

MESSAGE_ACCESS: list[Callable[[object, ReceivedMessage], bool]] = []


def thread_of(message: ReceivedMessage) -> list[ReceivedMessage]:
    """The messages of `message`'s exchange, oldest first (by reception)."""
    root = message.thread_key
    return list(
        ReceivedMessage.objects.filter(Q(pk=root) | Q(thread_root_id=root)).order_by(
            "received_at", "pk"
        )
    )


def may_read(user, message: ReceivedMessage) -> bool:
    return all(check(user, message) for check in MESSAGE_ACCESS)


def attachment_for_download(user, pk: int) -> Attachment:
    """An attachment `user` may download: 404 when absent, kept aside, purged, or refused by a
    registered check (its existence is not revealed)."""
    attachment = (
        Attachment.objects.select_related("message")
        .filter(pk=pk, status=Attachment.Status.AVAILABLE)
        .exclude(stored_path="")
        .first()
    )
    if attachment is None or not may_read(user, attachment.message):
        raise Http404("Pièce jointe introuvable.")
    return attachment

"""Records of the incoming email for other tests (the access walk needs an attachment)."""

import itertools

from pfspilot.mailbox.parsing import parse_message
from pfspilot.mailbox.services import store_message

from . import messages as m

_ids = itertools.count(1)


def available_attachment(user=None):
    raw = m.message(
        message_id=f"<factory-{next(_ids)}-{id(user)}@example.org>",
        attachments=(("attestation.pdf", "application/pdf", b"%PDF-1.4 test"),),
    )
    message = store_message(parse_message(raw), raw, None)
    return message.attachments.get()

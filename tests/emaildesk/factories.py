"""Emails of the desk for tests."""

import datetime as dt
import itertools

from django.utils import timezone

from pfspilot.emaildesk import services
from pfspilot.people.roles import Role

_ids = itertools.count(1)


def received(**extra):
    """A mail received through `services.receive_email` (level 1 unless the rules say
    otherwise); keyword arguments override the defaults."""
    n = next(_ids)
    fields = {
        "message_id": f"<m{n}-{timezone.now().timestamp()}@exemple.fr>",
        "from_address": f"allocataire{n}@exemple.fr",
        "from_name": "Claire Martin",
        "subject": "Attestation de paiement",
        "received_at": timezone.now() - dt.timedelta(hours=1),
        "text": "Bonjour, mon numéro d'allocataire est 1234567. Merci.",
        "html": "",
        "in_reply_to": "",
        "references": "",
        "auto_submitted": False,
        "bounce": False,
        "mailbox_name": "courriels",
    }
    fields.update(extra)
    return services.receive_email(**fields)


def email_for(user=None, **extra):
    """URL-argument factory of the access test: an email in the queue (held by `user` when
    given, so that its actions are tried by the holder)."""
    item = received(**extra)
    if user is not None and user.role in (Role.AGENT, Role.REINFORCEMENT):
        from pfspilot.workitems import services as workitems

        workitems.claim(item, user)
    return item

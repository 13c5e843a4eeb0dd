"""Records of the desk for tests: a call record, a request, an urgency, a follow-up, each
visible to the given user (created by them, in their team)."""

import datetime as dt
import itertools

from django.utils import timezone

from pfspilot.desk.models import (
    CallRecord,
    DeskList,
    FollowUp,
    Incivility,
    Level2Request,
    RequestKind,
    Urgency,
)

_ids = itertools.count(1)


def record_for(user, **extra) -> CallRecord:
    return CallRecord.objects.create(
        agent=user,
        team=user.team,
        call_id=f"T-{next(_ids)}-{user.pk}",
        source=CallRecord.Source.AGENT,
        **extra,
    )


def _due():
    return timezone.now() + dt.timedelta(days=2)


def request_for(user, **extra) -> Level2Request:
    fields = {
        "kind": RequestKind.CALLBACK,
        "record": record_for(user),
        "status": Level2Request.NEW,
        "created_by": user,
        "team": user.team,
        "due_at": _due(),
        "due_rule": "test",
        "motif_code": "CMG",
        "motif_label": "Le CMG",
    }
    fields.update(extra)
    return Level2Request.objects.create(**fields)


def urgency_for(user, **extra) -> Urgency:
    fields = {
        "subject": "Dossier bloqué",
        "description": "Plus de ressources",
        "status": Urgency.NEW,
        "created_by": user,
        "team": user.team,
        "due_at": _due(),
        "due_rule": "test",
    }
    fields.update(extra)
    return Urgency.objects.create(**fields)


def follow_up_for(user, **extra) -> FollowUp:
    record = record_for(user)
    incivility = Incivility.objects.create(
        record=record,
        agent=user,
        kind=DeskList.objects.filter(kind=DeskList.Kind.INCIVILITY).first(),
        recorded=True,
        call_ended=True,
    )
    fields = {
        "incivility": incivility,
        "agent": user,
        "status": FollowUp.NEW,
        "created_by": user,
        "team": user.team,
        "due_at": _due(),
        "due_rule": "test",
    }
    fields.update(extra)
    return FollowUp.objects.create(**fields)

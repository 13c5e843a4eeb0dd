"""Reads of the email desk: the queues, one email with its thread, the templates, the figures
of Mon poste."""

import datetime as dt

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils import timezone

from pfspilot.contacts.models import Email, EmailKind

from .models import EmailAnswer, EmailItem, ResponseTemplate


def queue(user, *, status: str = "open", kind: str = "", mine: bool = False, now=None):
    """Emails `user` may see, the most urgent first, annotated with `due_status` (overdue:
    missed, due later today: at_risk) and `holder` (who holds it now, lease running)."""
    now = now or timezone.now()
    rows = EmailItem.objects.visible_to(user).select_related("assignee")
    if status == "open":
        rows = rows.open()
    elif status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if mine:
        rows = rows.filter(assignee=user)
    local = timezone.localtime(now)
    end_of_day = timezone.make_aware(
        dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time())
    )
    open_ = ~Q(status__in=EmailItem.CLOSED_STATUSES)
    held = Q(assignee__isnull=False) & (Q(lease_until__isnull=True) | Q(lease_until__gte=now))
    return rows.annotate(
        due_status=Case(
            When(open_ & Q(due_at__lt=now), then=Value("missed")),
            When(open_ & Q(due_at__lt=end_of_day), then=Value("at_risk")),
            default=Value(""),
            output_field=CharField(),
        ),
        holder_name=Case(
            When(open_ & held, then="assignee__username"),
            default=Value(""),
            output_field=CharField(),
        ),
    ).order_by("due_at", "id")


def waiting_counts(now=None) -> dict:
    """Emails waiting for an owner: {"level1": n, "complaints": n, "overdue": n}."""
    now = now or timezone.now()
    return EmailItem.objects.waiting(now).aggregate(
        level1=Count("pk", filter=Q(kind=EmailKind.LEVEL1)),
        complaints=Count("pk", filter=Q(kind=EmailKind.COMPLAINT)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
    )


def thread(item) -> list:
    """The exchange of `item` in order: the received emails and the answers sent."""
    root = item.thread_root or item
    items = EmailItem.objects.filter(Q(pk=root.pk) | Q(thread_root=root)).order_by("received_at")
    answers = EmailAnswer.objects.filter(item__in=items).select_related("by", "template")
    entries = [("received", i.received_at, i) for i in items]
    entries += [("answer", a.sent_at, a) for a in answers]
    return [{"kind": k, "at": at, "obj": obj} for k, at, obj in sorted(entries, key=lambda e: e[1])]


def attachments(item) -> list:
    """The attachments of the received message of `item` (none for an imported email)."""
    from pfspilot.mailbox.models import Attachment

    if not item.message_id:
        return []
    return list(Attachment.objects.filter(message__message_id=item.message_id).order_by("pk"))


def templates_for(item=None):
    """Active templates, those of the email's kind (or of both kinds) first."""
    rows = ResponseTemplate.objects.filter(active=True)
    if item is not None:
        rows = rows.filter(Q(kind="") | Q(kind=item.kind))
    return rows.order_by("motif", "label")


def answered_today(user, now=None) -> int:
    now = now or timezone.now()
    day = timezone.localdate(now)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return Email.objects.filter(
        agent=user, answered_at__gte=start, answered_at__lt=start + dt.timedelta(days=1)
    ).count()

"""Writes of the email desk: intake, the queue of imported emails, « Courriel suivant » (claim
with a lease), lease renewal and release, reassignment and change of kind by a supervisor,
the answer sent by SMTP, and the response templates.

Every claim goes through the one compare-and-set claim of `pfspilot.workitems`; answering
writes the COG record (`contacts.Email`: answered_at, agent, team, template) so the 48 h /
10-day indicators and emails per hour move without an import.
"""

import hashlib
import logging
import re
import smtplib
import unicodedata
import uuid
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from pfspilot.contacts.models import Email, EmailKind
from pfspilot.engine import indicators
from pfspilot.engine.deadlines import Clock, due_at
from pfspilot.reference.selectors import indicator_params, platform_rules
from pfspilot.workitems import services as workitems
from pfspilot.workitems.services import AlreadyHeld, WorkItemError

from . import placeholders
from .models import (
    MAX_BODY,
    EmailAnswer,
    EmailItem,
    KindRule,
    PromotionBlock,
    ResponseTemplate,
)

logger = logging.getLogger(__name__)
SOURCE = "pfspilot"  # `contacts.Email.source` of the emails received by the desk
CLAIMANT_NUMBER = re.compile(r"(?<!\d)(\d{7})(?!\d)")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


# --- intake ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def classify(*, from_address: str, subject: str, mailbox_name: str = "") -> tuple[str, str]:
    """(kind, French description of the rule) by the first matching `KindRule`; else level 1."""
    values = {
        KindRule.Field.ADDRESS: from_address,
        KindRule.Field.SUBJECT: subject,
        KindRule.Field.MAILBOX: mailbox_name,
    }
    for rule in KindRule.objects.filter(active=True).order_by("position", "id"):
        if _fold(rule.pattern) and _fold(rule.pattern) in _fold(values.get(rule.field, "")):
            return rule.kind, str(rule)
    return EmailKind.LEVEL1, ""


def deadline(received_at, kind: str) -> tuple:
    """(due instant, French rule) of an email of `kind` received at `received_at`: the
    indicator parameters in force on the day of receipt, on their clock (the one clock of
    `engine.deadlines`, the same rule as the 48 h / 10-day indicators)."""
    day = timezone.localdate(received_at)
    params = indicator_params(day)
    rules = platform_rules(day)
    rule = indicators.email_rule(kind, params)
    clock = Clock.of(params.deadline_clock, rules)
    due = due_at(received_at, rule, clock)
    amount = f"{rule.amount:g}"
    unit = _("h") if rule.unit == "hours" else _("jours")
    clock_label = _("calendaires") if clock.kind == "calendar" else _("ouvrés")
    text = _("%(amount)s %(unit)s %(clock)s (paramètres en vigueur le %(day)s)") % {
        "amount": amount,
        "unit": unit,
        "clock": clock_label,
        "day": f"{day:%d/%m/%Y}",
    }
    return due, text


def message_ids(*values: str) -> list[str]:
    """The Message-IDs (`<…>`) named in header values (In-Reply-To, References)."""
    found = []
    for value in values:
        for mid in MESSAGE_ID.findall(value or ""):
            if mid not in found:
                found.append(mid)
    return found


def thread_root_of(in_reply_to: str, references: str) -> EmailItem | None:
    """The first email of the exchange a mail replies to (an earlier email or our answer)."""
    ids = message_ids(in_reply_to, references)
    if not ids:
        return None
    earlier = EmailItem.objects.filter(message_id__in=ids).order_by("received_at").first()
    if earlier is None:
        answer = EmailAnswer.objects.filter(message_id__in=ids).select_related("item").first()
        earlier = answer.item if answer is not None else None
    if earlier is None:
        return None
    return earlier.thread_root or earlier


def _source_id(message_id: str | None) -> str:
    """The COG record's identifier: a digest of the Message-ID (a random one without)."""
    if not message_id:
        return f"courriel-{uuid.uuid4().hex}"
    digest = hashlib.sha256(message_id.encode()).hexdigest()[:40]
    return f"msgid-{digest}"


def receive_email(
    *,
    message_id,
    from_address,
    from_name,
    subject,
    received_at,
    text,
    html,
    in_reply_to,
    references,
    auto_submitted,
    bounce,
    mailbox_name=None,
) -> EmailItem | None:
    """Stores a received mail as an email of the desk; None when its Message-ID is known.

    Auto-replies (RFC 3834) and bounces are stored closed « sans réponse »: they never enter the
    queues nor the indicators. Others get their kind (rules, else their thread's), their due
    date (rule in force at receipt) and their COG record (`contacts.Email`, unanswered).
    """
    message_id = (message_id or "").strip() or None
    if message_id and EmailItem.objects.filter(message_id=message_id).exists():
        return None
    subject = (subject or "")[:500]
    root = thread_root_of(in_reply_to or "", references or "")
    kind, rule_text = classify(
        from_address=from_address or "", subject=subject, mailbox_name=mailbox_name or ""
    )
    if not rule_text and root is not None:
        kind, rule_text = root.kind, _("nature de l'échange en cours")
    due, due_text = deadline(received_at, kind)
    silent = bool(auto_submitted or bounce)
    if not (text or "").strip() and html:
        text = strip_tags(html).strip()  # an HTML-only mail: its words for the agent
    number = CLAIMANT_NUMBER.search(f"{subject} {text or ''}")
    try:
        with transaction.atomic():
            record = None
            if not silent:
                record = Email.objects.create(
                    source=SOURCE,
                    source_id=_source_id(message_id),
                    received_at=received_at,
                    kind=kind,
                )
            item = EmailItem.objects.create(
                status=EmailItem.NO_ANSWER if silent else EmailItem.NEW,
                created_at=received_at,
                closed_at=received_at if silent else None,
                due_at=due,
                due_rule=due_text[:200],
                kind=kind,
                kind_rule=rule_text[:300],
                source=EmailItem.Source.MAILBOX,
                message_id=message_id,
                in_reply_to=(in_reply_to or "")[:998],
                references=references or "",
                thread_root=root,
                mailbox_name=(mailbox_name or "")[:100],
                from_address=(from_address or "")[:320],
                from_name=(from_name or "")[:200],
                subject=subject,
                received_at=received_at,
                text=text or "",
                html_sanitised=sanitise(html or ""),
                auto_submitted=bool(auto_submitted),
                bounce=bool(bounce),
                claimant_number=number.group(1) if number else "",
                record=record,
            )
    except IntegrityError:  # the same Message-ID stored meanwhile by another poll
        return None
    return item


def sanitise(html: str) -> str:
    """HTML kept for display: cleaned by nh3 (the intake's library); without nh3, none is kept
    (the text part is shown) — an email is untrusted input."""
    if not html:
        return ""
    try:
        import nh3
    except ImportError:
        return ""
    return nh3.clean(html)


def queue_imported(*, now=None) -> int:
    """Puts the imported emails still unanswered into the queues (once each); how many."""
    now = now or timezone.now()
    pending = (
        Email.objects.filter(answered_at__isnull=True, desk_item__isnull=True)
        .order_by("received_at", "pk")
        .only("pk", "received_at", "kind", "motif")
    )
    made = 0
    batch: list[EmailItem] = []
    for record in pending.iterator(chunk_size=2000):
        due, text = deadline(record.received_at, record.kind)
        batch.append(
            EmailItem(
                status=EmailItem.NEW,
                created_at=now,
                due_at=due,
                due_rule=text[:200],
                kind=record.kind,
                kind_rule=_("nature de l'import"),
                source=EmailItem.Source.IMPORT,
                subject=(record.motif or "")[:500],
                received_at=record.received_at,
                record=record,
            )
        )
        if len(batch) >= 2000:
            made += _store(batch)
            batch = []
    return made + _store(batch)


def _store(batch) -> int:
    if not batch:
        return 0
    with transaction.atomic():
        created = EmailItem.objects.bulk_create(batch, ignore_conflicts=True)
    return len(created)


def on_records_imported(sender, *, kind=None, **kwargs):
    """After an email import: its unanswered emails join the queues."""
    if kind == "emails":
        queue_imported()


# --- claims ---------------------------------------------------------------------------------


def held_by(user, now=None) -> EmailItem | None:
    """The open email `user` holds now (lease running), if any."""
    now = now or timezone.now()
    return (
        EmailItem.objects.open()
        .filter(assignee=user)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__gte=now))
        .order_by("due_at", "id")
        .first()
    )


def next_email(user, *, now=None, attempts: int = 20) -> EmailItem | None:
    """« Courriel suivant »: the email `user` holds, else the most urgent one nobody holds,
    claimed for `user` with a lease; None when the queues are empty.

    On PostgreSQL the candidate row is locked with SKIP LOCKED so that concurrent agents take
    different emails; the claim itself is the compare-and-set of `workitems.claim` (a lost race
    tries the next candidate).
    """
    now = now or timezone.now()
    mine = held_by(user, now)
    if mine is not None:
        return workitems.claim(mine, user, now=now)  # renews the lease
    for _attempt in range(attempts):
        with transaction.atomic():
            candidate = (
                EmailItem.objects.waiting(now)
                .order_by("due_at", "id")
                .select_for_update(skip_locked=True)
                .first()
            )
            if candidate is None:
                return None
            try:
                return workitems.claim(candidate, user, now=now)
            except WorkItemError:
                continue
    return None


def renew(item, user, *, now=None) -> bool:
    """Extends the lease of the holder working on `item`; False when `user` no longer holds it."""
    now = now or timezone.now()
    return bool(
        EmailItem.objects.filter(pk=item.pk, assignee=user, lease_until__gte=now)
        .open()
        .update(lease_until=now + EmailItem.LEASE)
    )


def release(item, user, *, now=None):
    return workitems.release(item, user, now=now)


def release_all(user) -> int:
    """Gives back every open email `user` holds (at logout); how many."""
    count = 0
    for item in EmailItem.objects.open().filter(assignee=user):
        try:
            workitems.release(item, user)
            count += 1
        except WorkItemError:
            continue
    return count


def free_expired(*, now=None) -> int:
    """Gives back to the queue the emails whose lease has expired (the agent left); how many.

    They are already free for « Courriel suivant »; this only clears the stale holder shown in
    the lists. A history line each, by nobody (the clock)."""
    now = now or timezone.now()
    stale = list(EmailItem.objects.open().filter(status=EmailItem.CLAIMED, lease_until__lt=now))
    count = 0
    for item in stale:
        with transaction.atomic():
            done = EmailItem.objects.filter(
                pk=item.pk, status=EmailItem.CLAIMED, lease_until__lt=now
            ).update(assignee=None, claimed_at=None, lease_until=None, status=EmailItem.NEW)
            if done:
                item.refresh_from_db()
                EmailItem.history.bulk_history_create(
                    [item], update=True, default_change_reason=_("Bail expiré : remis en file")
                )
                count += 1
    return count


def reassign(item, to_user, *, by, now=None):
    """A supervisor gives `item` to `to_user` (an agent), whoever holds it."""
    from pfspilot.people.access import can

    if not can(to_user, "email.reply"):
        raise WorkItemError(
            _("%(name)s ne peut pas répondre aux courriels.") % {"name": to_user}, field="to"
        )
    return workitems.reassign(item, to_user, by=by, now=now)


def requalify(item, kind: str, *, by, now=None):
    """A supervisor changes the kind of `item`; its due date follows the rule of the new kind
    in force at receipt, and its COG record its kind. One history line."""
    if kind not in EmailKind.values:
        raise WorkItemError(_("Nature inconnue."), field="kind")
    if item.is_closed:
        raise WorkItemError(_("Ce courriel est déjà clos."), status=409)
    if kind == item.kind:
        return item
    due, text = deadline(item.received_at, kind)
    with transaction.atomic():
        item.kind = kind
        item.kind_rule = _("changée par %(name)s") % {"name": by}
        item.due_at = due
        item.due_rule = text[:200]
        item._change_reason = _("Nature changée")
        item._history_user = by  # simple_history: who changed it
        item.save(update_fields=["kind", "kind_rule", "due_at", "due_rule"])
        if item.record_id:
            Email.objects.filter(pk=item.record_id).update(kind=kind)
    _refresh_days(item.received_at, timezone.now())
    return item


# --- answers --------------------------------------------------------------------------------


def promotion_text(on=None) -> str:
    """The caf.fr promotion block in force on `on` (empty when none is configured)."""
    on = on or timezone.localdate()
    block = (
        PromotionBlock.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
        or PromotionBlock.objects.order_by("valid_from").first()
    )
    return block.text if block else ""


def draft(item, template: ResponseTemplate, agent, *, now=None) -> tuple[str, str]:
    """(subject, body) of `template` filled for `item`, promotion block included: what the
    agent edits before sending."""
    values = placeholders.values_for(item, agent, now)
    subject = placeholders.fill(template.subject, values, "subject")
    body = placeholders.fill(template.body, values)
    if template.include_promotion:
        promo = placeholders.fill(promotion_text(), values)
        if promo:
            body = f"{body.rstrip()}\n\n{promo}"
    return subject, body


def _reply_subject(item) -> str:
    subject = item.subject or ""
    if re.match(r"^\s*(re|tr|fwd?)\s*:", subject, re.IGNORECASE):
        return subject
    return f"RE: {subject}".strip() if subject else _("Votre message à la Caf")


def _template(code):
    if not code:
        return None
    template = ResponseTemplate.objects.filter(code=code, active=True).first()
    if template is None:
        raise WorkItemError(
            _("Modèle de réponse inconnu : « %(code)s ».") % {"code": str(code)[:60]},
            field="template",
        )
    return template


def reply(item, user, *, body: str, template: str | None = None, now=None) -> EmailAnswer:
    """Sends `body` as the answer of `user`, who must hold `item`, and closes it « répondu ».

    The body may still hold placeholders (filled here; an unknown one is refused). The answer
    is threaded (In-Reply-To, References), gets a generated Message-ID, is archived with the
    email with the template used, and the COG record is answered. One transaction: when the
    SMTP server refuses or cannot be reached, nothing is written and the email stays held.
    """
    now = now or timezone.now()
    body = (body or "").strip()
    if not body:
        raise WorkItemError(_("La réponse est vide : écrivez un texte."), field="body")
    if len(body) > MAX_BODY:
        raise WorkItemError(
            _("Réponse trop longue (%(n)s caractères au plus).") % {"n": MAX_BODY}, field="body"
        )
    used = _template(template)
    values = placeholders.values_for(item, user, now)
    body = placeholders.fill(body, values)
    subject = _reply_subject(item)
    with transaction.atomic():
        current = EmailItem.objects.select_for_update().get(pk=item.pk)
        if current.is_closed:
            raise WorkItemError(_("Ce courriel a déjà reçu sa réponse."), status=409)
        # Still its holder (an expired lease nobody has taken over still counts: the row is
        # locked, no one can take it meanwhile).
        if current.assignee_id != user.pk:
            raise AlreadyHeld(
                _("Vous ne détenez pas ce courriel : prenez-le avec « Courriel suivant ».")
            )
        refs = " ".join(message_ids(current.references, current.message_id or ""))
        msgid = make_msgid(domain=settings.PFSPILOT_MAIL_DOMAIN)
        answer = EmailAnswer.objects.create(
            item=current,
            by=user,
            sent_at=now,
            message_id=msgid,
            in_reply_to=current.message_id or "",
            references=refs,
            to_address=current.from_address,
            subject=subject[:500],
            body=body,
            template=used,
            template_code=used.code if used else "",
            template_version=_version(used),
        )
        workitems.close(current, user, status=EmailItem.ANSWERED, reason=_("Répondu"), now=now)
        _answer_record(current, user, used, now)
        if current.from_address:
            _send(answer)
    _refresh_days(current.received_at, now)
    return answer


def _version(template) -> int | None:
    if template is None:
        return None
    latest = template.history.order_by("-history_id").first()
    return latest.history_id if latest else None


def _answer_record(item, user, template, now) -> None:
    fields = {
        "answered_at": now,
        "agent": user,
        "agent_code": user.get_username(),
        "team": user.team,
        "team_code": user.team.name if user.team else None,
        "template": template.code if template else None,
    }
    if template is not None:
        fields["motif"] = template.motif[:200]
    if item.record_id:
        Email.objects.filter(pk=item.record_id).update(**fields)
    else:
        record = Email.objects.create(
            source=SOURCE,
            source_id=_source_id(item.message_id),
            received_at=item.received_at,
            kind=item.kind,
            **fields,
        )
        EmailItem.objects.filter(pk=item.pk).update(record=record)


def _send(answer: EmailAnswer) -> None:
    headers = {"Message-ID": answer.message_id}
    if answer.in_reply_to:
        headers["In-Reply-To"] = answer.in_reply_to
    if answer.references:
        headers["References"] = answer.references
    message = EmailMessage(
        subject=answer.subject,
        body=answer.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[answer.to_address],
        headers=headers,
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    try:
        message.send(fail_silently=False)
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        logger.warning("envoi SMTP impossible (%s)", type(error).__name__)
        raise WorkItemError(
            _(
                "Envoi impossible : le serveur de courriel refuse ou ne répond pas (%(kind)s). "
                "La réponse n'est pas envoyée ; rien n'est enregistré, le courriel reste à vous."
            )
            % {"kind": type(error).__name__},
            status=503,
        ) from None


def _refresh_days(received_at, answered_at) -> None:
    """After the commit: the dashboard sums of the days the answer changes (the day of receipt,
    whose cohort it joins, to the day of the answer, whose production it adds to)."""
    from .tasks import refresh_email_days

    start = timezone.localdate(received_at)
    end = timezone.localdate(answered_at)
    transaction.on_commit(
        lambda: refresh_email_days.enqueue(start.isoformat(), max(start, end).isoformat())
    )


# --- templates ------------------------------------------------------------------------------


def template_save(template: ResponseTemplate, *, by) -> ResponseTemplate:
    """Saves a template after checking its placeholders (unknown one: nothing saved)."""
    placeholders.check(template.subject, "subject")
    placeholders.check(template.body, "body")
    template._history_user = by
    template.save()
    return template


def promotion_save(block: PromotionBlock, *, by) -> PromotionBlock:
    placeholders.check(block.text, "text")
    block._history_user = by
    block.save()
    return block

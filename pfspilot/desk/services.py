"""Writes of the desk: call records, level-2 requests, appointment slots, urgencies,
incivilities and their follow-ups, the consultation log and the purge.

Every function validates everything first, then writes inside one transaction: bad input
raises `WorkItemError` (French message, HTTP status, field) and nothing is written. Claims,
releases, reassignments and closings go through `pfspilot.workitems.services`.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.contacts.models import Call
from pfspilot.engine import routing
from pfspilot.people.models import Role, User
from pfspilot.reference.selectors import interview_steps, platform_rule_set, platform_rules
from pfspilot.workitems import services as workitems
from pfspilot.workitems.services import AlreadyHeld, WorkItemError

from . import validation
from .models import (
    AppointmentSlot,
    Attempt,
    CallerKind,
    CallOutcome,
    CallRecord,
    Consultation,
    ContactChange,
    DeskList,
    FollowUp,
    Incivility,
    Level2Request,
    OutcomeKind,
    RequestKind,
    Urgency,
)
from .queues import desk_rules, find_motif, motif_delay

# Outcomes recorded by their own service (request, transfer, incivility), not as a plain one.
PLAIN_OUTCOMES = (OutcomeKind.LEVEL1, OutcomeKind.DOCUMENT, OutcomeKind.CAF_FR)


def _open_record(record: CallRecord) -> None:
    if record.status != CallRecord.Status.OPEN:
        raise WorkItemError(_("Cette fiche d'appel est close : elle ne peut plus changer."), 409)


# --- call records ---------------------------------------------------------------------------


def record_open(*, agent: User, call_id: str, caller_number: str = "", source=None, now=None):
    """Opens the call record of `call_id` for `agent`; returns (record, created).

    The telephony pushes it through the API (screen pop) or the agent opens it. It attaches to
    the telephony `contacts.Call` of the same identifier when one exists. The same agent asking
    again gets the same record (telephony retries); another agent gets a 409.
    """
    call_id = validation.text(call_id, label=_("Identifiant d'appel"), field="call_id", limit=100)
    if not call_id:
        raise WorkItemError(_("Identifiant d'appel : ce champ est obligatoire."), field="call_id")
    caller_number = validation.text(
        caller_number, label=_("Numéro appelant"), field="caller_number", limit=32
    )
    # A new call is the common case (the API's hot path): insert first, and only when the
    # call id is already taken read who holds it, rather than a lookup before every insert.
    call = Call.objects.filter(source_id=call_id).order_by("pk").first()
    try:
        with transaction.atomic():
            record = CallRecord.objects.create(
                agent=agent,
                team_id=agent.team_id,  # the id: no query to load the team
                call_id=call_id,
                telephony=call,
                caller_number=caller_number,
                source=source or CallRecord.Source.AGENT,
                opened_at=now or timezone.now(),
                steps_version=getattr(platform_rule_set(), "valid_from", None),
            )
    except IntegrityError:
        # A retry of the same push, or two pushes at once: the first one's record stands.
        existing = CallRecord.objects.filter(call_id=call_id).first()
        if existing is None:
            raise
        if existing.agent_id != agent.pk:
            raise AlreadyHeld(
                _("Une fiche existe déjà pour cet appel, ouverte par un autre agent.")
            ) from None
        return existing, False
    return record, True


def record_identify(record, *, by, claimant_number="", caller_kind="", third_party=""):
    """Who calls and for which claimant (levée de l'anonymat, secret professionnel)."""
    _open_record(record)
    number = validation.claimant_number(claimant_number)
    if caller_kind not in CallerKind.values:
        raise WorkItemError(_("Indiquez qui appelle."), field="caller_kind")
    third_party = validation.text(third_party, label=_("Tiers"), field="third_party", limit=200)
    if caller_kind != CallerKind.CLAIMANT and not third_party:
        raise WorkItemError(
            _("Tiers : indiquez son nom et sa qualité (tutelle, bailleur…)."), field="third_party"
        )
    record.claimant_number = number
    record.caller_kind = caller_kind
    record.third_party = third_party if caller_kind != CallerKind.CLAIMANT else ""
    record._history_user = by
    record.save(update_fields=["claimant_number", "caller_kind", "third_party"])
    return record


def _known_contact(record, field: str) -> str:
    """The claimant's last known value of `field` (this record's, else their latest record's)."""
    current = getattr(record, field)
    if current or not record.claimant_number:
        return current
    earlier = (
        CallRecord.objects.filter(claimant_number=record.claimant_number)
        .exclude(pk=record.pk)
        .exclude(**{field: ""})
        .order_by("-opened_at")
        .values_list(field, flat=True)
        .first()
    )
    return earlier or ""


def record_update_contact(record, *, by, phone=None, email=None, now=None):
    """Updates the claimant's phone and/or email; each change keeps its before and after."""
    _open_record(record)
    values = {}
    if phone is not None:
        values["phone"] = validation.phone(phone)
    if email is not None:
        values["email"] = validation.email(email)
    now = now or timezone.now()
    with transaction.atomic():
        for field, after in values.items():
            before = _known_contact(record, field)
            if after and after != before:
                ContactChange.objects.create(
                    record=record, field=field, before=before, after=after, changed_at=now
                )
                setattr(record, field, after)
        record._history_user = by
        record.save(update_fields=["phone", "email"])
    return record


def record_steps(record, *, by, done: list[int]):
    """Ticks the interview steps of note §B.1 done (positions from 1, in the note's order)."""
    _open_record(record)
    steps = interview_steps(record.steps_version)
    try:
        positions = sorted({int(p) for p in done})
    except (TypeError, ValueError):
        raise WorkItemError(_("Étapes de l'entretien invalides."), field="steps") from None
    if any(not 1 <= p <= len(steps) for p in positions):
        raise WorkItemError(_("Étape de l'entretien inconnue."), field="steps")
    record.steps_done = positions
    record._history_user = by
    record.save(update_fields=["steps_done"])
    return record


def record_set_motif(record, *, by, motif: str, file_in_progress=False):
    """Sets the motif (guide code or label) and the consigne of the agent's profile.

    The motif feeds the per-motif indicators through the telephony record (`Call.motif`).
    Raises WorkItemError naming the closest motifs when `motif` is not found.
    """
    _open_record(record)
    row = find_motif(motif)
    profile = record.agent.routing_profile()
    decision = routing.route(row, profile, bool(file_in_progress))
    with transaction.atomic():
        record.motif_code = row.code
        record.motif_label = row.label
        record.file_in_progress = bool(file_in_progress) and row.asks_file_in_progress(profile)
        record.routing_action = decision.action
        record.instruction = decision.instruction[:300]
        record._history_user = by
        record.save(
            update_fields=[
                "motif_code",
                "motif_label",
                "file_in_progress",
                "routing_action",
                "instruction",
            ]
        )
        if record.telephony_id is None:
            # The telephony export may arrive after the call: attach when it is there.
            record.telephony = Call.objects.filter(source_id=record.call_id).order_by("pk").first()
            if record.telephony is not None:
                record.save(update_fields=["telephony"])
        if record.telephony_id is not None:
            Call.objects.filter(pk=record.telephony_id).update(motif=row.label)
    return record


def record_add_outcome(record, *, by, kind: str, document: str = "", detail: str = ""):
    """Adds an outcome: level 1, letter or attestation (with its type), caf.fr promoted."""
    _open_record(record)
    if kind not in PLAIN_OUTCOMES:
        raise WorkItemError(
            _("Issue inconnue ou à enregistrer par son propre formulaire."), field="kind"
        )
    detail = validation.text(detail, label=_("Précision"), field="detail", limit=300)
    doc = None
    if kind == OutcomeKind.DOCUMENT:
        doc = DeskList.objects.filter(
            kind=DeskList.Kind.DOCUMENT, code=document, active=True
        ).first()
        if doc is None:
            raise WorkItemError(
                _("Choisissez le type de courrier ou d'attestation."), field="document"
            )
    outcome = CallOutcome(record=record, kind=kind, document=doc, detail=detail)
    outcome._history_user = by
    outcome.save()
    return outcome


def record_transfer(record, *, by, detail: str = ""):
    """Transfers the call to a supervisor or manager: only for a user in distress (note §B.1).

    Any other transfer is refused with the reason (the consigne of the record's motif).
    """
    _open_record(record)
    if record.routing_action != routing.TRANSFER:
        motif = record.motif_label or _("aucun motif choisi")
        raise WorkItemError(
            _(
                "Transfert refusé : aucun appel ne fait l'objet de transfert interne en dehors "
                "des situations de détresse (note §B.1). Motif : %(motif)s. %(instruction)s"
            )
            % {"motif": motif, "instruction": record.instruction},
            field="kind",
        )
    detail = validation.text(detail, label=_("Précision"), field="detail", limit=300)
    outcome = CallOutcome(record=record, kind=OutcomeKind.TRANSFER, detail=detail)
    outcome._history_user = by
    outcome.save()
    return outcome


def record_close(record, *, by, now=None):
    """Closes the record; it needs a motif and at least one outcome."""
    _open_record(record)
    if not record.motif_code:
        raise WorkItemError(
            _("Choisissez le motif de l'appel avant de clore la fiche."), field="motif"
        )
    if not record.outcomes.exists():
        raise WorkItemError(_("Indiquez au moins une issue avant de clore la fiche."), field="kind")
    record.status = CallRecord.Status.CLOSED
    record.closed_at = now or timezone.now()
    record._history_user = by
    record.save(update_fields=["status", "closed_at"])
    return record


# --- level-2 requests -----------------------------------------------------------------------


def _due(created, *, amount, unit, clock, source: str):
    # Only the « opening » clock reads the platform's opening hours: no query for the others.
    rules = platform_rules() if clock == "opening" else None
    due = workitems.due_date(created, amount=amount, unit=unit, clock=clock, rules=rules)
    rule = f"{amount:g} {unit} {clock} ({source})"
    return due, rule[:200]


def request_create(
    record,
    *,
    by,
    kind: str = RequestKind.CALLBACK,
    motif: str = "",
    note: str = "",
    phone: str = "",
    availability: str = "",
    now=None,
):
    """Records a PIRA, callback or phone-appointment request from the call record.

    The motif is `motif` (code or label) or else the record's own (a « rappel différé » motif is
    inherited). The due date is the motif's delay in the desk rules in force (else the default
    delay) on the one deadline clock. Returns the request (status « nouveau »).
    """
    if kind not in RequestKind.values:
        raise WorkItemError(_("Type de demande inconnu."), field="kind")
    if record.status != CallRecord.Status.OPEN and record.agent_id != by.pk:
        _open_record(record)
    row = find_motif(motif) if motif else None
    if row is None and not record.motif_code:
        raise WorkItemError(_("Motif : indiquez le motif de la demande."), field="motif")
    code = row.code if row else record.motif_code
    label = row.label if row else record.motif_label
    parcours = row.journey if row else ""
    note = validation.text(note, label=_("Note"), field="note")
    availability = validation.text(
        availability, label=_("Disponibilités"), field="availability", limit=300
    )
    number = validation.phone(phone) or record.phone or _caller_phone(record)
    now = now or timezone.now()
    rules = desk_rules(now.date())
    delay = motif_delay(rules, code)
    if delay is not None:
        amount, unit, clock = float(delay.amount), delay.unit, delay.clock
        expertise = delay.expertise or parcours
        source = _("motif %(code)s, règles du %(date)s") % {"code": code, "date": rules.valid_from}
    else:
        amount, unit, clock = float(rules.request_delay), rules.request_unit, rules.request_clock
        expertise = parcours
        source = _("délai par défaut, règles du %(date)s") % {"date": rules.valid_from}
    due, rule = _due(now, amount=amount, unit=unit, clock=clock, source=source)
    outcome_kind = {
        RequestKind.CALLBACK: OutcomeKind.CALLBACK,
        RequestKind.APPOINTMENT: OutcomeKind.APPOINTMENT,
        RequestKind.PIRA: OutcomeKind.PIRA,
    }[kind]
    with transaction.atomic():
        request = Level2Request(
            kind=kind,
            record=record,
            status=Level2Request.NEW,
            created_at=now,
            created_by=by,
            team_id=record.team_id,
            due_at=due,
            due_rule=rule,
            motif_code=code,
            motif_label=label,
            expertise=expertise[:120],
            claimant_number=record.claimant_number,
            phone=number,
            availability=availability,
            note=note,
        )
        request._history_user = by
        request.save()
        outcome = CallOutcome(record=record, kind=outcome_kind, detail=label[:300])
        outcome._history_user = by
        outcome.save()
    return request


def _caller_phone(record) -> str:
    try:
        return validation.phone(record.caller_number)
    except WorkItemError:
        return ""


def request_attempt(request, *, by, reached: bool, note: str = "", now=None):
    """Records an attempt to reach the claimant by the request's holder.

    After the desk rules' number of failed attempts the request closes as « injoignable ».
    """
    if request.assignee_id != by.pk:
        raise AlreadyHeld(_("Vous ne détenez pas cette demande : prenez-la en charge d'abord."))
    if request.is_closed:
        raise WorkItemError(_("Cette demande est déjà close."), 409)
    note = validation.text(note, label=_("Note"), field="note", limit=300)
    now = now or timezone.now()
    rules = desk_rules(now.date())
    with transaction.atomic():
        Attempt.objects.create(request=request, by=by, at=now, reached=reached, note=note)
        request.attempts = request.attempts + 1
        request._history_user = by
        request.save(update_fields=["attempts"])
        if not reached and request.attempts >= rules.max_attempts:
            request = workitems.close(
                request,
                by,
                status=Level2Request.Status.UNREACHABLE,
                reason=_("Injoignable après %(n)s tentatives") % {"n": request.attempts},
                now=now,
            )
    return request


def request_close(request, *, by, outcome: str, now=None):
    """Closes the request held by `by` as « traité » with its outcome (required)."""
    outcome = validation.text(outcome, label=_("Résultat"), field="outcome", required=True)
    return workitems.close(request, by, status=Level2Request.Status.DONE, outcome=outcome, now=now)


def slot_publish(*, expert, start: dt.datetime, end: dt.datetime):
    """Publishes a phone-appointment slot of `expert` (unique per expert and start)."""
    if end <= start:
        raise WorkItemError(_("La fin du créneau doit suivre son début."), field="end")
    if AppointmentSlot.objects.filter(expert=expert, start__lt=end, end__gt=start).exists():
        raise WorkItemError(_("Ce créneau chevauche un créneau déjà publié."), field="start")
    try:
        with transaction.atomic():
            slot = AppointmentSlot(expert=expert, start=start, end=end)
            slot._history_user = expert
            slot.save()
    except IntegrityError:
        raise WorkItemError(_("Ce créneau est déjà publié."), field="start") from None
    return slot


def slot_book(slot, request, *, by):
    """Books `slot` for the appointment `request`: one request per slot, one slot per request.

    A compare-and-set update on a free slot; the database's unique constraint on the slot's
    request refuses a second booking of the same request.
    """
    if request.kind != RequestKind.APPOINTMENT:
        raise WorkItemError(_("Seule une demande de RDV téléphonique réserve un créneau."))
    if request.is_closed:
        raise WorkItemError(_("Cette demande est déjà close."), 409)
    try:
        with transaction.atomic():
            won = AppointmentSlot.objects.filter(pk=slot.pk, request__isnull=True).update(
                request=request
            )
    except IntegrityError:
        raise AlreadyHeld(_("Cette demande a déjà un créneau de RDV.")) from None
    if won != 1:
        raise AlreadyHeld(_("Ce créneau vient d'être réservé : choisissez-en un autre."))
    slot.refresh_from_db()
    AppointmentSlot.history.bulk_history_create(
        [slot], update=True, default_user=by, default_change_reason=_("Réservé")
    )
    return slot


# --- urgencies ------------------------------------------------------------------------------


def urgency_send(*, by, subject: str, description: str, record=None, now=None):
    """Sends an urgency to the supervision mailbox; its commitment deadline is set now."""
    subject = validation.text(subject, label=_("Objet"), field="subject", limit=200, required=True)
    description = validation.text(
        description, label=_("Description"), field="description", required=True
    )
    now = now or timezone.now()
    rules = desk_rules(now.date())
    source = _("engagement, règles du %(date)s") % {"date": rules.valid_from}
    due, rule = _due(
        now,
        amount=float(rules.urgency_delay),
        unit=rules.urgency_unit,
        clock=rules.urgency_clock,
        source=source,
    )
    urgency = Urgency(
        subject=subject,
        description=description,
        record=record,
        status=Urgency.NEW,
        created_at=now,
        created_by=by,
        team_id=by.team_id,
        due_at=due,
        due_rule=rule,
    )
    urgency._history_user = by
    urgency.save()
    return urgency


def urgency_transfer(urgency, *, by, service: str, now=None):
    """Transmits the urgency held by `by` to a service of the reference list."""
    target = DeskList.objects.filter(kind=DeskList.Kind.SERVICE, code=service, active=True).first()
    if target is None:
        raise WorkItemError(_("Choisissez le service destinataire dans la liste."), field="service")
    if urgency.assignee_id != by.pk:
        raise AlreadyHeld(_("Vous ne détenez pas cette urgence : prenez-la en charge d'abord."))
    now = now or timezone.now()
    done = (
        Urgency.objects.filter(pk=urgency.pk, assignee=by)
        .exclude(status__in=Urgency.CLOSED_STATUSES)
        .update(service=target, transferred_at=now, status=Urgency.Status.TRANSFERRED)
    )
    if done != 1:
        raise WorkItemError(_("Cette urgence est déjà close."), 409)
    urgency.refresh_from_db()
    Urgency.history.bulk_history_create(
        [urgency], update=True, default_user=by, default_change_reason=_("Transmise")
    )
    return urgency


def urgency_close(urgency, *, by, kept: bool | None, note: str = "", now=None):
    """Closes the urgency held by `by`, saying whether the commitment was kept."""
    if kept is None:
        raise WorkItemError(_("Indiquez si l'engagement a été tenu."), field="kept")
    note = validation.text(note, label=_("Note de clôture"), field="note")
    return workitems.close(
        urgency,
        by,
        status=Urgency.Status.CLOSED,
        commitment_kept=bool(kept),
        closing_note=note,
        now=now,
    )


# --- incivilities ---------------------------------------------------------------------------


def incivility_declare(
    record, *, by, kind: str, recorded: bool, call_ended: bool, description="", now=None
):
    """Declares an incivility from the call record (note §D) and opens the manager's follow-up.

    The follow-up goes to a manager of the agent's team when there is one (else any manager
    claims it); its due date is the desk rules' delay in working days.
    """
    _open_record(record)
    if hasattr(record, "incivility"):
        raise WorkItemError(_("Une incivilité est déjà déclarée pour cet appel."), 409)
    target = DeskList.objects.filter(kind=DeskList.Kind.INCIVILITY, code=kind, active=True).first()
    if target is None:
        raise WorkItemError(_("Choisissez le type d'incivilité."), field="kind")
    description = validation.text(description, label=_("Faits"), field="description")
    now = now or timezone.now()
    rules = desk_rules(now.date())
    source = _("suivi d'incivilité, règles du %(date)s") % {"date": rules.valid_from}
    due, rule = _due(now, amount=rules.follow_up_days, unit="days", clock="business", source=source)
    manager = (
        User.objects.filter(role=Role.MANAGER, team_id=record.agent.team_id, is_active=True)
        .order_by("pk")
        .first()
        if record.agent.team_id
        else None
    )
    with transaction.atomic():
        incivility = Incivility(
            record=record,
            agent=record.agent,
            kind=target,
            recorded=bool(recorded),
            call_ended=bool(call_ended),
            description=description,
            declared_at=now,
        )
        incivility._history_user = by
        incivility.save()
        follow_up = FollowUp(
            incivility=incivility,
            agent=record.agent,
            status=FollowUp.NEW if manager is None else FollowUp.CLAIMED,
            assignee=manager,
            claimed_at=now if manager else None,
            created_at=now,
            created_by=by,
            team_id=record.agent.team_id,
            due_at=due,
            due_rule=rule,
        )
        follow_up._history_user = by
        follow_up.save()
        outcome = CallOutcome(record=record, kind=OutcomeKind.INCIVILITY, detail=target.label)
        outcome._history_user = by
        outcome.save()
    return incivility


def follow_up_update(
    follow_up,
    *,
    by,
    exchange_on=None,
    recit_reference="",
    transmitted_on=None,
    transmitted_to="",
    now=None,
):
    """Fills the three steps of note §D; complete when all are filled.

    A manager who does not hold it takes it (compare-and-set claim) before writing.
    """
    if follow_up.is_closed:
        raise WorkItemError(_("Ce suivi est complet : il ne change plus."), 409)
    recit_reference = validation.text(
        recit_reference, label=_("Référence RECIT"), field="recit_reference", limit=50
    )
    transmitted_to = validation.text(
        transmitted_to, label=_("Transmis à"), field="transmitted_to", limit=200
    )
    today = timezone.localdate(now or timezone.now())
    for name, value in (("exchange_on", exchange_on), ("transmitted_on", transmitted_on)):
        if value is not None and value > today:
            raise WorkItemError(_("Une date d'étape ne peut pas être future."), field=name)
    if follow_up.assignee_id != by.pk:
        follow_up = workitems.claim(follow_up, by, now=now)
    with transaction.atomic():
        follow_up.exchange_on = exchange_on or follow_up.exchange_on
        follow_up.recit_reference = recit_reference or follow_up.recit_reference
        follow_up.transmitted_on = transmitted_on or follow_up.transmitted_on
        follow_up.transmitted_to = transmitted_to or follow_up.transmitted_to
        follow_up._history_user = by
        follow_up.save(
            update_fields=["exchange_on", "recit_reference", "transmitted_on", "transmitted_to"]
        )
        if not follow_up.missing_steps():
            follow_up = workitems.close(
                follow_up, by, status=FollowUp.Status.DONE, reason=_("Suivi complet"), now=now
            )
    return follow_up


def follow_up_remind(*, now=None) -> int:
    """Counts a reminder on every incomplete follow-up past its due date; returns how many."""
    now = now or timezone.now()
    overdue = list(FollowUp.objects.overdue(now))
    for item in overdue:
        FollowUp.objects.filter(pk=item.pk).update(reminders=item.reminders + 1)
    return len(overdue)


# --- data protection ------------------------------------------------------------------------


def log_consultation(user, *, claimant_number: str, what: str, now=None) -> None:
    """Notes that `user` looked at a record of `claimant_number` (nothing for an unknown one)."""
    if claimant_number:
        Consultation.objects.create(
            user=user, claimant_number=claimant_number, what=what[:100], at=now or timezone.now()
        )


PERSONAL_RECORD_FIELDS = {
    "caller_number": "",
    "claimant_number": "",
    "third_party": "",
    "phone": "",
    "email": "",
    "note": "",
}


def purge(*, apply: bool = False, now=None) -> dict[str, int]:
    """Personal details older than the retention period: counted, and erased with `apply`.

    Erased: on call records the caller's and claimant's numbers, third party, contact details
    and note, their contact changes' values; on requests the number, phone, availability and
    note; incivility descriptions; the consultation log; the same fields in the history.
    Kept: motifs, outcomes, dates, statuses, attempts: the anonymous counts of the indicators.
    Returns counts per kind of record.
    """
    now = now or timezone.now()
    rules = desk_rules(timezone.localdate(now))
    limit = now - dt.timedelta(days=rules.retention_days)
    records = CallRecord.objects.filter(opened_at__lt=limit, purged_at__isnull=True)
    requests = Level2Request.objects.filter(record__in=records)
    counts = {
        "fiches": records.count(),
        "demandes": requests.count(),
        "mises_a_jour_coordonnees": ContactChange.objects.filter(record__in=records).count(),
        "incivilites": Incivility.objects.filter(record__in=records).count(),
        "consultations": Consultation.objects.filter(at__lt=limit).count(),
    }
    if not apply:
        return counts
    with transaction.atomic():
        ids = list(records.values_list("pk", flat=True))
        request_ids = list(requests.values_list("pk", flat=True))
        ContactChange.objects.filter(record_id__in=ids).update(before="", after="")
        Level2Request.objects.filter(pk__in=request_ids).update(
            claimant_number="", phone="", availability="", note="", outcome=""
        )
        Level2Request.history.filter(id__in=request_ids).update(
            claimant_number="", phone="", availability="", note="", outcome=""
        )
        Incivility.objects.filter(record_id__in=ids).update(description="")
        Incivility.history.filter(record_id__in=ids).update(description="")
        Urgency.objects.filter(record_id__in=ids).update(description="", closing_note="")
        Urgency.history.filter(record_id__in=ids).update(description="", closing_note="")
        CallRecord.history.filter(id__in=ids).update(**PERSONAL_RECORD_FIELDS)
        CallRecord.objects.filter(pk__in=ids).update(purged_at=now, **PERSONAL_RECORD_FIELDS)
        Consultation.objects.filter(at__lt=limit).delete()
    return counts

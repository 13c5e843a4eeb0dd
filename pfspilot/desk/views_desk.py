"""Pages of the desk: Mon poste, the call record, the level-2 queue, slots, urgencies,
incivility follow-ups and the consultation log. Views parse the form, call one service,
render; a refused write shows the service's French message on the form (status 400)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.people.access import can, get_object_for_user, requires
from pfspilot.people.models import Role, User
from pfspilot.reference.selectors import interview_steps
from pfspilot.workitems import services as workitems
from pfspilot.workitems.forms import apply_form
from pfspilot.workitems.services import WorkItemError

from . import forms, queues, services
from .models import (
    AppointmentSlot,
    CallerKind,
    CallRecord,
    Consultation,
    FollowUp,
    Level2Request,
    RequestKind,
    Urgency,
)
from .validation import display_phone

# --- Mon poste ------------------------------------------------------------------------------


@requires({"GET": "desk", "POST": "call.record"})
def poste(request):
    """Mon poste: today's timetable, counters against the norms, open requests; open a record."""
    form = forms.OpenRecordForm(request.POST or None)
    if request.method == "POST":
        result = apply_form(
            form,
            lambda d: services.record_open(
                agent=request.user, call_id=d["call_id"], caller_number=d["caller_number"]
            ),
        )
        if result is not None:
            return redirect("poste:record", pk=result[0].pk)
    context = queues.my_desk(request.user)
    context["form"] = form
    context["pop"] = queues.pending_pop(request.user)
    status = 400 if form.errors else 200
    return render(request, "desk/poste.html", context, status=status)


@requires("desk")
def screen_pop(request):
    """The screen-pop region of Mon poste, polled by htmx every few seconds (no write)."""
    record = queues.pending_pop(request.user)
    return render(request, "desk/_pop.html", {"pop": record})


# --- the call record ------------------------------------------------------------------------

RECORD_ACTIONS = {
    # action: (form class, service call(record, user, data))
    "identify": (
        forms.IdentifyForm,
        lambda r, u, d: services.record_identify(r, by=u, **d),
    ),
    "contact": (
        forms.ContactForm,
        lambda r, u, d: services.record_update_contact(r, by=u, phone=d["phone"], email=d["email"]),
    ),
    "steps": (forms.StepsForm, lambda r, u, d: services.record_steps(r, by=u, done=d["steps"])),
    "motif": (forms.MotifForm, lambda r, u, d: services.record_set_motif(r, by=u, **d)),
    "outcome": (forms.OutcomeForm, lambda r, u, d: services.record_add_outcome(r, by=u, **d)),
    "transfer": (forms.TransferForm, lambda r, u, d: services.record_transfer(r, by=u, **d)),
    "request": (forms.RequestForm, lambda r, u, d: services.request_create(r, by=u, **d)),
    "urgency": (
        forms.UrgencyForm,
        lambda r, u, d: services.urgency_send(by=u, record=r, **d),
    ),
    "incivility": (
        forms.IncivilityForm,
        lambda r, u, d: services.incivility_declare(r, by=u, **d),
    ),
    "close": (forms.EmptyForm, lambda r, u, d: services.record_close(r, by=u)),
}
DONE_MESSAGES = {
    "identify": _("Identification enregistrée."),
    "contact": _("Coordonnées mises à jour."),
    "steps": _("Étapes de l'entretien enregistrées."),
    "motif": _("Motif et consigne enregistrés."),
    "outcome": _("Issue enregistrée."),
    "transfer": _(
        "Transfert enregistré : passez l'appel à un assistant superviseur ou un manager."
    ),
    "request": _("Demande envoyée aux experts de niveau 2."),
    "urgency": _("Urgence envoyée à la boîte de la supervision."),
    "incivility": _("Incivilité déclarée : votre manager est prévenu."),
    "close": _("Fiche close."),
}


def _record_forms(record, bound_action=None, bound_form=None):
    steps = interview_steps(record.steps_version)
    initial = {
        "identify": {
            "caller_kind": record.caller_kind or CallerKind.CLAIMANT,
            "claimant_number": record.claimant_number,
            "third_party": record.third_party,
        },
        "contact": {"phone": display_phone(record.phone), "email": record.email},
        "steps": {"steps": record.steps_done},
        "motif": {"motif": record.motif_label, "file_in_progress": record.file_in_progress},
        "request": {"phone": display_phone(record.phone)},
    }
    built = {}
    for action, (form_class, _call) in RECORD_ACTIONS.items():
        if action == bound_action:
            built[action] = bound_form
            continue
        kwargs = {"steps": steps} if form_class is forms.StepsForm else {}
        built[action] = form_class(initial=initial.get(action), prefix=action, **kwargs)
    return built


@requires({"GET": "desk", "POST": "call.record"})
def record(request, pk):
    """The call record: checklist, identification, contact, motif and consigne, outcomes."""
    item = get_object_for_user(request.user, CallRecord.objects.select_related("agent"), pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else None
    bound = None
    if action is not None:
        if action not in RECORD_ACTIONS:
            bound = forms.EmptyForm(request.POST)
            bound.is_valid()
            bound.add_error(None, _("Action inconnue : choisissez une section de la fiche."))
        else:
            form_class, call = RECORD_ACTIONS[action]
            kwargs = {"steps": interview_steps(item.steps_version)} if action == "steps" else {}
            bound = form_class(request.POST, prefix=action, **kwargs)
            if apply_form(bound, lambda d: call(item, request.user, d)) is not None:
                messages.success(request, DONE_MESSAGES[action])
                return redirect("poste:record", pk=item.pk)
    if request.method == "GET":
        # Reading a claimant's record is logged (data protection), the one write of a GET.
        services.log_consultation(
            request.user, claimant_number=item.claimant_number, what=str(item)
        )
    item.refresh_from_db()
    context = {
        "record": item,
        "is_open": item.status == CallRecord.Status.OPEN,
        "forms": _record_forms(item, action if action in RECORD_ACTIONS else None, bound),
        "action_error": bound if bound is not None and action not in RECORD_ACTIONS else None,
        "steps": list(enumerate(interview_steps(item.steps_version), start=1)),
        "changes": item.changes.all(),
        "outcomes": item.outcomes.select_related("document"),
        "requests": item.requests.all(),
        "phone_display": display_phone(item.phone),
        "secrecy": _secrecy(item.caller_kind),
    }
    return render(request, "desk/record.html", context, status=400 if bound is not None else 200)


def _secrecy(caller_kind: str) -> str:
    """What the caller may be told (secret professionnel, domain.md glossary)."""
    if caller_kind == CallerKind.CLAIMANT:
        return _("L'allocataire identifié : informations générales et sur son dossier.")
    if caller_kind == CallerKind.AUTHORISED:
        return _(
            "Tiers autorisé (tutelle, curatelle, procuration) : informations sur le dossier "
            "dans la limite de son mandat, après vérification de son identité et de sa qualité."
        )
    if caller_kind == CallerKind.OTHER:
        return _(
            "Autre tiers : secret professionnel, aucune information sur le dossier. Seulement "
            "une information générale sur les prestations ; la réponse aux tiers (bailleurs, "
            "tutelles, AS…) suit la consigne du motif « La réponse aux tiers »."
        )
    return _("Identifiez l'appelant avant toute information sur un dossier.")


# --- level-2 requests -----------------------------------------------------------------------


REQUEST_ACTIONS = {
    "claim": (forms.EmptyForm, lambda i, u, d: workitems.claim(i, u)),
    "release": (forms.EmptyForm, lambda i, u, d: workitems.release(i, u)),
    "attempt": (forms.AttemptForm, lambda i, u, d: services.request_attempt(i, by=u, **d)),
    "close": (
        forms.CloseRequestForm,
        lambda i, u, d: services.request_close(i, by=u, outcome=d["outcome"]),
    ),
    "book": (forms.BookForm, lambda i, u, d: _book(i, u, d["slot"])),
}


def _book(item, user, slot_id):
    slot = AppointmentSlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise WorkItemError(_("Créneau inconnu."), field="slot")
    return services.slot_book(slot, item, by=user)


@requires({"GET": "requests", "POST": "request.claim"})
def request_detail(request, pk):
    """One request: claim it, call, record attempts, book a slot, close it."""
    item = get_object_for_user(
        request.user, Level2Request.objects.select_related("record", "assignee"), pk=pk
    )
    action = request.POST.get("action", "") if request.method == "POST" else None
    bound = None
    if action is not None:
        form_class, call = REQUEST_ACTIONS.get(action, (forms.EmptyForm, None))
        bound = form_class(request.POST, prefix=action)
        if call is None:
            bound.is_valid()
            bound.add_error(None, _("Action inconnue."))
        elif apply_form(bound, lambda d: call(item, request.user, d)) is not None:
            messages.success(request, _("Demande mise à jour."))
            return redirect("poste:request", pk=item.pk)
    if request.method == "GET":
        services.log_consultation(
            request.user, claimant_number=item.claimant_number, what=str(item)
        )
    item.refresh_from_db()
    free_slots = AppointmentSlot.objects.filter(
        request__isnull=True, start__gte=timezone.now()
    ).select_related("expert")[:50]
    context = {
        "item": item,
        "bound": bound,
        "action": action,
        "attempts": item.attempt_log.select_related("by"),
        "free_slots": free_slots if item.kind == RequestKind.APPOINTMENT else [],
        "phone_display": display_phone(item.phone),
        "attempt_form": forms.AttemptForm(prefix="attempt"),
        "close_form": forms.CloseRequestForm(prefix="close"),
        "held_by_me": item.assignee_id == request.user.pk,
        "can_claim": can(request.user, "request.claim"),
        "can_reassign": can(request.user, "request.reassign"),
        "reassign_form": forms.ReassignForm(
            prefix="reassign", queryset=User.objects.filter(role=Role.EXPERT, is_active=True)
        ),
        "now": timezone.now(),
    }
    return render(request, "desk/request.html", context, status=400 if bound is not None else 200)


@requires({"POST": "request.reassign"})
def request_reassign(request, pk):
    """A supervisor gives a request to another expert."""
    item = get_object_for_user(request.user, Level2Request, pk=pk, action="request.reassign")
    form = forms.ReassignForm(
        request.POST,
        prefix="reassign",
        queryset=User.objects.filter(role=Role.EXPERT, is_active=True),
    )
    if apply_form(form, lambda d: workitems.reassign(item, d["to"], by=request.user)) is not None:
        messages.success(request, _("Demande réattribuée."))
        return redirect("poste:request", pk=item.pk)
    return render(
        request,
        "desk/form_error.html",
        {"form": form, "back": reverse("poste:request", args=[item.pk])},
        status=400,
    )


@requires({"GET": "appointment.slots", "POST": "appointment.slots"})
def slots(request):
    """The expert's published phone-appointment slots; publish a new one."""
    form = forms.SlotForm(request.POST or None)
    if request.method == "POST":
        done = apply_form(
            form,
            lambda d: services.slot_publish(expert=request.user, start=d["start"], end=d["end"]),
        )
        if done is not None:
            messages.success(request, _("Créneau publié."))
            return redirect("poste:slots")
    rows = AppointmentSlot.objects.filter(expert=request.user, end__gte=timezone.now())
    return render(
        request,
        "desk/slots.html",
        {"form": form, "rows": rows.select_related("request")},
        status=400 if form.errors else 200,
    )


# --- urgencies ------------------------------------------------------------------------------


@requires({"GET": "urgency.send", "POST": "urgency.send"})
def urgency_send(request):
    """Agents and renfort send an urgency to the supervision team's functional mailbox."""
    form = forms.UrgencyForm(request.POST or None)
    if request.method == "POST":
        done = apply_form(form, lambda d: services.urgency_send(by=request.user, **d))
        if done is not None:
            messages.success(request, _("Urgence envoyée à la boîte de la supervision."))
            return redirect("poste:urgencies")
    return render(
        request, "desk/urgency_send.html", {"form": form}, status=400 if form.errors else 200
    )


URGENCY_ACTIONS = {
    "claim": (forms.EmptyForm, lambda i, u, d: workitems.claim(i, u)),
    "release": (forms.EmptyForm, lambda i, u, d: workitems.release(i, u)),
    "transfer": (
        forms.TransferUrgencyForm,
        lambda i, u, d: services.urgency_transfer(i, by=u, service=d["service"]),
    ),
    "close": (forms.CloseUrgencyForm, lambda i, u, d: services.urgency_close(i, by=u, **d)),
}


@requires({"GET": "urgencies", "POST": "urgency.claim"})
def urgency_detail(request, pk):
    """One urgency: claim it (one owner), transmit it to a service, close it."""
    item = get_object_for_user(
        request.user, Urgency.objects.select_related("assignee", "service", "record"), pk=pk
    )
    action = request.POST.get("action", "") if request.method == "POST" else None
    bound = None
    if action is not None:
        form_class, call = URGENCY_ACTIONS.get(action, (forms.EmptyForm, None))
        bound = form_class(request.POST, prefix=action)
        if call is None:
            bound.is_valid()
            bound.add_error(None, _("Action inconnue."))
        elif apply_form(bound, lambda d: call(item, request.user, d)) is not None:
            messages.success(request, _("Urgence mise à jour."))
            return redirect("poste:urgency", pk=item.pk)
    item.refresh_from_db()
    context = {
        "item": item,
        "bound": bound,
        "action": action,
        "transfer_form": forms.TransferUrgencyForm(prefix="transfer"),
        "close_form": forms.CloseUrgencyForm(prefix="close"),
        "held_by_me": item.assignee_id == request.user.pk,
        "can_claim": can(request.user, "urgency.claim"),
        "now": timezone.now(),
        "history": item.history.select_related("history_user")[:50],
    }
    return render(request, "desk/urgency.html", context, status=400 if bound is not None else 200)


# --- incivilities ---------------------------------------------------------------------------


@requires("incivilities")
def incivilities(request):
    """Open incivility follow-ups per team, with the steps still missing."""
    return render(
        request,
        "desk/incivilities.html",
        {"teams": queues.follow_ups_by_team(request.user), "now": timezone.now()},
    )


@requires({"GET": "incivilities", "POST": "incivility.follow_up"})
def follow_up(request, pk):
    """One follow-up: the three steps of note §D (exchange, RECIT, transmission)."""
    item = get_object_for_user(
        request.user,
        FollowUp.objects.select_related("incivility__kind", "agent", "assignee"),
        pk=pk,
    )
    initial = {
        "exchange_on": item.exchange_on,
        "recit_reference": item.recit_reference,
        "transmitted_on": item.transmitted_on,
        "transmitted_to": item.transmitted_to,
    }
    form = forms.FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = apply_form(form, lambda d: services.follow_up_update(item, by=request.user, **d))
        if done is not None:
            messages.success(request, _("Suivi enregistré."))
            return redirect("poste:follow_up", pk=item.pk)
    return render(
        request,
        "desk/follow_up.html",
        {
            "item": item,
            "form": form,
            "can_edit": can(request.user, "incivility.follow_up"),
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


# --- data protection ------------------------------------------------------------------------


@requires("audit.view")
def consultations(request):
    """Who looked at which claimant's records, when (administrators only)."""
    rows = Consultation.objects.select_related("user")
    number = request.GET.get("allocataire", "").strip()
    if number:
        rows = rows.filter(claimant_number=number)
    return render(request, "desk/consultations.html", {"rows": rows[:500], "number": number})

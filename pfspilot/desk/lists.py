"""The desk's declared queue pages (`pfspilot.lists`): level-2 requests and urgencies.

Each row says « en retard » when its due date has passed (annotated, so the column sorts and
exports like the others) and its due date cell is red.
"""

from django import forms
from django.db.models import Case, CharField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pfspilot.lists.exports import Column
from pfspilot.lists.pages import Filter, ListPage, Param

from . import queues
from .models import Level2Request, RequestKind, Urgency

OVERDUE = _("en retard")


def _with_overdue(rows, model):
    now = timezone.now()
    late = Q(due_at__lt=now) & ~Q(status__in=model.CLOSED_STATUSES)
    return rows.annotate(
        overdue=Case(
            When(late, then=Value(str(OVERDUE))), default=Value(""), output_field=CharField()
        ),
        due_status=Case(
            When(late, then=Value("missed")), default=Value(""), output_field=CharField()
        ),
    )


def _status_field(statuses):
    return forms.ChoiceField(
        label=_("Statut"),
        choices=[("open", _("En cours")), ("", _("Tous")), *statuses],
        required=False,
    )


def request_rows(user, *, status="open", mine=False):
    rows = queues.requests_queue(user, status=status or "", mine=bool(mine))
    return _with_overdue(rows, Level2Request)


REQUESTS = ListPage(
    name="requests",
    title=_("Demandes de niveau 2 : PIRA, rappels, RDV téléphoniques"),
    capability="requests",
    source=request_rows,
    columns=[
        Column(_("N°"), "id", kind="int"),
        Column(_("Type"), "kind"),
        Column(_("Motif"), "motif_label"),
        Column(_("Expertise"), "expertise"),
        Column(_("Statut"), "status"),
        Column(_("Détenteur"), "assignee__username"),
        Column(_("Tentatives"), "attempts", kind="int"),
        Column(_("Échéance"), "due_at"),
        Column(_("Retard"), "overdue"),
    ],
    default_sort="due_at",
    tie_break=("id",),
    params=[
        Param("status", _status_field(Level2Request.Status.choices), default="open"),
        Param(
            "mine",
            forms.BooleanField(label=_("Seulement celles que je détiens"), required=False),
        ),
    ],
    filters=[
        Filter(
            "kind",
            forms.ChoiceField(
                label=_("Type"), choices=[("", _("Tous")), *RequestKind.choices], required=False
            ),
            lookup="kind",
        ),
    ],
    statuses={"due_at": "due_status", "overdue": "due_status"},
    link=lambda row, params: reverse("poste:request", args=[row.pk]),
    intro=_(
        "La plus urgente d'abord. Le numéro ouvre la demande : prise en charge, tentatives "
        "d'appel, réservation d'un créneau de RDV, clôture."
    ),
)


def urgency_rows(user, *, status="open"):
    rows = queues.urgencies_queue(user, status=status or "")
    return _with_overdue(rows, Urgency)


URGENCIES = ListPage(
    name="urgencies",
    title=_("Urgences — « une urgence = un engagement »"),
    capability="urgencies",
    source=urgency_rows,
    columns=[
        Column(_("N°"), "id", kind="int"),
        Column(_("Objet"), "subject"),
        Column(_("Envoyée par"), "created_by__username"),
        Column(_("Statut"), "status"),
        Column(_("Détenteur"), "assignee__username"),
        Column(_("Service"), "service__label"),
        Column(_("Engagement avant"), "due_at"),
        Column(_("Retard"), "overdue"),
    ],
    default_sort="due_at",
    tie_break=("id",),
    params=[Param("status", _status_field(Urgency.Status.choices), default="open")],
    statuses={"due_at": "due_status", "overdue": "due_status"},
    link=lambda row, params: reverse("poste:urgency", args=[row.pk]),
    intro=_(
        "Boîte fonctionnelle de la supervision (note §C), la plus urgente d'abord ; un "
        "téléconseiller y suit les urgences qu'il a envoyées."
    ),
)

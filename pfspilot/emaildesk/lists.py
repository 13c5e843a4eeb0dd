"""The email queue as a declared list page (`pfspilot.lists`): most urgent first, a countdown
on every line, overdue lines red and those due today amber, the holder shown."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pfspilot.contacts.models import EmailKind
from pfspilot.lists.exports import Column
from pfspilot.lists.pages import Filter, ListPage, Param

from . import selectors
from .models import EmailItem, ResponseTemplate


def email_rows(user, *, status="open", mine=False):
    return selectors.queue(user, status=status or "", mine=bool(mine))


QUEUE = ListPage(
    name="emails",
    title=_("Courriels : niveau 1 et réclamations"),
    capability="emails",
    source=email_rows,
    columns=[
        Column(_("N°"), "id", kind="int"),
        Column(_("Nature"), "kind"),
        Column(_("Objet"), "subject"),
        Column(_("Expéditeur"), "from_name"),
        Column(_("Reçu le"), "received_at"),
        Column(_("Échéance"), "due_at"),
        Column(_("Compte à rebours"), "countdown"),
        Column(_("Statut"), "status"),
        Column(_("Détenteur"), "holder_name"),
    ],
    default_sort="due_at",
    tie_break=("id",),
    unsortable=("countdown",),
    params=[
        Param(
            "status",
            forms.ChoiceField(
                label=_("Statut"),
                choices=[("open", _("En cours")), ("", _("Tous")), *EmailItem.Status.choices],
                required=False,
            ),
            default="open",
        ),
        Param("mine", forms.BooleanField(label=_("Seulement ceux que je détiens"), required=False)),
    ],
    filters=[
        Filter(
            "kind",
            forms.ChoiceField(
                label=_("Nature"), choices=[("", _("Toutes")), *EmailKind.choices], required=False
            ),
            lookup="kind",
        ),
    ],
    statuses={"due_at": "due_status", "countdown": "due_status"},
    link=lambda row, params: reverse("courriels:email", args=[row.pk]),
    intro=_(
        "Le plus urgent d'abord : en rouge les courriels en retard, en orange ceux à traiter "
        "aujourd'hui. « Courriel suivant » vous réserve le plus urgent que personne ne détient."
    ),
)

TEMPLATES = ListPage(
    name="templates",
    title=_("Modèles de réponse aux courriels"),
    capability="email.templates",
    source=lambda user: ResponseTemplate.objects.all(),
    columns=[
        Column(_("Code"), "code"),
        Column(_("Motif"), "motif"),
        Column(_("Libellé"), "label"),
        Column(_("Nature"), "kind"),
        Column(_("Actif"), "active"),
        Column(_("Modifié le"), "updated_at"),
    ],
    default_sort="motif",
    tie_break=("label",),
    link=lambda row, params: reverse("courriels:template", args=[row.pk]),
    intro=_(
        "Un modèle par motif ; variables entre accolades ({nom}, {numero_allocataire}, "
        "{date_reception}, {lien_caf}…) ; chaque modification est historisée."
    ),
)

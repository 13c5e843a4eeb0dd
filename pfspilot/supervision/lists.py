"""Declared list page of supervision (`pfspilot.lists`): the supervisions the user may see."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pfspilot.lists.exports import Column
from pfspilot.lists.pages import Filter, ListPage

from . import selectors
from .models import Supervision


def supervision_rows(user):
    return selectors.supervisions_for(user)


SUPERVISIONS = ListPage(
    name="supervisions",
    title=_("Supervisions"),
    capability="supervisions",
    source=supervision_rows,
    columns=[
        Column(_("Agent"), "agent__username"),
        Column(_("Équipe"), "team__name"),
        Column(_("Superviseur"), "supervisor__username"),
        Column(_("Campagne"), "campaign__semester"),
        Column(_("Jour prévu"), "day"),
        Column(_("Statut"), "status"),
        Column(_("Débriefing oral"), "debrief_on"),
    ],
    default_sort="day",
    tie_break=("agent__username",),
    filters=[
        Filter(
            "semestre",
            forms.CharField(label=_("Semestre (AAAA-S1)"), required=False, max_length=7),
            lookup="campaign__semester",
        ),
        Filter(
            "statut",
            forms.ChoiceField(
                label=_("Statut"),
                choices=[("", _("Tous")), *Supervision.Status.choices],
                required=False,
            ),
            lookup="status",
        ),
    ],
    link=lambda row, params: reverse("supervision:detail", args=[row.pk]),
    intro=_("Un agent voit les siennes, un assistant superviseur celles de son équipe."),
)

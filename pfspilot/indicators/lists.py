"""The indicators' declared list pages: each agent's productivity against the note's norms."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.formatting import fr_number, fr_percent
from pfspilot.lists.exports import Column
from pfspilot.lists.pages import Filter, ListPage, Param
from pfspilot.people.models import Profile
from pfspilot.reference.selectors import reference_parameters

from . import dashboard, selectors
from .forms import ScopeForm

STATUS_CHOICES = [("", gettext_lazy("Tous"))] + list(dashboard.STATUS_LABELS.items())


def _in_force(year: int):
    """(indicator parameters, platform rules) in force for `year` (today's for the current
    year)."""
    today = timezone.localdate()
    return reference_parameters(min(today, dt.date(year, 12, 31)))[1:]


def agent_rows(user, *, year: int, month: int | None) -> list[dict]:
    """One row per agent with calls or emails in the period: `dashboard.agents_table`'s rows.

    The roles holding `dashboard` (steering) see every agent of the platform. Rows add the
    agent's routing profile (`profile`, code; `profile_label`, French; empty when unknown).
    """
    as_of = dashboard.as_of_day(year, timezone.localdate())
    if as_of is None:
        return []
    # An assistant superviseur sees their own team's agents only (PermissionDenied otherwise).
    scope = dashboard.visible_scope(user, dashboard.Scope(year=year, month=month))
    sums = selectors.period_sums(
        year=year, month=month, team=scope.team, until=as_of, by=("team", "agent")
    )
    usernames = [row["agent"] for row in sums if row["agent"]]
    names = selectors.agent_names(usernames)
    profiles = selectors.agent_profiles(usernames)
    params, rules = _in_force(year)
    rows = dashboard.agents_table(sums, names, rules, params).rows
    for row in rows:
        code = profiles.get(row["agent"], "")
        row["profile"] = code
        row["profile_label"] = str(Profile(code).label) if code else ""
    return rows


def _dashboard_link(row: dict, params: dict) -> str:
    """The agent's own dashboard (targets and trend) for the same period."""
    query = {"agent": row["agent"], "year": params["year"]}
    if params.get("month"):
        query["month"] = params["month"]
    return reverse("indicators:dashboard") + "?" + urlencode(query)


def _intro(params: dict) -> str:
    indicator_params, rules = _in_force(params["year"])
    period = (
        _("%(month)s %(year)s")
        % {"month": dashboard.MONTHS[params["month"] - 1], "year": params["year"]}
        if params.get("month")
        else _("année %(year)s") % {"year": params["year"]}
    )
    return _(
        "Période : %(period)s. Norme de la note : %(calls)s appels par heure au téléphone et "
        "%(emails)s courriels par heure ; en orange entre %(share)s et 100\u00a0%% de la norme, en "
        "rouge en dessous. Le nom ouvre le tableau de bord du téléconseiller."
    ) % {
        "period": period,
        "calls": fr_number(rules.calls_per_hour),
        "emails": fr_number(rules.emails_per_hour),
        "share": fr_percent(indicator_params.risk_share, 0),
    }


def _file_stem(params: dict) -> str:
    month = f"-{params['month']:02d}" if params.get("month") else ""
    return f"pfspilot-agents-{params['year']}{month}"


def _team_choices():
    return [("", _("Toutes les équipes"))] + [(team, team) for team in selectors.all_teams()]


AGENTS = ListPage(
    name="agents",
    title=gettext_lazy("Productivité par téléconseiller"),
    capability="dashboard",
    source=agent_rows,
    columns=[
        *dashboard.AGENT_COLUMNS[:3],
        Column(gettext_lazy("Profil"), "profile_label"),
        *dashboard.AGENT_COLUMNS[3:],
    ],
    default_sort="team",
    tie_break=("agent_label", "agent"),
    params=[
        Param("year", ScopeForm.base_fields["year"], default=lambda: timezone.localdate().year),
        Param("month", ScopeForm.base_fields["month"]),
    ],
    filters=[
        Filter(
            "team",
            forms.ChoiceField(label=gettext_lazy("Équipe"), choices=_team_choices, required=False),
        ),
        Filter(
            "profile",
            forms.ChoiceField(
                label=gettext_lazy("Profil"),
                choices=[("", gettext_lazy("Tous les profils")), *Profile.choices],
                required=False,
            ),
        ),
        Filter(
            "calls_status",
            forms.ChoiceField(
                label=gettext_lazy("Appels / heure par rapport à la norme"),
                choices=STATUS_CHOICES,
                required=False,
            ),
        ),
        Filter(
            "emails_status",
            forms.ChoiceField(
                label=gettext_lazy("Courriels / heure par rapport à la norme"),
                choices=STATUS_CHOICES,
                required=False,
            ),
        ),
    ],
    statuses={"calls_per_hour": "calls_status", "emails_per_hour": "emails_status"},
    link=_dashboard_link,
    intro=_intro,
    file_stem=_file_stem,
)

"""Reads of people: accounts through the viewer's scope (`visible_to`), and the funded agents'
contracts shared by the dashboard and planning."""

import datetime as dt

from django.db.models import Q, QuerySet

from pfspilot.engine import employment

from .access import get_object_for_user
from .models import Role, User


def visible_people(viewer) -> QuerySet[User]:
    """Accounts `viewer` may see (own, team, or all per `access.SCOPES`), by team then name."""
    return (
        User.objects.visible_to(viewer)
        .select_related("team")
        .order_by("team__name", "last_name", "first_name", "username")
    )


def person_for(viewer, pk: int) -> User:
    """One account within `viewer`'s scope; Http404 outside it."""
    return get_object_for_user(viewer, User.objects.select_related("team"), pk=pk)


def funded_agents(*, start: dt.date, end: dt.date, team: str = "", agent: str = ""):
    """Agents funded by the platform with a contract overlapping [start, end] (both included).

    Funded: the platform's own téléconseillers (national reinforcement is funded elsewhere).
    An account deactivated without an end date is taken as gone; one with an end date counts
    until that day, so its past production keeps its denominator.
    `team` is the agent's current team name, `agent` a username ("" for any).
    """
    queryset = User.objects.filter(role=Role.AGENT).filter(
        Q(is_active=True) | Q(end_date__isnull=False),
        Q(start_date__isnull=True) | Q(start_date__lte=end),
        Q(end_date__isnull=True) | Q(end_date__gte=start),
    )
    if team:
        queryset = queryset.filter(team__name=team)
    if agent:
        queryset = queryset.filter(username=agent)
    return queryset


def contracts(
    *, start: dt.date, end: dt.date, team: str = "", agent: str = ""
) -> list[employment.Contract]:
    """The funded agents' contracts (quotité, start and end dates) overlapping [start, end]."""
    rows = funded_agents(start=start, end=end, team=team, agent=agent).values_list(
        "fte", "start_date", "end_date"
    )
    return [employment.Contract(float(fte), first, last) for fte, first, last in rows]


def funded_fte(*, start: dt.date, end: dt.date, team: str = "", agent: str = "") -> float:
    """Funded ETP of [start, end], pro-rated by working days under contract.

    The definition is `engine.employment.funded_fte`; this reads the contracts in scope.
    E.g. the year to date: `funded_fte(start=date(2026, 1, 1), end=today)`.
    """
    return employment.funded_fte(
        contracts(start=start, end=end, team=team, agent=agent), start, end
    )

"""Reads of people: accounts through the viewer's scope (`visible_to`), the agents employed over
a period (one rule for the dashboard, capacity and planning), their contracts, and the join of
usernames and team names onto record frames."""

import datetime as dt

import polars as pl
from django.db.models import Q, QuerySet

from pfspilot.engine import employment

from .access import get_object_for_user
from .models import Role, Team, User


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


def agents_employed(
    *,
    start: dt.date,
    end: dt.date,
    roles: tuple[str, ...] = (Role.AGENT,),
    team: str = "",
    agent: str = "",
) -> QuerySet[User]:
    """Accounts of `roles` employed at some point of [start, end] (both dates included).

    The one rule of employment, read by the dashboard, capacity and the day plans:
    - an active account counts;
    - a deactivated account counts only if it has an end date, and then until that date (so
      its past production keeps its denominator); deactivated without an end date = gone;
    - the contract [start_date, end_date] (each optional: open-ended) overlaps [start, end].
    Default role: the platform's own téléconseillers (national reinforcement is funded
    elsewhere). `team` is the current team name, `agent` a username ("" for any).
    For one day, pass start=end=day; `User.is_employed_on(day)` applies the same dates in Python.
    """
    queryset = User.objects.filter(role__in=roles).filter(
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
    rows = agents_employed(start=start, end=end, team=team, agent=agent).values_list(
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


ACCOUNT_SCHEMA = {
    "user_id": pl.Int64,
    "username": pl.String,
    "user_team_id": pl.Int64,
    "user_team": pl.String,
}
TEAM_SCHEMA = {"team_id": pl.Int64, "team_name": pl.String}


def accounts_frame() -> pl.DataFrame:
    """Every account as a frame to join onto records: ACCOUNT_SCHEMA, the team as it is now.

    The one lookup of usernames and current teams behind the record frames (import links,
    reads of stored records, the demo's teams); callers rename the columns to their join keys.
    """
    rows = User.objects.values_list("id", "username", "team_id", "team__name")
    return pl.DataFrame(list(rows), schema=ACCOUNT_SCHEMA, orient="row")


def teams_frame() -> pl.DataFrame:
    """Every team as a frame to join onto records: TEAM_SCHEMA (id and current name)."""
    rows = Team.objects.values_list("id", "name")
    return pl.DataFrame(list(rows), schema=TEAM_SCHEMA, orient="row")


def team_ids() -> dict[str, int]:
    """Team id by current name: the key written beside the name in the daily sums."""
    return dict(Team.objects.values_list("name", "id"))

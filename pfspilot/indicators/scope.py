"""What the dashboard looks at: the scope (year, month, team, agent, motif), what a user
may see of it, and its periods (labels, bounds, working days)."""

import datetime as dt
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.engine import calendar
from pfspilot.people.access import SCOPES
from pfspilot.people.access import Scope as ViewScope

from . import selectors

MONTHS = [
    gettext_lazy("janvier"),
    gettext_lazy("février"),
    gettext_lazy("mars"),
    gettext_lazy("avril"),
    gettext_lazy("mai"),
    gettext_lazy("juin"),
    gettext_lazy("juillet"),
    gettext_lazy("août"),
    gettext_lazy("septembre"),
    gettext_lazy("octobre"),
    gettext_lazy("novembre"),
    gettext_lazy("décembre"),
]


@dataclass(frozen=True)
class Scope:
    year: int
    month: int | None = None
    team: str = ""
    agent: str = ""
    motif: str = ""
    by: str = "month"  # trend granularity: month or week

    @property
    def narrowed(self) -> bool:
        """A team, agent or motif is selected: queue-level indicators do not apply."""
        return bool(self.team or self.agent or self.motif)


def visible_scope(user, scope: Scope) -> Scope:
    """The part of `scope` that `user` may see, checked server-side on every page and export.

    An assistant superviseur supervises their own team (note §E): the scope is forced to that
    team, and another team, an agent of another team or a motif (motif sums are kept for the
    whole platform only) is refused. Other roles holding the capability see everything.
    Raises PermissionDenied (message in French).
    """
    if not team_locked(user):
        return scope
    team = user.team.name if user.team else ""
    if not team:
        raise PermissionDenied(
            _("Aucune équipe ne vous est rattachée : le tableau de bord ne peut rien vous montrer.")
        )
    if scope.motif:
        raise PermissionDenied(
            _("Les indicateurs par motif portent sur toute la plateforme, pas sur votre équipe.")
        )
    if scope.agent:
        if selectors.agent_team(scope.agent) != team:
            raise PermissionDenied(_("Ce téléconseiller n'est pas dans votre équipe."))
        return scope
    if scope.team and scope.team != team:
        raise PermissionDenied(_("Vous ne voyez que les indicateurs de votre équipe."))
    return replace(scope, team=team)


def team_locked(user) -> bool:
    """The user sees one team only (the filters offer no other)."""
    return SCOPES.get(user.role) == ViewScope.TEAM


def as_of_day(year: int, today: dt.date) -> dt.date | None:
    """Last day counted: the last day with data, never after today.

    The dashboard shows what happened: days to come have no actual figures (records dated in
    the future are not facts), their volumes are forecast by planning. None for a year
    without data or not yet begun.
    """
    last = selectors.last_day(year)
    if last is None or today < dt.date(year, 1, 1):
        return None
    return min(last, today)


def month_days(year: int, month: int, as_of: dt.date) -> int:
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return calendar.count_working_days(first, min(last, as_of))


def period_label(value, by: str, year: int | None = None, as_of: dt.date | None = None) -> str:
    """« novembre », « sem. du 23/11 »; a period with working days still to come says up to
    which day it counts: « novembre (au 27/11) »."""
    label = (
        f"{MONTHS[value - 1]}" if by == "month" else _("sem. du %(d)s") % {"d": f"{value:%d/%m}"}
    )
    if year is not None and as_of is not None:
        counted = period_working_days(value, by, year, as_of)
        if counted < period_working_days(value, by, year, dt.date(year, 12, 31)):
            label += " " + _("(au %(d)s)") % {"d": f"{as_of:%d/%m}"}
    return label


def trend_bounds(value, by: str, year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of a trend period (a month number or a week's Monday) counted."""
    if by == "month":
        first = dt.date(year, value, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    else:
        first, last = value, value + dt.timedelta(days=6)
    return max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31), as_of)


def period_working_days(value, by: str, year: int, as_of: dt.date) -> int:
    return calendar.count_working_days(*trend_bounds(value, by, year, as_of))


def period_bounds(scope: Scope, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day counted of the scope's period: the year or the month, to `as_of`."""
    if scope.month is None:
        return dt.date(scope.year, 1, 1), as_of
    return trend_bounds(scope.month, "month", scope.year, as_of)

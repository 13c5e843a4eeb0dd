"""Writes shared by every kind of work item: create with a due date, claim, release, reassign,
close. Each write records a line of history (who, when, what changed).

A claim is one compare-and-set UPDATE: the row changes only if nobody holds it (no assignee or
an expired lease) or the claimant already holds it; the number of rows updated says who won.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.engine.deadlines import Clock, DeadlineRule, due_at


class WorkItemError(Exception):
    """A refused write on a work item, with a French message; `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field  # the form field or API key at fault, when there is one


class AlreadyHeld(WorkItemError):
    def __init__(self, message: str):
        super().__init__(message, status=409)


def due_date(created_at, *, amount: float, unit: str, clock: str, rules=None):
    """Due instant of an item created at `created_at`: `amount` `unit` of `clock` time.

    Thin wrapper over the one deadline clock (`engine.deadlines.due_at`); `rules` gives the
    opening hours of the ``opening`` clock (a PlatformRules, optional).
    """
    return due_at(created_at, DeadlineRule(float(amount), unit), Clock.of(clock, rules))


def _record(item, user, reason: str) -> None:
    """Adds the history line of a write made by a queryset update (which bypasses signals)."""
    type(item).history.bulk_history_create(
        [item], update=True, default_user=user, default_change_reason=reason
    )


def _holder_name(model, pk) -> str:
    row = model.objects.filter(pk=pk).values("assignee__username", "assignee__first_name").first()
    if row is None or row["assignee__username"] is None:
        return ""
    return row["assignee__first_name"] or row["assignee__username"]


def claim(item, user, *, now=None):
    """Makes `user` the owner of `item` if nobody holds it; returns the refreshed item.

    Raises AlreadyHeld (409) when someone else holds it, WorkItemError (409) when it is closed.
    Claiming an item one already holds renews the lease.
    """
    model = type(item)
    now = now or timezone.now()
    lease = now + model.LEASE if model.LEASE is not None else None
    free = Q(assignee__isnull=True) | Q(lease_until__lt=now) | Q(assignee=user)
    with transaction.atomic():
        won = (
            model.objects.filter(pk=item.pk)
            .exclude(status__in=model.CLOSED_STATUSES)
            .filter(free)
            .update(assignee=user, claimed_at=now, lease_until=lease, status=model.CLAIMED)
        )
        if won != 1:
            current = model.objects.filter(pk=item.pk).values_list("status", flat=True).first()
            if current in model.CLOSED_STATUSES:
                raise WorkItemError(_("Cet élément est déjà clos."), status=409)
            raise AlreadyHeld(
                _("Déjà pris en charge par %(name)s.") % {"name": _holder_name(model, item.pk)}
            )
        item.refresh_from_db()
        _record(item, user, _("Prise en charge"))
    return item


def _check_holder(item, user) -> None:
    if item.assignee_id != user.pk:
        raise AlreadyHeld(_("Vous ne détenez pas cet élément : prenez-le en charge d'abord."))


def release(item, user, *, now=None):
    """Gives `item` back to the queue (only its holder may); returns the refreshed item."""
    model = type(item)
    with transaction.atomic():
        done = (
            model.objects.filter(pk=item.pk, assignee=user)
            .exclude(status__in=model.CLOSED_STATUSES)
            .update(assignee=None, lease_until=None, claimed_at=None, status=model.NEW)
        )
        if done != 1:
            raise AlreadyHeld(_("Vous ne détenez pas cet élément : rien à rendre."))
        item.refresh_from_db()
        _record(item, user, _("Remis dans la file"))
    return item


def reassign(item, to_user, *, by, now=None):
    """Gives `item` to `to_user` whoever holds it (a supervisor's decision); returns it."""
    model = type(item)
    now = now or timezone.now()
    lease = now + model.LEASE if model.LEASE is not None else None
    with transaction.atomic():
        done = (
            model.objects.filter(pk=item.pk)
            .exclude(status__in=model.CLOSED_STATUSES)
            .update(assignee=to_user, claimed_at=now, lease_until=lease, status=model.CLAIMED)
        )
        if done != 1:
            raise WorkItemError(_("Cet élément est déjà clos."), status=409)
        item.refresh_from_db()
        _record(item, by, _("Réattribué à %(name)s") % {"name": to_user})
    return item


def close(item, user, *, status: str, reason: str = "", now=None, **fields):
    """Closes `item` held by `user` with `status` (one of CLOSED_STATUSES) and extra `fields`.

    Raises AlreadyHeld (409) when `user` does not hold it, WorkItemError if `status` is not a
    closing one.
    """
    model = type(item)
    if status not in model.CLOSED_STATUSES:
        raise WorkItemError(_("Statut de clôture invalide."))
    now = now or timezone.now()
    with transaction.atomic():
        done = (
            model.objects.filter(pk=item.pk, assignee=user)
            .exclude(status__in=model.CLOSED_STATUSES)
            .update(status=status, closed_at=now, lease_until=None, **fields)
        )
        if done != 1:
            _check_holder(item, user)
            raise WorkItemError(_("Cet élément est déjà clos."), status=409)
        item.refresh_from_db()
        _record(item, user, reason or _("Clos"))
    return item

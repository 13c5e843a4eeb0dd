"""Work items: the one mechanism behind every queue (callbacks, PIRA, urgencies, incivility
follow-ups, and later emails and supervisions). docs/architecture.md « Workflows ».

A work item has a status, an assignee (the one owner, with an optional lease), a team (for the
assistant superviseur's scope), a due date from the one deadline clock (`engine.deadlines`) and
the rule version that gave it, and a history (django-simple-history, declared by each concrete
model). Each kind is a concrete model inheriting `WorkItem` and declaring its statuses:
`NEW` (waiting for an owner), `CLAIMED` (held) and `CLOSED_STATUSES` (finished), and their
French labels (`status = status_field(Status)`).

Claims are compare-and-set updates (`services.claim`), never a read-then-write, so two people
claiming at once get one owner on PostgreSQL and SQLite alike.
"""

from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pfspilot.people.access import ScopedQuerySet


class WorkItemQuerySet(ScopedQuerySet):
    """Work items: an agent sees those they created or hold, a supervisor the team's."""

    owner_field = "created_by"
    team_field = "team"

    def open(self):
        return self.exclude(status__in=self.model.CLOSED_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def unclaimed(self, now=None):
        now = now or timezone.now()
        return self.open().filter(models.Q(assignee__isnull=True) | models.Q(lease_until__lt=now))


def status_field(statuses) -> models.CharField:
    """The `status` field of a concrete work item, with its statuses' French labels.

    Each concrete kind declares `status = status_field(Status)` after its `Status` choices:
    without choices `get_status_display` would not exist, and templates and list pages would
    show the raw code (« nouvelle ») or nothing at all.
    """
    return models.CharField(_("statut"), max_length=20, db_index=True, choices=statuses.choices)


class WorkItem(models.Model):
    """Abstract base of every queue item. See the module docstring."""

    KIND: ClassVar[str] = ""  # stable code of the kind ("callback", "urgency"…)
    NEW: ClassVar[str] = "nouveau"
    CLAIMED: ClassVar[str] = "pris_en_charge"
    CLOSED_STATUSES: ClassVar[tuple[str, ...]] = ()
    # How long a claim holds without activity; None: until released, reassigned or closed.
    LEASE: ClassVar[timedelta | None] = None

    status = models.CharField(_("statut"), max_length=20, db_index=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "people.Team", verbose_name=_("équipe"), null=True, blank=True, on_delete=models.SET_NULL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pris en charge par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    lease_until = models.DateTimeField(_("réservé jusqu'au"), null=True, blank=True)
    due_at = models.DateTimeField(_("échéance"), db_index=True)
    due_rule = models.CharField(
        _("règle d'échéance"),
        max_length=200,
        help_text=_("Délai, décompte et version du référentiel en vigueur à la création."),
    )
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    def is_overdue(self, now=None) -> bool:
        return not self.is_closed and self.due_at < (now or timezone.now())

    def is_held(self, now=None) -> bool:
        """Whether someone holds the item now (assignee set and lease not expired)."""
        now = now or timezone.now()
        return self.assignee_id is not None and (
            self.lease_until is None or self.lease_until >= now
        )

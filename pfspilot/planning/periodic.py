"""Periodic work of the platform, run every minute by `pfspilot tick` (cron or the worker's loop).

A small registry: each job is idempotent (run twice in a row, the second run finds nothing more
to do), takes the current instant and returns how many things it did, summed up in French. Later
jobs (due-date escalations of the work items, lease expiry) are added to `JOBS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pfspilot.contacts.services import purge_uploads, reap_stale_batches
from pfspilot.emaildesk import services as emaildesk
from pfspilot.formatting import fr_figure
from pfspilot.indicators.services import rebuild_pending_sums, refresh_aggregates
from pfspilot.mailbox.services import poll_job
from pfspilot.planning.services import plan_coming_days, refresh_capacity


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # key of the JSON output
    summary: str  # French sentence, « %(count)s » the job's count
    run: Callable[[dt.datetime], int]


def refresh_today_sums(now: dt.datetime) -> int:
    """Rebuilds the daily and half-hour sums of yesterday and today (Paris days); rows written.

    Records imported since the last run show on the dashboard within a minute, and a day that
    has just ended is summed up complete."""
    today = timezone.localtime(now).date()
    return refresh_aggregates(today - dt.timedelta(days=1), today, at=timezone.localtime(now))


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "today_sums",
        _("Sommes d'hier et d'aujourd'hui recalculées : %(count)s lignes."),
        refresh_today_sums,
    ),
    PeriodicJob(
        "stale_imports",
        _("Imports interrompus relancés ou marqués en échec : %(count)s."),
        lambda now: reap_stale_batches(now=now),
    ),
    PeriodicJob(
        "pending_sums",
        _("Sommes d'imports restées à recalculer, recalculées : %(count)s import(s)."),
        lambda now: rebuild_pending_sums(now),
    ),
    PeriodicJob(
        "stale_uploads",
        _("Fichiers reçus orphelins supprimés : %(count)s."),
        lambda now: purge_uploads(now=now),
    ),
    PeriodicJob(
        "coming_plans",
        _("Plans des prochains jours ouvrés mis en calcul : %(count)s."),
        lambda now: plan_coming_days(now=now),
    ),
    PeriodicJob(
        "mail_poll",
        _("Courriels relevés dans les boîtes IMAP : %(count)s."),
        poll_job,
    ),
    PeriodicJob(
        "email_queues",
        _("Courriels importés mis en file et baux expirés libérés : %(count)s."),
        lambda now: emaildesk.queue_imported(now=now) + emaildesk.free_expired(now=now),
    ),
    PeriodicJob(
        "capacity",
        _("Capacité de l'année mise en calcul (entrées modifiées) : %(count)s."),
        lambda now: refresh_capacity(now=now),
    ),
)


@dataclass(frozen=True)
class JobOutcome:
    name: str
    count: int | None  # None when the job failed
    message: str  # French summary, or the French error


def tick(*, now: dt.datetime | None = None, jobs=None) -> list[JobOutcome]:
    """Runs every periodic job (`JOBS`, or `jobs`) once; a failing job is reported (French, the
    exception's class only: no personal data) and the others still run."""
    now = now or timezone.now()
    outcomes = []
    for job in JOBS if jobs is None else jobs:
        try:
            count = int(job.run(now))
        except Exception as exc:  # one job's fault must not stop the others
            outcomes.append(
                JobOutcome(
                    job.name,
                    None,
                    str(
                        _("Échec de « %(name)s » (%(kind)s).")
                        % {"name": job.name, "kind": type(exc).__name__}
                    ),
                )
            )
            continue
        outcomes.append(
            JobOutcome(job.name, count, str(job.summary % {"count": fr_figure(count, "count")}))
        )
    return outcomes

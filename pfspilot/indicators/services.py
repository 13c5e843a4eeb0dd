"""Writes of the indicators app: rebuilding the daily and half-hour sums after an import."""

import datetime as dt
import logging
import threading
from contextlib import contextmanager

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from pfspilot.engine.parameters import (
    IndicatorParams,
    ParametersInForce,
    PlatformRules,
)
from pfspilot.people import selectors as people_selectors

from . import aggregation
from .models import (
    SUM_FIELDS,
    AggregateState,
    DailySatisfaction,
    DailyStats,
    Grain,
    HalfHourStats,
    MonthlyStats,
)

logger = logging.getLogger(__name__)
EMAIL_ANSWER_DAYS = 92  # an email's answer is looked for up to a quarter after its receipt
_state = threading.local()


@contextmanager
def aggregates_paused():
    """Bulk loads (the demo year) rebuild the sums once at the end, not after each import."""
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = False


def _now_local() -> dt.datetime:
    # Aware: a naive reading of 02:30 on the autumn change night would name two instants.
    return timezone.localtime()


@transaction.atomic
def replace_aggregates(
    *,
    start: dt.date,
    end: dt.date,
    calls: pl.DataFrame | None,
    emails: pl.DataFrame | None,
    surveys: pl.DataFrame | None,
    activity: pl.DataFrame | None,
    at: dt.datetime,
    params: IndicatorParams | None = None,
    rules: PlatformRules | None = None,
    in_force: list[ParametersInForce] | None = None,
) -> int:
    """Replaces the sums of the days of [start, end] by those computed from the frames.

    Daily sums (dashboard) and half-hour sums (forecast, volumes per half-hour) alike. Each day
    is summed with the versions in force that day: `in_force` cuts [start, end] into stretches
    (`reference.selectors.parameters_in_force`); without it, `params` and `rules` (else the
    engine's defaults) serve every day.
    """
    if in_force is None:
        in_force = [
            ParametersInForce(start, end, params or IndicatorParams(), rules or PlatformRules())
        ]
    values = []
    half_hour_frames = []
    team_ids = people_selectors.team_ids()
    for stretch in in_force:
        for grain in (Grain.AGENT, Grain.MOTIF):
            rows = aggregation.daily_sums(
                calls=calls,
                emails=emails,
                activity=activity,
                start=stretch.start,
                end=stretch.end,
                at=at,
                params=stretch.params,
                rules=stretch.rules,
                grain=grain,
            )
            values += aggregation.stats_values(rows, grain, team_ids)
        half_hour_frames.append(
            aggregation.half_hour_sums(
                calls=calls, start=stretch.start, end=stretch.end, params=stretch.params
            )
        )
    satisfaction = aggregation.satisfaction_objects(surveys, start, end)
    half_hours = aggregation.half_hour_objects(pl.concat(half_hour_frames))
    DailyStats.objects.filter(day__gte=start, day__lte=end).delete()
    DailySatisfaction.objects.filter(day__gte=start, day__lte=end).delete()
    HalfHourStats.objects.filter(day__gte=start, day__lte=end).delete()
    _insert(DailyStats._meta.db_table, aggregation.STAT_COLUMNS, values)
    DailySatisfaction.objects.bulk_create(satisfaction, batch_size=2000)
    HalfHourStats.objects.bulk_create(half_hours, batch_size=2000)
    rebuild_monthly(start, end)
    # The instant the email cohorts were evaluated at, i.e. what the figures are "as of".
    refreshed_at = (
        at if timezone.is_aware(at) else timezone.make_aware(at, timezone.get_default_timezone())
    )
    AggregateState.objects.create(refreshed_at=refreshed_at, start=start, end=end)
    return len(values)


def _insert(table: str, columns: tuple[str, ...], values: list[tuple]) -> None:
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for offset in range(0, len(values), 5000):
            cursor.executemany(sql, values[offset : offset + 5000])


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append((current.year, current.month))
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def rebuild_monthly(start: dt.date, end: dt.date) -> None:
    """Rebuilds the monthly rows (`MonthlyStats`) of the months of [start, end] from the daily
    rows, in SQL (one INSERT … SELECT per month)."""
    quote = connection.ops.quote_name
    monthly, daily = MonthlyStats._meta.db_table, DailyStats._meta.db_table
    keys = ("year", "month", "grain", "team", "team_key_id", "agent", "motif")
    columns = ", ".join(quote(c) for c in (*keys, "rows", "last_day", *SUM_FIELDS))
    grouped = ", ".join(quote(c) for c in keys)
    sums = ", ".join(f"SUM({quote(c)})" for c in SUM_FIELDS)
    sql = (
        f"INSERT INTO {quote(monthly)} ({columns}) "
        f"SELECT {grouped}, COUNT(*), MAX({quote('day')}), {sums} FROM {quote(daily)} "
        f"WHERE {quote('year')} = %s AND {quote('month')} = %s "
        f"GROUP BY {grouped}"
    )
    with connection.cursor() as cursor:
        for year, month in _months(start, end):
            MonthlyStats.objects.filter(year=year, month=month).delete()
            cursor.execute(sql, [year, month])


def refresh_aggregates(
    start: dt.date, end: dt.date, *, kind: str | None = None, at: dt.datetime | None = None
) -> int:
    """Rebuilds the daily sums of [start, end] from the stored records; returns rows written.

    The range is widened by the repeat window (new calls are predecessors of later ones), and
    after an email import by EMAIL_ANSWER_DAYS (their answers count on the day they are given).
    Emails answered more than EMAIL_ANSWER_DAYS after receipt are left out of production.
    """
    from pfspilot.contacts import selectors as contacts
    from pfspilot.reference.selectors import parameters_in_force

    # The longest repeat window of the versions that may apply: widest look-back and look-ahead.
    lookback = max(
        aggregation.window_days(stretch.params)
        for stretch in parameters_in_force(start, end + dt.timedelta(days=EMAIL_ANSWER_DAYS))
    )
    end = end + dt.timedelta(days=EMAIL_ANSWER_DAYS if kind == "emails" else lookback)
    in_force = parameters_in_force(start, end)
    at = at or _now_local()
    frames = {
        "calls": contacts.calls_frame(start, end, lookback_days=lookback),
        "emails": contacts.emails_frame(start - dt.timedelta(days=EMAIL_ANSWER_DAYS), end),
        "surveys": contacts.surveys_frame(start, end),
        "activity": contacts.activity_frame(start, end),
    }
    rows = replace_aggregates(start=start, end=end, at=at, in_force=in_force, **frames)
    logger.info("agrégats recalculés du %s au %s : %s lignes", start, end, rows)
    return rows


def on_records_imported(sender, *, kind=None, start=None, end=None, batch_id=None, **kwargs):
    """Receiver of `records_imported`: the imported days (and the ones they affect) again.

    An import batch's days stay marked until rebuilt (`contacts.services.mark_rebuilt`): a
    rebuild that fails here, or never runs (worker killed after the commit), is done by the
    periodic job `rebuild_pending_sums`."""
    if start is None or end is None or getattr(_state, "paused", False):
        return
    try:
        refresh_aggregates(start, end, kind=kind)
    except Exception:
        # The import is committed already: it must not be reported as failed; the page shows
        # when the sums were last computed, and the periodic job tries again.
        logger.exception("agrégats du tableau de bord non recalculés du %s au %s", start, end)
        return
    if batch_id is not None:
        from pfspilot.contacts.services import mark_rebuilt

        mark_rebuilt(batch_id, start, end)


def rebuild_pending_sums(now=None) -> int:
    """Rebuilds the sums of every import batch still marked (idempotent: a batch is cleared
    once its days are rebuilt, running it again finds nothing); returns batches rebuilt."""
    from pfspilot.contacts.selectors import pending_rebuilds
    from pfspilot.contacts.services import mark_rebuilt

    done = 0
    for batch in pending_rebuilds():
        start, end = batch.rebuild_start, batch.rebuild_end
        refresh_aggregates(start, end, kind=batch.kind)
        mark_rebuilt(batch.pk, start, end)
        done += 1
    return done

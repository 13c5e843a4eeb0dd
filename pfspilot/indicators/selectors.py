"""Reads of the pre-computed sums: totals and breakdowns of a period for the dashboard."""

import datetime as dt

import polars as pl
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from pfspilot.engine import forecast, records
from pfspilot.people.models import Team

from . import models
from .models import (
    AggregateState,
    DailySatisfaction,
    DailyStats,
    Grain,
    HalfHourStats,
    MonthlyStats,
)

SUM_FIELDS = models.SUM_FIELDS


# A row's team as it is called now: the current name of its key, else the name it was stored
# with (a team code that is no team). Reads filter and group by it, so renaming a team does
# not split its history.
TEAM_NOW = Coalesce(F("team_key__name"), F("team"))


def _team_is(name: str) -> Q:
    """Rows of the team called `name` now: by key, plus unkeyed rows stored under that name."""
    return Q(team_key__name=name) | Q(team_key__isnull=True, team=name)


def _grouped(queryset, keys: tuple[str, ...]):
    """`queryset.values(*keys)` with "team" read as TEAM_NOW (annotated as `_team_now`)."""
    if "team" not in keys:
        return queryset.values(*keys), keys
    names = tuple("_team_now" if key == "team" else key for key in keys)
    return queryset.annotate(_team_now=TEAM_NOW).values(*names), names


def _stats(
    *, year, grain, month=None, team="", agent="", motif="", since=None, until=None, keys=None
):
    """Rows of the period in scope: motif rows for a motif, team/agent rows otherwise.

    With the `keys` the rows will be grouped by, the monthly rows when they give the same sums
    (`_monthly_usable`), else the daily ones."""
    grain = Grain.MOTIF if motif else grain
    model = DailyStats
    if keys is not None and not since and _monthly_usable(year, grain, until, keys):
        model, until = MonthlyStats, None
    queryset = model.objects.filter(grain=grain, year=year)
    if motif:
        queryset = queryset.filter(motif=motif)
    if team:
        queryset = queryset.filter(_team_is(team))
    if agent:
        queryset = queryset.filter(agent=agent)
    return _in_period(queryset, month=month, since=since, until=until)


def _monthly_usable(year, grain, until, keys) -> bool:
    """Whether the monthly rows give the sums asked for: grouped by team, agent, motif or month
    only, every day of the year so far (`until` not before the last one), and monthly rows that
    sum exactly the year's daily rows of the grain (same count, same last day)."""
    if not set(keys) <= {"team", "agent", "motif", "month"}:
        return False
    daily = DailyStats.objects.filter(grain=grain, year=year).aggregate(
        rows=Count("id"), last=Max("day")
    )
    if daily["last"] is None or (until is not None and until < daily["last"]):
        return False
    monthly = MonthlyStats.objects.filter(grain=grain, year=year).aggregate(
        rows=Sum("rows"), last=Max("last_day")
    )
    return monthly["rows"] == daily["rows"] and monthly["last"] == daily["last"]


def _in_period(queryset, *, month=None, since=None, until=None):
    """Rows of `queryset` in `month` and between the days `since` and `until` (each optional)."""
    if month:
        queryset = queryset.filter(month=month)
    if since:
        queryset = queryset.filter(day__gte=since)
    if until:
        queryset = queryset.filter(day__lte=until)
    return queryset


def _sums(queryset, keys: tuple[str, ...]) -> list[dict]:
    annotations = {name: Sum(name) for name in SUM_FIELDS}
    if keys:
        grouped, names = _grouped(queryset, keys)
        rows = list(grouped.annotate(**annotations).order_by(*names))
        for row in rows:
            if "_team_now" in row:
                row["team"] = row.pop("_team_now")
        return rows
    row = queryset.aggregate(**annotations)
    return [row] if row["calls_offered"] is not None else []


def period_sums(
    *,
    year,
    grain=Grain.AGENT,
    month=None,
    team="",
    agent="",
    motif="",
    since=None,
    until=None,
    by=(),
) -> list[dict]:
    """Sums of the period in scope, one row per value of the `by` columns (or one total row).

    A motif (or `grain` motif) reads the motif rows, otherwise the team/agent rows.
    """
    queryset = _stats(
        year=year,
        grain=grain,
        month=month,
        team=team,
        agent=agent,
        motif=motif,
        since=since,
        until=until,
        keys=tuple(by),
    )
    return _sums(queryset, tuple(by))


def period_frame(*, year, month=None, team="", agent="", motif="", until=None, by=()):
    """`period_sums` as a Polars frame, read with a plain cursor (no dict per row).

    Grouped in SQL by the team's key and stored name (a hash aggregate over the table's own
    columns, no join), then named as the team is called now (`TEAM_NOW`) and regrouped in
    memory: a team renamed within the period, stored under both names, is one row. Sums by
    team, agent, motif or month up to the year's last day read the monthly rows.
    """
    keys = tuple(by)
    queryset = _stats(
        year=year,
        grain=Grain.AGENT,
        month=month,
        team=team,
        agent=agent,
        motif=motif,
        until=until,
        keys=keys,
    )
    annotations = {name: Sum(name) for name in SUM_FIELDS}
    raw = tuple(k for k in keys if k != "team") + (("team_key", "team") if "team" in keys else ())
    grouped = queryset.values(*raw).annotate(**annotations).order_by()
    sql, params = grouped.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    if "team" in keys:
        current = dict(Team.objects.values_list("pk", "name"))
        key = next(n for n in names if n.startswith("team_key"))
        frame = frame.with_columns(
            pl.col(key)
            .cast(pl.Int64)
            .replace_strict(current, default=None, return_dtype=pl.String)
            .fill_null(pl.col("team"))
            .alias("team")
        ).drop(key)
        if frame.height and frame.select(keys).is_duplicated().any():
            frame = frame.group_by(keys, maintain_order=True).agg(pl.col(SUM_FIELDS).sum())
    # SQLite hands dates back as text; PostgreSQL as dates.
    if "week" in names and frame.schema["week"] == pl.String:
        frame = frame.with_columns(pl.col("week").str.to_date())
    return frame


def satisfaction_sums(*, year, month=None, since=None, until=None, by=()) -> list[dict]:
    """Answers and satisfied answers per channel (and per `by` columns)."""
    queryset = _in_period(
        DailySatisfaction.objects.filter(year=year), month=month, since=since, until=until
    )
    keys = ("channel", *by)
    return list(
        queryset.values(*keys)
        .annotate(answers=Sum("answers"), satisfied=Sum("satisfied"))
        .order_by(*keys)
    )


def last_day(year: int) -> dt.date | None:
    """Last day of the year in the sums."""
    return DailyStats.objects.filter(year=year).aggregate(last=Max("day"))["last"]


def years() -> list[int]:
    """Years of the sums, each found through the (year, day) index: no scan of the table."""
    found, year = [], DailyStats.objects.aggregate(first=Min("year"))["first"]
    while year is not None:
        found.append(year)
        year = DailyStats.objects.filter(year__gt=year).aggregate(next=Min("year"))["next"]
    return found


def _values_in_year(field: str, grain: str, year: int) -> list[str]:
    """Sorted non-empty values of `field` in the year's rows of `grain`."""
    return list(
        DailyStats.objects.filter(grain=grain, year=year)
        .exclude(**{field: ""})
        .values_list(field, flat=True)
        .distinct()
        .order_by(field)
    )


def motifs(year: int) -> list[str]:
    return _values_in_year("motif", Grain.MOTIF, year)


def last_refresh() -> AggregateState | None:
    return AggregateState.objects.order_by("-refreshed_at").first()


def agent_names(usernames: list[str]) -> dict[str, str]:
    """Display names of agents by username."""
    from pfspilot.people.models import User

    users = User.objects.filter(username__in=usernames).only("username", "first_name", "last_name")
    return {user.username: str(user) for user in users}


def agent_team(username: str) -> str:
    """Name of the agent's current team ("" if none or unknown)."""
    from pfspilot.people.models import User

    user = User.objects.filter(username=username).select_related("team").first()
    return user.team.name if user and user.team else ""


def teams(year: int) -> list[str]:
    """Sorted current names of the teams in the year's sums."""
    return _team_names(DailyStats.objects.filter(grain=Grain.AGENT, year=year))


def all_teams() -> list[str]:
    """Sorted current names of the teams in the sums of every year."""
    return _team_names(DailyStats.objects.filter(grain=Grain.AGENT))


def _team_names(queryset) -> list[str]:
    """Sorted non-empty TEAM_NOW values of `queryset`: the current names of the teams whose
    key it holds, and the stored names of its rows without a key (sorted by the database)."""
    # One index probe per team (a handful) rather than a scan of the year's rows.
    rows = queryset.filter(team_key=OuterRef("pk")).order_by()
    named = Team.objects.filter(Exists(rows)).order_by().values_list("name", flat=True)
    unkeyed = (
        queryset.filter(team_key__isnull=True).order_by().values_list("team", flat=True).distinct()
    )
    return [name for name in named.union(unkeyed).order_by("name") if name]


def agent_profiles(usernames: list[str]) -> dict[str, str]:
    """Routing profile (`fi`, `confirme`) of agents by username; absent when not set."""
    from pfspilot.people.models import User

    users = User.objects.filter(username__in=usernames).exclude(profile="")
    return dict(users.values_list("username", "profile"))


def half_hour_counts(start: dt.date, end: dt.date) -> pl.DataFrame:
    """Calls of the local days [start, end) per half-hour, from the half-hour sums.

    The frame of `engine.forecast.half_hour_counts` on the raw calls (`start`: the instant
    the half-hour starts, then `COUNT_COLUMNS` as floats), read from a few thousand rows
    instead of a million calls.
    """
    names = forecast.COUNT_COLUMNS
    rows = HalfHourStats.objects.filter(day__gte=start, day__lt=end).values_list(
        "day", "slot", "fold", *names
    )
    zone = records.PARIS
    frame = pl.DataFrame(
        [
            (dt.datetime.combine(day, slot, zone).replace(fold=fold).astimezone(dt.UTC), *values)
            for day, slot, fold, *values in rows
        ],
        schema={"start": pl.Datetime("us", "UTC")} | {name: pl.Float64 for name in names},
        orient="row",
    )
    return records.as_instants(frame).sort("start")


def half_hour_digest(start: dt.date, end: dt.date) -> tuple:
    """A summary of the half-hour sums of the local days [start, end): rows, last day and the
    total of every column of `half_hour_counts` (one query), which changes whenever they do;
    readers keeping results computed from those sums compare it to know they are stale."""
    names = forecast.COUNT_COLUMNS
    totals = HalfHourStats.objects.filter(day__gte=start, day__lt=end).aggregate(
        rows=Count("id"), first=Min("day"), last=Max("day"), **{n: Sum(n) for n in names}
    )
    return tuple(totals[key] for key in ("rows", "first", "last", *names))


def half_hour_volumes(*, year: int, month: int | None = None, until: dt.date | None = None):
    """Per half-hour of the period: days with calls and the indicators' A, S and X summed.

    Short abandons are out of X and of O, as in `engine.indicators.half_hour_volumes`.
    Returns (days, rows); `days` counts the days of the period with at least one call.
    """
    queryset = _in_period(HalfHourStats.objects.filter(year=year), month=month, until=until)
    days = queryset.aggregate(days=Count("day", distinct=True))["days"]
    rows = list(
        queryset.values("slot")
        .annotate(
            answered=Sum("answered"),
            ivr_handled=Sum("ivr"),
            abandoned_all=Sum("abandoned"),
            short_abandons=Sum("short_abandons"),
        )
        .order_by("slot")
    )
    for row in rows:
        row["abandoned"] = row.pop("abandoned_all") - row.pop("short_abandons")
        row["offered"] = row["answered"] + row["ivr_handled"] + row["abandoned"]
    return days, [row for row in rows if row["offered"]]

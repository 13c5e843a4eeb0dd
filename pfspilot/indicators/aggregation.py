"""Daily and half-hour sums, computed by the indicator engine from canonical frames.

The engine gives counts per day and group; averages (ASA, AHT) are turned back into sums by
multiplying by the count of values they were computed over (the known ones: an empty wait or
talk time is unknown, never 0), so that any period or scope is again an exact ratio of sums.
"""

import datetime as dt
import math

import polars as pl

from pfspilot.engine import forecast, records
from pfspilot.engine import indicators as engine
from pfspilot.engine.parameters import IndicatorParams, PlatformRules

from .models import DailySatisfaction, DailyStats, Grain, HalfHourStats

SEPARATOR = "\x1f"
KEY = "_scope"


def _with_key(frame: pl.DataFrame | None, columns: tuple[str, ...]) -> pl.DataFrame | None:
    """Adds one string column joining `columns` ("" for null): the engine groups by one column."""
    if frame is None:
        return None
    parts = [
        pl.col(name).cast(pl.String).fill_null("") if name in frame.columns else pl.lit("")
        for name in columns
    ]
    return frame.with_columns(pl.concat_str(parts, separator=SEPARATOR).alias(KEY))


def _count(value) -> int:
    return int(value or 0)


def _sum_of_mean(mean, count) -> float:
    return float(mean) * count if mean is not None and count else 0.0


def _empty(frame: pl.DataFrame | None, dtypes: dict) -> pl.DataFrame:
    return frame if frame is not None else pl.DataFrame(schema=dtypes)


def daily_sums(
    *,
    calls: pl.DataFrame | None,
    emails: pl.DataFrame | None,
    activity: pl.DataFrame | None,
    start: dt.date,
    end: dt.date,
    at: dt.datetime,
    params: IndicatorParams,
    rules: PlatformRules,
    grain: str,
) -> dict[tuple, dict]:
    """{(day, team, agent, motif): sums} for the days of [start, end] (both included).

    `calls` may hold earlier calls: they serve as repeat predecessors only. Email cohorts are
    evaluated at instant `at` (pending emails become due as time passes).
    """
    columns = ("team", "agent") if grain == Grain.AGENT else ("motif",)
    window = {"start": start, "end": end + dt.timedelta(days=1), "by": "day", "group": KEY}
    calls = _with_key(_empty(calls, engine.CALL_DTYPES), columns)
    emails = _with_key(_empty(emails, engine.EMAIL_DTYPES), columns)
    rows: dict[tuple, dict] = {}

    def row(day, key):
        values = dict(zip(columns, key.split(SEPARATOR), strict=True))
        ident = (day, values.get("team", ""), values.get("agent", ""), values.get("motif", ""))
        return rows.setdefault(ident, {})

    phone = engine.call_indicators(calls, params=params, **window)
    for r in phone.iter_rows(named=True):
        if not r["offered"] and not r["short_abandons"]:
            continue
        row(r["period"], r[KEY]).update(
            calls_offered=r["offered"],
            calls_answered=r["answered"],
            calls_ivr=r["ivr_handled"],
            calls_abandoned=r["abandoned"],
            calls_identified=r["identified_calls"],
            calls_repeat=r["repeat_calls"],
            calls_within_sl=r["answered_within_sl"],
            # Means are over known values only: their sums are mean × how many were known.
            calls_wait_known=r["asa_known"],
            wait_answered_s=_sum_of_mean(r["asa_s"], r["asa_known"]),
            calls_handle_known=r["aht_known"],
            handle_s=_sum_of_mean(r["aht_s"], r["aht_known"]),
        )
    cohorts = engine.email_indicators(emails, at=at, params=params, rules=rules, **window)
    for r in cohorts.iter_rows(named=True):
        if not r["level1_received"] and not r["complaint_received"]:
            continue
        row(r["period"], r[KEY]).update(
            level1_received=r["level1_received"],
            level1_due=r["level1_due"],
            level1_within=r["level1_within"],
            complaints_received=r["complaint_received"],
            complaints_due=r["complaint_due"],
            complaints_within=r["complaint_within"],
        )
    if grain == Grain.AGENT:
        activity = _with_key(_empty(activity, engine.ACTIVITY_DTYPES), columns)
        production = engine.agent_productivity(
            activity,
            calls=calls.head(0),  # answered calls are already counted above, by arrival
            emails=emails,
            start=start,
            end=end + dt.timedelta(days=1),
            by="day",
            group=KEY,
        )
        for r in production.iter_rows(named=True):
            if not (r["phone_hours"] or r["email_hours"] or r["answered_emails"]):
                continue
            row(r["period"], r[KEY]).update(
                phone_hours=r["phone_hours"],
                email_hours=r["email_hours"],
                emails_answered=_count(r["answered_emails"]),
            )
    return rows


STAT_COLUMNS = tuple(
    field.column for field in DailyStats._meta.concrete_fields if not field.primary_key
)


def stats_values(
    rows: dict[tuple, dict], grain: str, team_ids: dict[str, int] | None = None
) -> list[tuple]:
    """Rows for DailyStats in STAT_COLUMNS order (a plain insert is 5× faster than the ORM).

    `team_ids` gives the key of each known team name (`people.selectors.team_ids`); a name
    that is no team (a source code) keeps a null key and is read by its name.
    """
    team_ids = team_ids or {}
    defaults = {
        field.column: field.default
        for field in DailyStats._meta.concrete_fields
        if not field.primary_key and field.has_default()
    }
    values = []
    for (day, team, agent, motif), sums in rows.items():
        row = defaults | sums
        row |= {
            "day": day,
            "year": day.year,
            "month": day.month,
            "week": day - dt.timedelta(days=day.weekday()),
            "grain": str(grain),
            "team": team,
            "team_key_id": team_ids.get(team),
            "agent": agent,
            "motif": motif,
        }
        values.append(tuple(row[column] for column in STAT_COLUMNS))
    return values


def satisfaction_objects(
    surveys: pl.DataFrame | None, start: dt.date, end: dt.date
) -> list[DailySatisfaction]:
    if surveys is None or surveys.is_empty():
        return []
    rates = engine.satisfaction_rates(
        surveys, start=start, end=end + dt.timedelta(days=1), by="day"
    )
    objects = []
    for r in rates.iter_rows(named=True):
        day = r["period"]
        objects.append(
            DailySatisfaction(
                day=day,
                year=day.year,
                month=day.month,
                week=day - dt.timedelta(days=day.weekday()),
                channel=r["channel"],
                answers=r["answers"],
                satisfied=r["satisfied"],
            )
        )
    return objects


def window_days(params: IndicatorParams) -> int:
    """Days after an imported range whose repeat flags the new calls can change."""
    return math.ceil(params.repeat_window_days)


HALF_HOUR_SUMS = (*forecast.COUNT_COLUMNS, "short_abandons")
HALF_HOUR_SECONDS = ("handle_s", "wait_s", "abandon_wait_s")


def _canonical_calls(calls: pl.DataFrame | None) -> pl.DataFrame:
    """The calls with every canonical column (absent ones null), as the engine reads them."""
    calls = _empty(calls, engine.CALL_DTYPES)
    missing = [
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in engine.CALL_DTYPES.items()
        if name not in calls.columns
    ]
    return calls.with_columns(missing) if missing else calls


def half_hour_sums(
    *, calls: pl.DataFrame | None, start: dt.date, end: dt.date, params: IndicatorParams
) -> pl.DataFrame:
    """Calls arriving on the local days [start, end] summed per day and half-hour of arrival.

    Columns `day`, `slot` (local start), `fold` (`records.fold`) and HALF_HOUR_SUMS: the forecast's counts
    (`engine.forecast.half_hour_counts`) and the short abandons the indicators leave out
    (all abandons minus the X of `engine.indicators.half_hour_volumes`).
    """
    calls = records.as_instants(_canonical_calls(calls))
    # Local days, grouped from the instants: a clock-change day has 46 or 50 half-hours.
    window = calls.filter(pl.col("arrival").dt.date().is_between(start, end))
    counts = forecast.half_hour_counts(window).with_columns(
        day=pl.col("start").dt.date(),
        slot=pl.col("start").dt.time(),
        fold=records.fold(pl.col("start")),
    )
    volumes = engine.half_hour_volumes(window, params=params, by="day").select(
        day=pl.col("period"), slot=pl.col("slot"), fold=pl.col("fold"), _kept=pl.col("abandoned")
    )
    return (
        counts.join(volumes, on=["day", "slot", "fold"], how="left")
        .with_columns(short_abandons=pl.col("abandoned") - pl.col("_kept").fill_null(0))
        .select(
            "day",
            "slot",
            pl.col("fold").cast(pl.Int64),
            *(
                pl.col(name).cast(pl.Float64 if name in HALF_HOUR_SECONDS else pl.Int64)
                for name in HALF_HOUR_SUMS
            ),
        )
        .sort("day", "slot", "fold")
    )


def half_hour_objects(sums: pl.DataFrame) -> list[HalfHourStats]:
    return [
        HalfHourStats(year=row["day"].year, month=row["day"].month, **row)
        for row in sums.select("day", "slot", "fold", *HALF_HOUR_SUMS).iter_rows(named=True)
    ]

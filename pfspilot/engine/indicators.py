"""COG and operational indicators over contact records, exactly as domain.md defines them.

Pure module (Polars, no Django): the same functions serve the CLI on files, the dashboard on the
database, the tests and the benchmarks. Inputs are frames with the canonical columns of
`records.py` (missing optional columns are read as null); outputs are Polars frames with one row
per period (`by`: day, week, month, year, or None for the whole period) and per value of an
optional `group` column (team, agent, motif…). An empty denominator gives null (None), never a
division error.

Definitions (domain.md "Indicators: exact definitions"):
- A answered by an agent, S handled by the IVR only, X abandoned in the agent queue; abandons
  that waited less than `short_abandon_s` are left out of X and of O = A + S + X.
- pickup_rate (taux de décroché) = (A + S) / O; agent_answer_rate = A / (A + X);
  abandonment_rate = X / (A + X).
- repeat_rate (taux de réitération), unit "calls": among offered calls of the period with a known
  caller, the share whose caller had another offered call at most `repeat_window_days` earlier
  (a gap of exactly the window counts); calls of the frame before the period count as
  predecessors. Unit "callers": share of the period's identified callers with such a repeat call.
- An empty value is unknown, never 0 (domain.md): means and rates use the known values only and
  say how many were known. A call's wait is known from `wait_s`, else from its queue timestamps
  (queue entry to answer or queue exit); its handle time is known when its talk time is (a
  missing wrap-up counts 0: many switches record no after-call work; `records.handle_seconds`,
  the forecast's definition too).
- asa_s = mean queue wait of the answered calls whose wait is known, over asa_known of them;
  aht_s = mean talk + wrap-up seconds of the answered calls whose handle time is known, over
  aht_known of them; service_level_<T>s = answered with a known wait of at most T seconds /
  service_level_known, where service_level_known = answered calls with a known wait + X: an
  abandon is never "answered within T" whatever its wait, while an answered call of unknown
  wait may or may not be, so it is left out of both terms. All three are null (unknown) when
  nothing is known.
- Calls are placed in periods by arrival, emails by receipt (the cohort), surveys by answer day,
  activity by day.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from pfspilot.engine import deadlines
from pfspilot.engine.calendar import (
    DAY_S,
    year_progress,
)
from pfspilot.engine.parameters import CogTargets, IndicatorParams, PlatformRules
from pfspilot.engine.records import (
    ABANDONED,
    ANSWERED,
    EMAIL_COMPLAINT,
    EMAIL_LEVEL1,
    INSTANT,
    IVR,
    TIMEZONE,
    as_instants,
    fold,
    handle_seconds,
)

Frame = pl.DataFrame | pl.LazyFrame
Bound = date | datetime | None

PERIODS = {"day": "1d", "week": "1w", "month": "1mo", "year": "1y"}
PERIOD_LABELS = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m", "year": "%Y"}
REPEAT_UNITS = ("calls", "callers")
PARIS = TIMEZONE
PARIS_ZONE = ZoneInfo(TIMEZONE)
DEADLINE_CLOCKS = deadlines.CLOCKS

_TS = INSTANT
CALL_DTYPES = {
    "call_id": pl.String,
    "caller_id": pl.String,
    "arrival": _TS,
    "ivr_exit": _TS,
    "queue_entry": _TS,
    "queue_exit": _TS,
    "answered_at": _TS,
    "ended_at": _TS,
    "wait_s": pl.Float64,
    "talk_s": pl.Float64,
    "wrap_s": pl.Float64,
    "agent": pl.String,
    "team": pl.String,
    "queue": pl.String,
    "motif": pl.String,
    "outcome": pl.String,
}
EMAIL_DTYPES = {
    "email_id": pl.String,
    "received_at": _TS,
    "kind": pl.String,
    "motif": pl.String,
    "agent": pl.String,
    "team": pl.String,
    "answered_at": _TS,
    "template": pl.String,
}
SURVEY_DTYPES = {
    "survey_id": pl.String,
    "channel": pl.String,
    "answered_on": pl.Date,
    "score": pl.Float64,
    "satisfied": pl.Boolean,
}
ACTIVITY_DTYPES = {
    "agent": pl.String,
    "team": pl.String,
    "day": pl.Date,
    "phone_s": pl.Float64,
    "email_s": pl.Float64,
}


# --- shared plumbing -------------------------------------------------------------------------


def _lazy(frame: Frame, dtypes: dict[str, pl.DataType]) -> pl.LazyFrame:
    """The frame as a LazyFrame with every canonical column (absent ones null), timestamps as
    instants (`records.as_instants`: naive ones are Paris wall-clock readings)."""
    lf = as_instants(frame.lazy())
    present = set(lf.collect_schema().names())
    missing = [
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in dtypes.items()
        if name not in present
    ]
    return lf.with_columns(missing) if missing else lf


def _instant(bound: Bound) -> datetime | None:
    """A bound as a Paris instant: a date is its local midnight, a naive datetime local time."""
    if bound is None:
        return None
    if not isinstance(bound, datetime):
        bound = datetime.combine(bound, datetime.min.time())
    if bound.tzinfo is None:
        # Python's `fold` says which of a repeated autumn reading is meant (0: the first).
        return bound.replace(tzinfo=PARIS_ZONE)
    return bound.astimezone(PARIS_ZONE)


def _between(column: str, start: Bound, end: Bound) -> pl.Expr:
    """`start` <= column < `end`; a date bound means midnight of that day."""
    condition = pl.lit(True)
    if start is not None:
        condition &= pl.col(column) >= _instant(start)
    if end is not None:
        condition &= pl.col(column) < _instant(end)
    return condition


def _days_between(column: str, start: Bound, end: Bound) -> pl.Expr:
    """Same as `_between` for a Date column: days from start's day, before end's instant."""
    condition = pl.lit(True)
    if start is not None:
        condition &= pl.col(column) >= _local_day(_instant(start))
    if end is not None:
        condition &= pl.col(column) <= _local_day(_instant(end) - timedelta(microseconds=1))
    return condition


def _local_day(moment: datetime) -> date:
    return moment.astimezone(PARIS_ZONE).date()


def _check_by(by: str | None) -> None:
    if by is not None and by not in PERIODS:
        raise ValueError(f"by must be one of {sorted(PERIODS)} or None, not {by!r}")


def _period_expr(column: str, by: str) -> pl.Expr:
    return pl.col(column).dt.truncate(PERIODS[by]).dt.date().alias("period")


def _keys(by: str | None, group: str | None) -> list[str]:
    return (["period"] if by else []) + ([group] if group else [])


def _output_keys(by: str | None, group: str | None) -> list[str]:
    """Key columns of a result: the period and its label, then the group."""
    return (["period", "label"] if by else []) + ([group] if group else [])


def _with_label(frame: pl.LazyFrame, by: str | None) -> pl.LazyFrame:
    """Adds the period's display label (e.g. 2026-W03) when results are per period."""
    return (
        frame.with_columns(pl.col("period").dt.strftime(PERIOD_LABELS[by]).alias("label"))
        if by
        else frame
    )


def _aggregate(lf: pl.LazyFrame, keys: list[str], aggs: list[pl.Expr]) -> pl.LazyFrame:
    """Group by `keys`; without keys one row for the whole frame, even an empty one."""
    if not keys:
        return lf.select(aggs)
    return lf.group_by(keys).agg(aggs)


def _ratio(numerator: str, denominator: str) -> pl.Expr:
    """numerator / denominator, null when the denominator is 0 or null."""
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator) / pl.col(denominator))
        .otherwise(None)
        .cast(pl.Float64)
    )


def _period_skeleton(by: str, start: Bound, end: Bound) -> pl.LazyFrame:
    """Every period touching [start, end), so empty periods show with zero counts."""
    first = _local_day(_instant(start))
    last = _local_day(_instant(end) - timedelta(microseconds=1))
    periods = pl.date_range(first, last, "1d", eager=True).dt.truncate(PERIODS[by]).unique()
    return pl.LazyFrame({"period": periods.sort()})


def _finish(
    agg: pl.LazyFrame,
    *,
    by: str | None,
    group: str | None,
    start: Bound,
    end: Bound,
    counts: Sequence[str],
) -> pl.LazyFrame:
    """Adds empty periods (whole range known, no group) and the period label; sorts."""
    if by and group is None and start is not None and end is not None:
        agg = _period_skeleton(by, start, end).join(agg, on="period", how="left")
        agg = agg.with_columns(pl.col(name).fill_null(0) for name in counts)
    agg = _with_label(agg, by)
    keys = _keys(by, group)
    return agg.sort(keys, nulls_last=True) if keys else agg


def to_records(frame: pl.DataFrame) -> list[dict]:
    """Rows as plain dicts (dates as ISO strings), ready for JSON."""
    return [
        {key: value.isoformat() if isinstance(value, date) else value for key, value in row.items()}
        for row in frame.iter_rows(named=True)
    ]


# --- calls -----------------------------------------------------------------------------------


def _seconds(expr: pl.Expr) -> pl.Expr:
    return expr.dt.total_microseconds() / 1e6


def _call_facts(calls: Frame, params: IndicatorParams, start: Bound, end: Bound) -> pl.LazyFrame:
    """One row per call of [start, end) with outcome flags, wait and the repeat flag.

    Calls before `start` stay long enough to serve as repeat predecessors only.
    """
    if params.repeat_unit not in REPEAT_UNITS:
        raise ValueError(f"repeat_unit must be one of {REPEAT_UNITS}, not {params.repeat_unit!r}")
    lf = _lazy(calls, CALL_DTYPES).filter(_between("arrival", None, end))
    outcome = pl.col("outcome")
    queue_wait = _seconds(pl.coalesce("answered_at", "queue_exit") - pl.col("queue_entry"))
    wait = pl.coalesce(pl.col("wait_s"), queue_wait)
    short = (outcome == ABANDONED) & (wait < params.short_abandon_s).fill_null(False)
    lf = lf.with_columns(_wait=wait, _short=short).with_columns(
        _key=pl.when(~pl.col("_short")).then(pl.col("caller_id"))
    )
    # Sorted by caller then arrival, a call's predecessor is the row above when the caller matches.
    window_us = int(round(params.repeat_window_days * DAY_S * 1e6))
    gap_us = (pl.col("arrival") - pl.col("arrival").shift(1)).dt.total_microseconds()
    same_caller = (pl.col("_key") == pl.col("_key").shift(1)).fill_null(False)
    lf = lf.sort(["_key", "arrival", "call_id"], nulls_last=True).with_columns(
        _repeat=pl.when(pl.col("_key").is_not_null()).then(same_caller & (gap_us <= window_us))
    )
    answered = outcome == ANSWERED
    abandoned = (outcome == ABANDONED) & ~pl.col("_short")
    # Null (unknown) stays null: means and counts of known values skip it.
    answered_wait = pl.when(answered).then(pl.col("_wait"))
    return lf.filter(_between("arrival", start, None)).with_columns(
        _A=answered,
        _S=outcome == IVR,
        _X=abandoned,
        _answered_wait=answered_wait,
        _handle=pl.when(answered).then(handle_seconds()),
        _sl_known=abandoned | answered_wait.is_not_null(),
    )


def _threshold_name(threshold: float) -> str:
    return f"service_level_{threshold:g}s"


def call_indicators(
    calls: Frame,
    *,
    start: Bound = None,
    end: Bound = None,
    params: IndicatorParams | None = None,
    by: str | None = None,
    group: str | None = None,
    service_thresholds_s: Sequence[float] = (),
) -> pl.DataFrame:
    """Phone indicators of the calls arriving in [start, end), per period and group.

    Columns: the keys (`period`, `label`, the group), offered, answered, ivr_handled, abandoned,
    short_abandons, identified_calls, repeat_calls, identified_callers, repeat_callers,
    pickup_rate, agent_answer_rate, abandonment_rate, repeat_rate, asa_s and asa_known (answered
    calls with a known wait), aht_s and aht_known (answered calls with a known handle time),
    answered_within_sl, service_level_known and service_level (at
    `params.service_level_threshold_s`), and service_level_<T>s for that threshold and each of
    `service_thresholds_s`; the service levels share the denominator service_level_known.
    """
    params = params or IndicatorParams()
    _check_by(by)
    facts = _call_facts(calls, params, start, end)
    if by:
        facts = facts.with_columns(_period_expr("arrival", by))
    thresholds = list(dict.fromkeys([params.service_level_threshold_s, *service_thresholds_s]))
    within = [
        (pl.col("_answered_wait") <= threshold).sum().alias(f"_within_{index}")
        for index, threshold in enumerate(thresholds)
    ]
    aggs = [
        pl.col("_A").sum().alias("answered"),
        pl.col("_S").sum().alias("ivr_handled"),
        pl.col("_X").sum().alias("abandoned"),
        pl.col("_short").sum().alias("short_abandons"),
        pl.col("_key").is_not_null().sum().alias("identified_calls"),
        pl.col("_repeat").sum().alias("repeat_calls"),
        pl.col("_key").drop_nulls().n_unique().alias("identified_callers"),
        pl.col("_key").filter(pl.col("_repeat")).n_unique().alias("repeat_callers"),
        pl.col("_answered_wait").mean().alias("asa_s"),
        pl.col("_answered_wait").count().alias("asa_known"),
        pl.col("_handle").mean().alias("aht_s"),
        pl.col("_handle").count().alias("aht_known"),
        pl.col("_sl_known").sum().alias("service_level_known"),
        *within,
    ]
    counts = [
        "answered",
        "ivr_handled",
        "abandoned",
        "short_abandons",
        "identified_calls",
        "repeat_calls",
        "identified_callers",
        "repeat_callers",
        "asa_known",
        "aht_known",
        "service_level_known",
        *(f"_within_{index}" for index in range(len(thresholds))),
    ]
    agg = _aggregate(facts, _keys(by, group), aggs).with_columns(
        pl.col(name).cast(pl.Int64) for name in counts
    )
    agg = _finish(agg, by=by, group=group, start=start, end=end, counts=counts)
    repeat_num, repeat_den = (
        ("repeat_calls", "identified_calls")
        if params.repeat_unit == "calls"
        else ("repeat_callers", "identified_callers")
    )
    agg = agg.with_columns(
        (pl.col("answered") + pl.col("ivr_handled") + pl.col("abandoned")).alias("offered"),
        (pl.col("answered") + pl.col("ivr_handled")).alias("_treated"),
        (pl.col("answered") + pl.col("abandoned")).alias("_queued"),
    ).with_columns(
        _ratio("_treated", "offered").alias("pickup_rate"),
        _ratio("answered", "_queued").alias("agent_answer_rate"),
        _ratio("abandoned", "_queued").alias("abandonment_rate"),
        _ratio(repeat_num, repeat_den).alias("repeat_rate"),
        *(
            _ratio(f"_within_{index}", "service_level_known").alias(_threshold_name(threshold))
            for index, threshold in enumerate(thresholds)
        ),
    )
    agg = agg.with_columns(
        pl.col(_threshold_name(params.service_level_threshold_s)).alias("service_level"),
        pl.col("_within_0").alias("answered_within_sl"),
    )
    keys = _output_keys(by, group)
    ordered = [
        *keys,
        "offered",
        "answered",
        "ivr_handled",
        "abandoned",
        "short_abandons",
        "identified_calls",
        "repeat_calls",
        "identified_callers",
        "repeat_callers",
        "pickup_rate",
        "agent_answer_rate",
        "abandonment_rate",
        "repeat_rate",
        "asa_s",
        "asa_known",
        "aht_s",
        "aht_known",
        "answered_within_sl",
        "service_level_known",
        "service_level",
        *dict.fromkeys(_threshold_name(threshold) for threshold in thresholds),
    ]
    return agg.select(ordered).collect()


def call_summary(calls: Frame, **kwargs) -> dict:
    """`call_indicators` of the whole period as one dict."""
    kwargs.pop("by", None)
    return call_indicators(calls, by=None, **kwargs).row(0, named=True)


def half_hour_volumes(
    calls: Frame,
    *,
    start: Bound = None,
    end: Bound = None,
    params: IndicatorParams | None = None,
    by: str | None = None,
    group: str | None = None,
) -> pl.DataFrame:
    """Offered, answered, IVR and abandoned calls per half-hour of arrival.

    The half-hour is the local reading `slot` (a time) and `fold` (1 for the second 02:00 and
    02:30 of the autumn change day, as `records.fold`), grouped from the instants.
    """
    params = params or IndicatorParams()
    _check_by(by)
    facts = _call_facts(calls, params, start, end).with_columns(
        pl.col("arrival").dt.truncate("30m").dt.time().alias("slot"),
        fold(pl.col("arrival")).alias("fold"),
    )
    if by:
        facts = facts.with_columns(_period_expr("arrival", by))
    keys = [*_keys(by, group), "slot", "fold"]
    agg = facts.group_by(keys).agg(
        pl.col("_A").sum().cast(pl.Int64).alias("answered"),
        pl.col("_S").sum().cast(pl.Int64).alias("ivr_handled"),
        pl.col("_X").sum().cast(pl.Int64).alias("abandoned"),
    )
    agg = agg.with_columns(
        (pl.col("answered") + pl.col("ivr_handled") + pl.col("abandoned")).alias("offered")
    ).filter(pl.col("offered") > 0)
    agg = _with_label(agg, by)
    columns = [*_output_keys(by, group), "slot", "fold"]
    return (
        agg.select([*columns, "offered", "answered", "ivr_handled", "abandoned"])
        .sort(columns, nulls_last=True)
        .collect()
    )


# --- agents' productivity ---------------------------------------------------------------------


def agent_productivity(
    activity: Frame,
    *,
    calls: Frame | None = None,
    emails: Frame | None = None,
    start: Bound = None,
    end: Bound = None,
    by: str | None = None,
    group: str = "agent",
) -> pl.DataFrame:
    """Calls per hour (answered calls / hours logged on the phone) and emails per hour
    (emails answered / hours on emails) per `group` (agent or team) and period.

    Calls count at arrival, emails at answer, activity by day, all within [start, end).
    """
    _check_by(by)
    keys = _keys(by, group)
    activity_lf = _lazy(activity, ACTIVITY_DTYPES).filter(_days_between("day", start, end))
    if by:
        activity_lf = activity_lf.with_columns(
            pl.col("day").dt.truncate(PERIODS[by]).alias("period")
        )
    result = activity_lf.group_by(keys).agg(
        (pl.col("phone_s").fill_null(0.0).sum() / 3600).alias("phone_hours"),
        (pl.col("email_s").fill_null(0.0).sum() / 3600).alias("email_hours"),
    )
    parts = []
    if calls is not None:
        calls_lf = _lazy(calls, CALL_DTYPES).filter(
            _between("arrival", start, end) & (pl.col("outcome") == ANSWERED)
        )
        if by:
            calls_lf = calls_lf.with_columns(_period_expr("arrival", by))
        parts.append(calls_lf.group_by(keys).agg(pl.len().cast(pl.Int64).alias("answered_calls")))
    if emails is not None:
        emails_lf = _lazy(emails, EMAIL_DTYPES).filter(
            _between("answered_at", start, end) & pl.col("answered_at").is_not_null()
        )
        if by:
            emails_lf = emails_lf.with_columns(_period_expr("answered_at", by))
        parts.append(emails_lf.group_by(keys).agg(pl.len().cast(pl.Int64).alias("answered_emails")))
    for part in parts:
        result = result.join(part, on=keys, how="full", coalesce=True, nulls_equal=True)
    result = result.with_columns(
        pl.col(name).fill_null(0) for name in ("phone_hours", "email_hours")
    )
    present = result.collect_schema().names()
    result = result.with_columns(
        pl.col(name).fill_null(0) if name in present else pl.lit(None, dtype=pl.Int64).alias(name)
        for name in ("answered_calls", "answered_emails")
    )
    result = result.with_columns(
        _ratio("answered_calls", "phone_hours").alias("calls_per_hour"),
        _ratio("answered_emails", "email_hours").alias("emails_per_hour"),
    )
    result = _with_label(result, by)
    columns = _output_keys(by, group)
    return (
        result.select(
            [
                *columns,
                "answered_calls",
                "phone_hours",
                "calls_per_hour",
                "answered_emails",
                "email_hours",
                "emails_per_hour",
            ]
        )
        .sort(columns, nulls_last=True)
        .collect()
    )


# --- emails ------------------------------------------------------------------------------------


def deadline_seconds(
    kind: str, params: IndicatorParams, rules: PlatformRules | None = None
) -> float:
    """The deadline of an email kind in seconds of the chosen clock (`engine.deadlines`).

    Level-1: `email_deadline_hours` hours. Complaints: `complaint_deadline_days` days, a day
    being 24 h on the calendar and working-day clocks and one opening day on the opening clock.
    """
    return deadlines.Clock.of(params.deadline_clock, rules).seconds(email_rule(kind, params))


def email_rule(kind: str, params: IndicatorParams) -> deadlines.DeadlineRule:
    """The deadline rule of an email kind: 48 h for level 1, 10 days for complaints (note §A)."""
    if kind == EMAIL_LEVEL1:
        return deadlines.DeadlineRule(params.email_deadline_hours, "hours")
    return deadlines.DeadlineRule(params.complaint_deadline_days, "days")


def email_indicators(
    emails: Frame,
    *,
    at: datetime,
    start: Bound = None,
    end: Bound = None,
    params: IndicatorParams | None = None,
    rules: PlatformRules | None = None,
    by: str | None = None,
    group: str | None = None,
) -> pl.DataFrame:
    """Level-1 emails within 48 h and complaints within 10 days, evaluated at instant `at`.

    Cohort: emails received in [start, end). Due = answered by `at`, or unanswered at `at` and
    older than the deadline; within = answered by `at` with at most the deadline elapsed on the
    `params.deadline_clock` clock (calendar = real time, Paris clock changes included;
    business = working days only, 24 h each; opening = opening hours of working days: the one
    clock of `engine.deadlines`). Rate = within / due. Columns per kind: `level1_*` and
    `complaint_*` (received, answered, due, within, within_deadline_rate).
    """
    params = params or IndicatorParams()
    rules = rules or PlatformRules()
    _check_by(by)
    if params.deadline_clock not in DEADLINE_CLOCKS:
        raise ValueError(f"deadline_clock must be one of {DEADLINE_CLOCKS}")
    lf = _lazy(emails, EMAIL_DTYPES).filter(_between("received_at", start, end))
    holidays: list[date] = []
    clock = deadlines.Clock.of(params.deadline_clock, rules)
    if clock.kind != "calendar":
        last = lf.select(
            pl.max_horizontal(pl.col("received_at").max(), pl.col("answered_at").max())
            .dt.year()
            .alias("last"),
        ).collect()["last"][0]
        holidays = deadlines.holidays_until(max(last or at.year, at.year))

    def reading(column: pl.Expr) -> pl.Expr:
        return deadlines.reading_expr(column, clock, holidays)

    received = reading(pl.col("received_at"))
    answered_by_at = pl.col("answered_at").is_not_null() & (pl.col("answered_at") <= _instant(at))
    elapsed = reading(pl.col("answered_at")) - received
    age = reading(pl.lit(_instant(at), dtype=_TS)) - received
    lf = lf.with_columns(_answered=answered_by_at, _elapsed=elapsed, _age=age)
    if by:
        lf = lf.with_columns(_period_expr("received_at", by))
    aggs, counts = [], []
    for kind, prefix in ((EMAIL_LEVEL1, "level1"), (EMAIL_COMPLAINT, "complaint")):
        deadline = deadline_seconds(kind, params, rules)
        of_kind = pl.col("kind") == kind
        due = pl.col("_answered") | (pl.col("_age") > deadline)
        within = pl.col("_answered") & (pl.col("_elapsed") <= deadline)
        aggs += [
            of_kind.sum().alias(f"{prefix}_received"),
            (of_kind & pl.col("_answered")).sum().alias(f"{prefix}_answered"),
            (of_kind & due).sum().alias(f"{prefix}_due"),
            (of_kind & within).sum().alias(f"{prefix}_within"),
        ]
        counts += [f"{prefix}_{name}" for name in ("received", "answered", "due", "within")]
    agg = _aggregate(lf, _keys(by, group), aggs).with_columns(
        pl.col(name).cast(pl.Int64) for name in counts
    )
    agg = _finish(agg, by=by, group=group, start=start, end=end, counts=counts)
    agg = agg.with_columns(
        _ratio("level1_within", "level1_due").alias("level1_within_deadline_rate"),
        _ratio("complaint_within", "complaint_due").alias("complaint_within_deadline_rate"),
    )
    keys = _output_keys(by, group)
    ordered = [
        *keys,
        *counts[:4],
        "level1_within_deadline_rate",
        *counts[4:],
        "complaint_within_deadline_rate",
    ]
    return agg.select(ordered).collect()


# --- satisfaction -----------------------------------------------------------------------------


def satisfaction_rates(
    surveys: Frame,
    *,
    start: Bound = None,
    end: Bound = None,
    by: str | None = None,
) -> pl.DataFrame:
    """Share of satisfied answers per channel (telephone, courriel) and period."""
    _check_by(by)
    lf = _lazy(surveys, SURVEY_DTYPES).filter(_days_between("answered_on", start, end))
    if by:
        lf = lf.with_columns(pl.col("answered_on").dt.truncate(PERIODS[by]).alias("period"))
    keys = [*_keys(by, None), "channel"]
    agg = lf.group_by(keys).agg(
        pl.col("satisfied").is_not_null().sum().cast(pl.Int64).alias("answers"),
        pl.col("satisfied").fill_null(False).sum().cast(pl.Int64).alias("satisfied"),
    )
    agg = agg.with_columns(_ratio("satisfied", "answers").alias("satisfaction_rate"))
    agg = _with_label(agg, by)
    columns = _output_keys(by, "channel")
    return (
        agg.select([*columns, "answers", "satisfied", "satisfaction_rate"])
        .sort(columns, nulls_last=True)
        .collect()
    )


# --- year targets: production per funded ETP, projection, what it takes ----------------------


def _div(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def production_per_fte(
    *,
    answered_calls: int,
    answered_emails: int,
    funded_fte: float,
    as_of: date,
    targets: CogTargets | None = None,
) -> dict:
    """Production per funded ETP of the year to `as_of` (included) against the year's target.

    `funded_fte`: funded ETP of the year to date, each agent pro-rated by working days under
    contract (`engine.employment.funded_fte`).

    The target to date is pro-rated by working days elapsed / working days of the year; the
    year-end projection keeps the daily pace so far; `*_needed_per_day` is the production per
    ETP and remaining working day that finishes the year exactly on target.
    """
    targets = targets or CogTargets()
    elapsed, remaining, total = year_progress(as_of, targets.year)
    result = {
        "working_days_elapsed": elapsed,
        "working_days_remaining": remaining,
        "working_days_total": total,
    }
    for name, done, target in (
        ("calls", answered_calls, targets.calls_per_fte),
        ("emails", answered_emails, targets.emails_per_fte),
    ):
        per_fte = _div(done, funded_fte)
        to_date = target * elapsed / total
        projected = None if per_fte is None else _div(per_fte * total, elapsed)
        needed = None if per_fte is None else _div(target - per_fte, remaining)
        result |= {
            f"{name}_per_fte": per_fte,
            f"{name}_target": target,
            f"{name}_target_to_date": to_date,
            f"{name}_progress": None if per_fte is None else _div(per_fte, to_date),
            f"{name}_projected_per_fte": projected,
            f"{name}_needed_per_fte_per_day": needed,
        }
    return result


def rate_needed(
    *,
    numerator: float,
    denominator: float,
    elapsed_days: int,
    remaining_days: int,
    target: float,
) -> float | None:
    """Rate needed on the remaining working days to finish the year exactly at `target`.

    The remaining denominator is assumed at the same daily average as so far. The answer can be
    above 1 (target out of reach) or below 0 (already secured); None when it cannot be computed.
    """
    if elapsed_days <= 0 or remaining_days <= 0 or denominator <= 0:
        return None
    remaining_volume = denominator / elapsed_days * remaining_days
    return (target * (denominator + remaining_volume) - numerator) / remaining_volume


def pickup_rate_needed(
    *, offered: int, treated: int, as_of: date, targets: CogTargets | None = None
) -> dict:
    """Taux de décroché so far, projected at year end (same pace) and needed on remaining days."""
    targets = targets or CogTargets()
    elapsed, remaining, total = year_progress(as_of, targets.year)
    current = _div(treated, offered)
    return {
        "pickup_rate": current,
        "target": targets.pickup_rate,
        "projected_year_end": current,
        "needed_remaining": rate_needed(
            numerator=treated,
            denominator=offered,
            elapsed_days=elapsed,
            remaining_days=remaining,
            target=targets.pickup_rate,
        ),
        "working_days_elapsed": elapsed,
        "working_days_remaining": remaining,
    }

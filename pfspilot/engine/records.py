"""Canonical columns of contact records as the engine reads them (Polars frames).

Timestamps are absolute instants held in the Europe/Paris zone (`INSTANT`, Polars
Datetime("us", "Europe/Paris")): differences are elapsed time across the clock changes, and the
local day and half-hour used for grouping (domain.md's periods are local) are read off the same
value. Durations are seconds (Float64). The `contacts` app converts from and to the database.
An empty (null) value is unknown, never 0.
"""

import polars as pl

TIMEZONE = "Europe/Paris"
INSTANT = pl.Datetime("us", TIMEZONE)


class LocalTimeError(ValueError):
    """A naive wall-clock time given to the engine that is not one instant in Paris."""


def as_instants(frame, columns=None):
    """`frame` (DataFrame or LazyFrame) with its datetime `columns` as `INSTANT`.

    Naive columns are Paris wall-clock times: a time skipped by the spring change or repeated by
    the autumn change has no single instant and raises LocalTimeError (readers of files resolve
    those with the mapping's `ambiguous` option first). Columns in another zone are converted.
    A LazyFrame defers the check: the error comes from `collect()` as Polars' ComputeError.
    """
    schema = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    names = [
        name
        for name, dtype in schema.items()
        if isinstance(dtype, pl.Datetime) and (columns is None or name in columns)
    ]
    exprs = []
    for name in names:
        dtype = schema[name]
        column = pl.col(name).cast(pl.Datetime("us", dtype.time_zone))
        if dtype.time_zone is None:
            exprs.append(localize(column).alias(name))
        elif dtype.time_zone != TIMEZONE:
            exprs.append(column.dt.convert_time_zone(TIMEZONE).alias(name))
    if not exprs:
        return frame
    try:
        return frame.with_columns(exprs)
    except pl.exceptions.ComputeError as exc:
        raise LocalTimeError(str(exc)) from None


def fold(expr: pl.Expr) -> pl.Expr:
    """1 for an instant whose Paris reading is the repeat of the autumn change, else 0 (UInt8).

    With the local day and half-hour it names a real slot: 25 October 2026 has two 02:00 and
    two 02:30 half-hours (50 in all), as Python's `datetime.fold`.
    """
    first = expr.dt.replace_time_zone(None).dt.replace_time_zone(
        TIMEZONE, ambiguous="earliest", non_existent="null"
    )
    return (first != expr).fill_null(False).cast(pl.UInt8)


def localize(expr: pl.Expr) -> pl.Expr:
    """Naive Paris wall-clock → instant; raises on a time skipped or repeated by a clock change."""
    return expr.dt.replace_time_zone(TIMEZONE, ambiguous="raise", non_existent="raise")


# Outcome of a call (domain.md): answered by an agent, handled by the IVR only, abandoned in queue.
ANSWERED, IVR, ABANDONED = "answered", "ivr", "abandoned"
OUTCOMES = (ANSWERED, IVR, ABANDONED)

CALL_COLUMNS = {
    "call_id": "str — source identifier, unique per source",
    "caller_id": "str | null — hashed caller identifier (allocataire number or phone)",
    "arrival": "datetime — call reached the platform",
    "ivr_exit": "datetime | null",
    "queue_entry": "datetime | null — entered an agent queue",
    "queue_exit": "datetime | null — left the queue (answer or hang-up)",
    "answered_at": "datetime | null",
    "ended_at": "datetime | null",
    "wait_s": "float | null — seconds waited in the agent queue",
    "talk_s": "float | null",
    "wrap_s": "float | null — after-call work",
    "agent": "str | null — agent identifier (username in the platform)",
    "team": "str | null",
    "queue": "str | null — queue / skill",
    "motif": "str | null",
    "outcome": "str — answered | ivr | abandoned",
}

EMAIL_LEVEL1, EMAIL_COMPLAINT = "niveau1", "reclamation"
EMAIL_COLUMNS = {
    "email_id": "str",
    "received_at": "datetime",
    "kind": "str — niveau1 | reclamation",
    "motif": "str | null",
    "agent": "str | null",
    "team": "str | null",
    "answered_at": "datetime | null",
    "template": "str | null — response template used",
}

PHONE, EMAIL = "telephone", "courriel"
SURVEY_COLUMNS = {
    "survey_id": "str",
    "channel": "str — telephone | courriel",
    "answered_on": "date",
    "score": "float | null — the answer on its own scale",
    "satisfied": "bool",
}

ACTIVITY_COLUMNS = {
    "agent": "str",
    "team": "str | null",
    "day": "date",
    "phone_s": "float — seconds logged on the phone (denominator of calls/hour)",
    "email_s": "float — seconds on emails (denominator of emails/hour)",
}


def handle_seconds() -> pl.Expr:
    """A call's handle time, talk + wrap-up seconds: null (unknown) when the talk time is.

    A missing wrap-up counts 0: many switches record no after-call work at all. The one
    definition of a known handle time, shared by the indicators' AHT and the forecast's.
    """
    return pl.col("talk_s") + pl.col("wrap_s").fill_null(0.0)

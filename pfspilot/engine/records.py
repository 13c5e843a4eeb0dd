"""Canonical columns of contact records as the engine reads them (Polars frames), and their schema.

`SCHEMA` (calls, emails, surveys, activity) is the one typed description of every field: type,
unit, required, identifier, vocabulary, text length, plausible range. The Polars dtypes, the
mapping profiles' field types, the reader's checks and the database layouts derive from it.

Timestamps are absolute instants held in the Europe/Paris zone (`INSTANT`, Polars
Datetime("us", "Europe/Paris")): differences are elapsed time across the clock changes, and the
local day and half-hour used for grouping (domain.md's periods are local) are read off the same
value. Durations are seconds (Float64). The `contacts` app converts from and to the database.
An empty (null) value is unknown, never 0.
"""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import polars as pl

# The platform's clock and its grouping slot, each defined once for the whole project: local
# time (Paris) only places instants in days and half-hours (domain.md's periods are local).
TIMEZONE = "Europe/Paris"
PARIS = ZoneInfo(TIMEZONE)
SLOT_MINUTES = 30  # the half-hour of arrivals, forecasts, staffing and day plans
SLOT = timedelta(minutes=SLOT_MINUTES)
SLOT_S = SLOT.total_seconds()  # 1800.0
SLOT_HOURS = SLOT_S / 3600  # 0.5
DAY_S = 86400.0  # a calendar day of 24 h, in seconds
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
EMAIL_LEVEL1, EMAIL_COMPLAINT = "niveau1", "reclamation"
EMAIL_KINDS = (EMAIL_LEVEL1, EMAIL_COMPLAINT)
PHONE, EMAIL = "telephone", "courriel"
CHANNELS = (PHONE, EMAIL)

# --- The record schema: the one description of every field --------------------------------------
# The mapping profiles, the file reader, the engine's dtypes and the database layouts are derived
# from it; tests/contacts/test_schema.py fails when a model of `contacts` disagrees with it.

# Value types: "datetime" is an absolute instant (INSTANT), "duration" is elapsed seconds.
DTYPES: dict[str, pl.DataType] = {
    "str": pl.String,
    "datetime": INSTANT,
    "date": pl.Date,
    "duration": pl.Float64,
    "float": pl.Float64,
    "bool": pl.Boolean,
}
UNITS = {"duration": "s"}
# A duration of a call, an email or a day's activity: at least 0, under a day (issue 12's checks).
DURATION_RANGE = (0.0, DAY_S)
# A satisfaction score on its own scale (1-5, 0-10, a percentage): a plausible magnitude only.
SCORE_RANGE = (-1000.0, 1000.0)
# The dates of a record lie in this window around the import: the oldest real export we read
# (Anonymous Bank, 1999) is inside it; a year 1900 or 2999 is an export or typing error. A year
# ahead: a synthetic year (benchmarks) or a test's clock behind its data still pass.
RECORD_PAST = timedelta(days=366 * 30)
RECORD_FUTURE = timedelta(days=366)
# Characters no text of a record may hold (PostgreSQL refuses NUL in text; nothing types it).
FORBIDDEN_CHARACTERS = ("\x00",)


@dataclass(frozen=True)
class Field:
    """One field of a record kind.

    `required`: never empty in a canonical frame (the database column is NOT NULL);
    `derivable`: the reader computes it when the export has no column for it (calls' outcome);
    `identifier`: part of the key unique inside a file and per source in the database;
    `vocabulary`: the closed set of allowed values (empty: free);
    `max_length`: longest text stored (characters); `range`: plausible (low, high) of a number,
    bounds included (None: any value); every number is finite, every date and instant within
    [import - RECORD_PAST, import + RECORD_FUTURE], no text holds FORBIDDEN_CHARACTERS.
    `stored_hashed`: the text is stored as its fingerprint (`max_length` is the fingerprint's).
    """

    name: str
    type: str
    doc: str = ""
    required: bool = False
    derivable: bool = False
    identifier: bool = False
    vocabulary: tuple[str, ...] = ()
    max_length: int | None = None
    range: tuple[float, float] | None = None
    stored_hashed: bool = False

    def __post_init__(self):
        if self.type not in DTYPES:
            raise ValueError(f"unknown field type {self.type!r} for {self.name}")
        if (self.type == "str") != (self.max_length is not None):
            raise ValueError(f"{self.name}: a text, and only a text, has a max_length")

    @property
    def dtype(self) -> pl.DataType:
        return DTYPES[self.type]

    @property
    def unit(self) -> str | None:
        """ "s" for durations, None for unitless values (a survey score is on its own scale)."""
        return UNITS.get(self.type)


@dataclass(frozen=True)
class RecordKind:
    """The fields of one record kind, in frame column order; `period` dates a record."""

    name: str
    fields: tuple[Field, ...]
    period: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def dtypes(self) -> dict[str, pl.DataType]:
        """Polars schema of the canonical frame."""
        return {f.name: f.dtype for f in self.fields}

    @property
    def identifiers(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.identifier)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _text(name, doc="", *, length=100, **options) -> Field:
    return Field(name, "str", doc, max_length=length, **options)


def _instant(name, doc="", **options) -> Field:
    return Field(name, "datetime", doc, **options)


def _seconds(name, doc="", **options) -> Field:
    return Field(name, "duration", doc, range=DURATION_RANGE, **options)


CALLS = RecordKind(
    "calls",
    (
        _text("call_id", "source identifier, unique per source", required=True, identifier=True),
        _text(
            "caller_id",
            "hashed caller identifier (HMAC-SHA256 hex of the allocataire number or phone)",
            length=64,
            stored_hashed=True,
        ),
        _instant("arrival", "call reached the platform", required=True),
        _instant("ivr_exit"),
        _instant("queue_entry", "entered an agent queue"),
        _instant("queue_exit", "left the queue (answer or hang-up)"),
        _instant("answered_at"),
        _instant("ended_at"),
        _seconds("wait_s", "seconds waited in the agent queue"),
        _seconds("talk_s"),
        _seconds("wrap_s", "after-call work"),
        _text("agent", "agent identifier (username in the platform)"),
        _text("team"),
        _text("queue", "queue / skill"),
        _text("motif", length=200),
        _text(
            "outcome",
            "answered | ivr | abandoned; from the timestamps when the export has none",
            length=10,
            required=True,
            derivable=True,
            vocabulary=OUTCOMES,
        ),
    ),
    period="arrival",
)
EMAILS = RecordKind(
    "emails",
    (
        _text("email_id", required=True, identifier=True),
        _instant("received_at", required=True),
        _text("kind", "niveau1 | reclamation", length=12, required=True, vocabulary=EMAIL_KINDS),
        _text("motif", length=200),
        _text("agent"),
        _text("team"),
        _instant("answered_at"),
        _text("template", "response template used", length=200),
    ),
    period="received_at",
)
SURVEYS = RecordKind(
    "surveys",
    (
        _text("survey_id", required=True, identifier=True),
        _text("channel", "telephone | courriel", length=10, required=True, vocabulary=CHANNELS),
        Field("answered_on", "date", required=True),
        Field("score", "float", "the answer on its own scale (finite)", range=SCORE_RANGE),
        Field("satisfied", "bool", required=True),
    ),
    period="answered_on",
)
ACTIVITY = RecordKind(
    "activity",
    (
        _text("agent", required=True, identifier=True),
        _text("team"),
        Field("day", "date", required=True, identifier=True),
        _seconds(
            "phone_s", "seconds logged on the phone (denominator of calls/hour)", required=True
        ),
        _seconds("email_s", "seconds on emails (denominator of emails/hour)", required=True),
    ),
    period="day",
)
SCHEMA: dict[str, RecordKind] = {k.name: k for k in (CALLS, EMAILS, SURVEYS, ACTIVITY)}


def handle_seconds() -> pl.Expr:
    """A call's handle time, talk + wrap-up seconds: null (unknown) when the talk time is.

    A missing wrap-up counts 0: many switches record no after-call work at all. The one
    definition of a known handle time, shared by the indicators' AHT and the forecast's.
    """
    return pl.col("talk_s") + pl.col("wrap_s").fill_null(0.0)

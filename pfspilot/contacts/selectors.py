"""Reads of contact records as canonical Polars frames (naive Europe/Paris datetimes).

Rows go from a raw cursor straight into Polars (PostgreSQL `COPY ... TO STDOUT`, SQLite one
text line per row): a year of calls loads in about a second, never as ORM objects.
"""

import io
from datetime import date, datetime, time, timedelta

import polars as pl
from django.db import connection
from django.utils import timezone

from .mapping import FIELD_TYPES, ID_FIELDS
from .reader import canonical_schema
from .storage import LAYOUTS

PARIS = "Europe/Paris"
FIELD_SEP, NULL = "\x1f", "\x1e"


def calls_frame(start: date, end: date, *, lookback_days: float = 0) -> pl.DataFrame:
    """Calls that arrived from `start - lookback_days` to the end of day `end` (local time)."""
    return _frame("calls", start, end, lookback_days)


def emails_frame(start: date, end: date) -> pl.DataFrame:
    """Emails received on local days [start, end]."""
    return _frame("emails", start, end, 0)


def surveys_frame(start: date, end: date) -> pl.DataFrame:
    """Satisfaction answers dated [start, end]."""
    return _frame("surveys", start, end, 0)


def activity_frame(start: date, end: date) -> pl.DataFrame:
    """Agent activity of days [start, end]."""
    return _frame("activity", start, end, 0)


def _frame(kind: str, start: date, end: date, lookback_days: float) -> pl.DataFrame:
    layout = LAYOUTS[kind]
    types = FIELD_TYPES[kind]
    table = layout.model._meta.db_table
    postgres = connection.vendor == "postgresql"
    period = layout.period_field
    if types[period] == "date":
        low, high = start - timedelta(days=lookback_days), end
        condition = f"r.{period} >= %s AND r.{period} <= %s"
        params = [low.isoformat(), high.isoformat()]
    else:
        tz = timezone.get_default_timezone()
        low_local = datetime.combine(start, time.min) - timedelta(days=lookback_days)
        high_local = datetime.combine(end + timedelta(days=1), time.min)
        low = timezone.make_aware(low_local, tz)
        high = timezone.make_aware(high_local, tz)
        column = dict((c, n) for n, c in layout.columns if c)[period]
        condition = f"r.{column} >= %s AND r.{column} < %s"
        params = [
            connection.ops.adapt_datetimefield_value(low),
            connection.ops.adapt_datetimefield_value(high),
        ]
    people = "agent_id" in dict(layout.columns)
    selected = []
    for db_column, canonical in layout.columns:
        if canonical is None:
            continue
        expr = f"r.{db_column}"
        value_type = types[canonical]
        if postgres and value_type == "datetime":
            expr = f"to_char({expr} AT TIME ZONE '{PARIS}', 'YYYY-MM-DD HH24:MI:SS.US')"
        selected.append((canonical, expr, value_type))
    if people:
        # Names of people are joined in Polars: two small tables, no per-row lookups in SQL.
        selected += [("__agent_id", "r.agent_id", "int"), ("__team_id", "r.team_id", "int")]
    if not postgres and _mostly_whole_table(table, condition, params):
        # A range over most of the table reads faster as one scan than through the index.
        condition = condition.replace("r.", "+r.")
    names = [c for c, _, _ in selected]
    if postgres:
        text = _postgres_text(selected, table, condition, params)
    else:
        text = _sqlite_text(selected, table, condition, params)
    if not text:
        return pl.DataFrame(schema=canonical_schema(kind))
    raw = pl.read_csv(
        io.StringIO(text),
        has_header=False,
        new_columns=names,
        separator=FIELD_SEP,
        quote_char=None,
        infer_schema=False,
        null_values=[NULL],
        empty_string_is_null=False,
    )
    if people:
        raw = _with_people_names(raw)
    # Sorted here rather than in SQL: Polars sorts a year of calls in milliseconds.
    order = [period, *(f for f in ID_FIELDS[kind] if f != period)]
    return _typed(kind, raw, utc=not postgres).cast(canonical_schema(kind)).sort(order)


def _with_people_names(raw: pl.DataFrame) -> pl.DataFrame:
    """Current username and team name where the record is linked, else the source's codes."""
    from pfspilot.people.models import Team, User

    users = pl.DataFrame(
        [(str(pk), name) for pk, name in User.objects.values_list("id", "username")],
        schema={"__agent_id": pl.String, "__username": pl.String},
        orient="row",
    )
    teams = pl.DataFrame(
        [(str(pk), name) for pk, name in Team.objects.values_list("id", "name")],
        schema={"__team_id": pl.String, "__team_name": pl.String},
        orient="row",
    )
    raw = raw.join(users, on="__agent_id", how="left", maintain_order="left")
    raw = raw.join(teams, on="__team_id", how="left", maintain_order="left")
    return raw.with_columns(
        agent=pl.coalesce("__username", "agent"), team=pl.coalesce("__team_name", "team")
    )


def _mostly_whole_table(table: str, condition: str, params: list) -> bool:
    """Whether [low, high) spans at least a quarter of the stored period (index bounds only)."""
    column = condition.split(" ")[0]
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"SELECT MIN({column}), MAX({column}) FROM {table} r")
        first, last = cursor.fetchone()
    finally:
        cursor.close()
    if first is None:
        return False
    low, high = (str(p) for p in params)
    return _span_share(first, last, low, high) >= 0.25


def _span_share(first: str, last: str, low: str, high: str) -> float:
    def moment(text: str) -> float:
        return datetime.fromisoformat(text[:19]).timestamp()

    stored = max(moment(last) - moment(first), 1.0)
    covered = min(moment(high), moment(last)) - max(moment(low), moment(first))
    return max(covered, 0.0) / stored


def _sqlite_text(selected, table, condition, params) -> str:
    # Expressions drop the column type, so sqlite3 returns text instead of parsing each value.
    parts = [
        f"IFNULL(REPLACE({e}, char(10), ' '), char(30))"
        if value_type == "str"
        else f"IFNULL(CAST({e} AS TEXT), char(30))"
        for _, e, value_type in selected
    ]
    sql = f"SELECT {' || char(31) || '.join(parts)} FROM {table} r WHERE {condition}"
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql.replace("%s", "?"), params)
        return "\n".join(row[0] for row in cursor.fetchall())
    finally:
        cursor.close()


def _postgres_text(selected, table, condition, params) -> str:
    columns = ", ".join(e for _, e, _ in selected)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        inner = cursor.mogrify(f"SELECT {columns} FROM {table} r WHERE {condition}", params)
        out = io.BytesIO()
        with cursor.copy(
            f"COPY ({inner}) TO STDOUT (FORMAT text, DELIMITER E'\\x1f', NULL E'\\x1e')"
        ) as copy:
            for block in copy:
                out.write(block)
    return out.getvalue().decode("utf-8").rstrip("\n")


def _typed(kind: str, raw: pl.DataFrame, *, utc: bool) -> pl.DataFrame:
    exprs = []
    for name, value_type in FIELD_TYPES[kind].items():
        col = pl.col(name)
        if value_type == "datetime":
            # Whole seconds take Polars' fast path; fractions only where a value has some.
            fraction = raw[name].str.contains(".", literal=True).any()
            fmt = "%Y-%m-%d %H:%M:%S%.f" if fraction else "%Y-%m-%d %H:%M:%S"
            parsed = col.str.to_datetime(fmt, time_unit="us", strict=False)
            if utc:
                parsed = (
                    parsed.dt.replace_time_zone("UTC")
                    .dt.convert_time_zone(PARIS)
                    .dt.replace_time_zone(None)
                )
            exprs.append(parsed.alias(name))
        elif value_type == "date":
            exprs.append(col.str.to_date("%Y-%m-%d").alias(name))
        elif value_type in ("duration", "float"):
            exprs.append(col.cast(pl.Float64).alias(name))
        elif value_type == "bool":
            exprs.append(col.is_in(["1", "t", "true"]).alias(name))
        else:
            exprs.append(col)
    return raw.select(exprs)


def recent_batches(limit: int = 20):
    """The latest import batches, newest first, with who imported them."""
    from .models import ImportBatch

    return list(ImportBatch.objects.select_related("created_by")[:limit])

"""Reads of contact records as canonical Polars frames (naive Europe/Paris datetimes).

Rows go from a raw cursor straight into Polars (PostgreSQL `COPY ... TO STDOUT`, SQLite one
JSON array per column), never as ORM objects: a year of calls loads in a few seconds.
"""

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta

import polars as pl
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.engine import records

from .mapping import FIELD_TYPES, ID_FIELDS
from .reader import RowError, canonical_schema
from .storage import LAYOUTS

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


def stored_records(kind: str, start: date, end: date, *, source: str | None) -> pl.DataFrame:
    """Records of `kind` dated [start, end] (local days), of one source when the kind has one:
    what a new file of that source is compared with (`services.changed_rows`)."""
    return _frame(kind, start, end, 0, source=source)


def _frame(
    kind: str, start: date, end: date, lookback_days: float, *, source: str | None = None
) -> pl.DataFrame:
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
        # The look-back is elapsed time (a repeat window counts hours), taken on UTC instants.
        low = timezone.make_aware(datetime.combine(start, time.min), tz).astimezone(
            UTC
        ) - timedelta(days=lookback_days)
        high = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
        column = dict((c, n) for n, c in layout.columns if c)[period]
        condition = f"r.{column} >= %s AND r.{column} < %s"
        params = [
            connection.ops.adapt_datetimefield_value(low),
            connection.ops.adapt_datetimefield_value(high),
        ]
    if source is not None and "source" in layout.conflict:
        condition += " AND r.source = %s"
        params.append(source)
    people = "agent_id" in dict(layout.columns)
    selected = []
    for db_column, canonical in layout.columns:
        if canonical is None:
            continue
        expr = f"r.{db_column}"
        value_type = types[canonical]
        if postgres and value_type == "datetime":
            expr = f"to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        selected.append((canonical, expr, value_type))
    if people:
        # Names of people are joined in Polars: two small tables, no per-row lookups in SQL.
        selected += [("__agent_id", "r.agent_id", "int"), ("__team_id", "r.team_id", "int")]
    if not postgres and _mostly_whole_table(table, condition, params):
        # A range over most of the table reads faster as one scan than through the index.
        condition = condition.replace("r.", "+r.")
    if postgres:
        raw = _postgres_frame(selected, table, condition, params)
    else:
        raw = _sqlite_frame(selected, table, condition, params)
    if raw is None:
        return pl.DataFrame(schema=canonical_schema(kind))
    if people:
        raw = _with_people_names(raw)
    schema = canonical_schema(kind)
    # Sorted here rather than in SQL: Polars sorts a year of calls in milliseconds.
    order = [period, *(f for f in ID_FIELDS[kind] if f != period)]
    return raw.select(
        _plausible(kind, name, pl.col(name).cast(dtype)) for name, dtype in schema.items()
    ).sort(order)


def _plausible(kind: str, name: str, value: pl.Expr) -> pl.Expr:
    """A stored number that is not finite or out of its schema range (rows imported before the
    checks of issue 12) is read as unknown, so no indicator or plan divides by it."""
    spec = records.SCHEMA[kind].field(name)
    if spec.type not in ("duration", "float"):
        return value
    keep = value.is_finite()
    if spec.range:
        keep &= value.is_between(*spec.range)
    return pl.when(keep).then(value).alias(name)


def _with_people_names(raw: pl.DataFrame) -> pl.DataFrame:
    """Current username and team name where the record is linked, else the source's codes."""
    from pfspilot.people.selectors import accounts_frame, teams_frame

    users = accounts_frame().select(
        __agent_id=pl.col("user_id").cast(pl.String), __username=pl.col("username")
    )
    teams = teams_frame().select(
        __team_id=pl.col("team_id").cast(pl.String), __team_name=pl.col("team_name")
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
    low, high = (str(p) for p in params[:2])
    return _span_share(first, last, low, high) >= 0.25


def _span_share(first: str, last: str, low: str, high: str) -> float:
    def moment(text: str) -> float:
        return datetime.fromisoformat(text[:19]).timestamp()

    stored = max(moment(last) - moment(first), 1.0)
    covered = min(moment(high), moment(last)) - max(moment(low), moment(first))
    return max(covered, 0.0) / stored


def _sqlite_frame(selected, table, condition, params) -> pl.DataFrame | None:
    """Typed columns from scans that each aggregate a few columns into JSON arrays.

    SQLite builds the arrays in C (`+column` has no declared type, so Django's converters never
    parse a timestamp) and Polars decodes and types them in Rust: no Python object per value.
    Both release the GIL, so one group is decoded while SQLite builds the next.
    """
    groups = [selected[i : i + SCAN_COLUMNS] for i in range(0, len(selected), SCAN_COLUMNS)]
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    decoded = []
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for group in groups:
                arrays = ", ".join(f"json_group_array({_json_value(e, t)})" for _, e, t in group)
                sql = f"SELECT COUNT(*), {arrays} FROM {table} r WHERE {condition}"
                cursor.execute(sql.replace("%s", "?"), params)
                count, *texts = cursor.fetchone()
                if not count:
                    return None
                for column, text in zip(group, texts, strict=True):
                    decoded.append(pool.submit(_decoded, column, text))
            columns = [future.result() for future in decoded]
    finally:
        cursor.close()
    return pl.DataFrame(columns)


def _json_value(expr: str, value_type: str) -> str:
    if value_type in ("duration", "float"):
        # SQLite writes a whole number as an integer far faster than as a 15-digit real.
        # ±Inf (stored before the checks of issue 12) would make the JSON unreadable: NULL.
        return (
            f"IIF(ABS({expr}) > 1.7e308, NULL, "
            f"IIF({expr} = CAST({expr} AS INTEGER), CAST({expr} AS INTEGER), {expr}))"
        )
    return f"+{expr}"


# Columns per scan: a few scans of the table cost less than what the overlap saves.
SCAN_COLUMNS = 5


def _decoded(column: tuple[str, str, str], text: str) -> pl.Series:
    name, _, value_type = column
    # Numbers keep SQLite's own value; everything else is text typed like PostgreSQL's.
    inner = pl.Float64 if value_type in ("duration", "float") else pl.String
    values = pl.Series(name, [text]).str.json_decode(pl.List(inner)).explode()
    return _typed_column(values, value_type)


def _postgres_frame(selected, table, condition, params) -> pl.DataFrame | None:
    data = _postgres_csv(selected, table, condition, params)
    if not data.strip():
        return None
    raw = pl.read_csv(
        # Bytes, not a text stream: Polars parses them several times faster.
        data,
        has_header=False,
        new_columns=[c for c, _, _ in selected],
        separator=FIELD_SEP,
        quote_char='"',
        infer_schema=False,
        null_values=[NULL],
        empty_string_is_null=False,
    )
    return raw.select(_typed_column(raw[c], t) for c, _, t in selected)


def _postgres_csv(selected, table, condition, params) -> bytes:
    # CSV quotes any value holding the separator, a quote or a line break: text comes back as is.
    columns = ", ".join(e for _, e, _ in selected)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        inner = cursor.mogrify(f"SELECT {columns} FROM {table} r WHERE {condition}", params)
        out = io.BytesIO()
        with cursor.copy(
            f"COPY ({inner}) TO STDOUT (FORMAT csv, DELIMITER E'\\x1f', NULL E'\\x1e')"
        ) as copy:
            for block in copy:
                out.write(block)
    return out.getvalue()


def _typed_column(values: pl.Series, value_type: str) -> pl.Series:
    """Text read from the database → the canonical type (UTC text → instants, records.INSTANT)."""
    if value_type == "datetime":
        # Whole seconds take Polars' fast path; fractions only where a value has some.
        fraction = values.str.contains(".", literal=True).any()
        fmt = "%Y-%m-%d %H:%M:%S%.f" if fraction else "%Y-%m-%d %H:%M:%S"
        parsed = values.str.to_datetime(fmt, time_unit="us", strict=False)
        return parsed.dt.replace_time_zone("UTC").dt.convert_time_zone(records.TIMEZONE)
    if value_type == "date":
        return values.str.to_date("%Y-%m-%d")
    if value_type in ("duration", "float"):
        return values.cast(pl.Float64)
    if value_type == "bool":
        return values.is_in(["1", "t", "true"])
    return values


STALE_AFTER = timedelta(minutes=15)


def batches_with_people():
    """Import batches with who imported and who undid them (one query)."""
    from .models import ImportBatch

    return ImportBatch.objects.select_related("created_by", "undone_by")


def pending_rebuilds():
    """Batches whose daily sums are still to be rebuilt (their commit or undoing was not
    followed by a rebuild: a worker killed just after the commit, a failed rebuild)."""
    from .models import ImportBatch

    return list(ImportBatch.objects.filter(rebuild_start__isnull=False).order_by("pk"))


def queue_length() -> int:
    """Imports waiting for the worker or running."""
    from .models import ImportBatch

    return ImportBatch.objects.filter(
        status__in=[ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING]
    ).count()


HEARTBEAT_EVERY = timedelta(seconds=30)
# A worker silent this long is presumed down (a few missed heartbeats).
WORKER_SILENT_AFTER = timedelta(minutes=2)


def health(now=None) -> tuple[bool, dict]:
    """(healthy, report) of the platform for `/sante/`: no personal data, only counts and times.

    Unhealthy: the database does not answer, or jobs wait while no worker gave a sign of life
    for WORKER_SILENT_AFTER (imports and plans would never run)."""
    from django.db import DatabaseError
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        last = (
            WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        )
        waiting = DBTaskResult.objects.ready().count()
        imports = queue_length()
    except DatabaseError:
        return False, {"status": "erreur", "database": {"ok": False}}
    age = (now - last).total_seconds() if last else None
    worker_ok = last is not None and now - last <= WORKER_SILENT_AFTER
    healthy = worker_ok or (waiting == 0 and imports == 0)
    report = {
        "status": "ok" if healthy else "erreur",
        "database": {"ok": True},
        "worker": {
            "ok": worker_ok,
            "last_heartbeat": last.isoformat() if last else None,
            "age_s": round(age, 1) if age is not None else None,
        },
        "queue": {"tasks_waiting": waiting, "imports_waiting_or_running": imports},
    }
    return healthy, report


def silent_batches(now):
    """Q of the batches « en cours » whose worker fell silent for STALE_AFTER at `now`."""
    from django.db.models import Q

    from .models import ImportBatch

    limit = now - STALE_AFTER
    silent = Q(heartbeat_at__lt=limit) | Q(
        heartbeat_at__isnull=True, created_at__lt=limit, started_at__isnull=True
    )
    silent |= Q(heartbeat_at__isnull=True, started_at__lt=limit)
    return silent & Q(status=ImportBatch.Status.RUNNING)


def interrupted_fields(attempts: int = 1) -> dict:
    """What an interrupted batch records: its step and its French reason."""
    reason = _(
        "Traitement interrompu (processus arrêté ou machine redémarrée) : rien n'est enregistré. "
        "Relancez l'import."
    )
    if attempts > 1:
        reason = _(
            "Traitement interrompu %(count)s fois (processus arrêté ou machine redémarrée) : "
            "rien n'est enregistré et le fichier reçu est supprimé. Vérifiez sa taille et "
            "relancez l'import."
        ) % {"count": attempts}
    return {
        "step": _("Échec : traitement interrompu."),
        "errors": [RowError(0, "", reason).as_dict()],
    }


def recent_batches(limit: int = 20):
    """The latest import batches, newest first, with who imported them.

    A batch whose worker fell silent is shown as failed (without writing: a page only reads;
    the worker and `pfspilot reap_imports` record it), so the page stops polling.
    """
    from .models import ImportBatch

    batches = list(ImportBatch.objects.select_related("created_by")[:limit])
    now = timezone.now()
    silent = set(
        ImportBatch.objects.filter(silent_batches(now), pk__in=[b.pk for b in batches]).values_list(
            "pk", flat=True
        )
    )
    for batch in batches:
        if batch.pk in silent:
            batch.status, batch.progress, batch.finished_at = ImportBatch.Status.FAILED, 1.0, now
            for name, value in interrupted_fields().items():
                setattr(batch, name, value)
    return batches


def stored_range() -> tuple[date, date] | None:
    """First and last local day of the stored calls and emails (None when there are none)."""
    from django.db.models import Max, Min

    from .models import Call, Email

    bounds = [
        Call.objects.aggregate(first=Min("arrival"), last=Max("arrival")),
        Email.objects.aggregate(first=Min("received_at"), last=Max("received_at")),
    ]
    days = [
        timezone.localtime(value).date()
        for bound in bounds
        for value in (bound["first"], bound["last"])
        if value is not None
    ]
    return (min(days), max(days)) if days else None

"""Writes of the contacts app: loading canonical frames and import files into the database.

Loading goes by chunks of prepared values (SQLite `executemany` of 500-row INSERT statements,
PostgreSQL `COPY`), never ORM objects: a million calls load in seconds. Inserts skip
records already present (ON CONFLICT DO NOTHING on the natural key), so re-imports add nothing.
A load much bigger than the table (first import, demo year) rebuilds the indexes once at the end,
and on PostgreSQL a source with no stored rows is copied straight into the table.
"""

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.engine import records
from pfspilot.engine.records import TIMEZONE
from pfspilot.formatting import fr_figure
from pfspilot.people.selectors import accounts_frame, teams_frame

from .mapping import FIELD_TYPES, MappingError, load_mapping
from .models import ImportBatch
from .reader import LINE, RowError, canonical_schema, file_sha256, read_file
from .selectors import interrupted_fields, silent_batches, stored_records
from .signals import records_imported
from .storage import LAYOUTS

CHUNK_ROWS = 100_000
BULK_THRESHOLD = 50_000
STORED_ERRORS = 1000
# Page cache of an SQLite import (negative: KiB), given back when the load ends.
SQLITE_IMPORT_CACHE_KIB = -1_048_576
SQLITE_ROWS_PER_STATEMENT = 500
PARIS = TIMEZONE
STEP_LENGTH = ImportBatch._meta.get_field("step").max_length
# Longer than any single silent stage: the SQLite write of a 1 GiB file reports nothing.
logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None] | None


@dataclass
class FileReport:
    file: str
    status: str
    rows_read: int = 0
    inserted: int = 0
    ignored: int = 0
    errors: list[RowError] = field(default_factory=list)
    batch_id: int | None = None
    # Known records whose values differ in the file: (line, identifier), updated or not.
    changed: list[tuple[int, str]] = field(default_factory=list)
    updated: int = 0

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "status": str(self.status),
            "rows_read": self.rows_read,
            "added": self.inserted,
            "ignored": self.ignored,
            "changed": [{"line": line, "id": key} for line, key in self.changed],
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class ImportReport:
    kind: str
    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.status != ImportBatch.Status.FAILED for f in self.files)

    @property
    def inserted(self) -> int:
        return sum(f.inserted for f in self.files)

    @property
    def errors(self) -> list[RowError]:
        return [e for f in self.files for e in f.errors]

    def as_dict(self) -> dict:
        """`import --json` (README, « Contrats ») : keys in English like every command."""
        return {
            "kind": self.kind,
            "added": self.inserted,
            "files": [f.as_dict() for f in self.files],
        }


def import_files(
    *, kind, paths, mapping, user=None, progress: Progress = None, update: bool = False
) -> ImportReport:
    """Imports each file in its own transaction; a file with any bad row writes nothing.

    Rows of known records (same source and identifier) whose values differ are reported;
    with `update` they replace the stored values (the previous ones stay in the history)."""
    profile = load_mapping(mapping)
    profile.for_kind(kind)
    reap_stale_batches()
    report = ImportReport(kind=kind)
    for path in paths:
        path = Path(path)
        batch = ImportBatch.objects.create(
            kind=kind,
            file_name=path.name,
            stored_path=str(path),
            mapping=profile.name,
            created_by=user,
            update=update,
        )
        report.files.append(run_batch(batch=batch, mapping=profile, progress=progress))
    return report


def run_batch(*, batch: ImportBatch, mapping=None, progress: Progress = None) -> FileReport:
    """Reads, checks and loads the file of one batch, keeping the batch's state up to date.

    The batch always ends done, duplicate or failed: a refused file lists its errors, any other
    failure (unreadable profile, a reader or database error) leaves one French reason naming
    the stage, never the exception's text (it may quote the file's values). Progress is
    recorded on the batch (`record_progress`) and passed on to `progress` (the CLI's lines).
    """
    stage = [_("la lecture du fichier")]
    try:
        return _run_batch(batch, mapping, progress, stage)
    except MappingError as exc:
        reason = _("Profil de correspondance inutilisable : %(message)s") % {"message": exc}
    except Exception as exc:
        # The class only: an exception's message may quote a caller identifier from the file.
        logger.error("import %s interrompu pendant %s : %s", batch.pk, stage[0], type(exc).__name__)
        reason = _(
            "Erreur inattendue pendant %(stage)s (%(error)s) : rien n'est enregistré. "
            "Vérifiez le fichier et le profil, puis relancez l'import."
        ) % {"stage": stage[0], "error": type(exc).__name__}
    _finish(
        batch,
        ImportBatch.Status.FAILED,
        step=_("Échec : rien n'est enregistré."),
        errors=[RowError(0, "", reason).as_dict()],
    )
    return FileReport(
        batch.file_name,
        ImportBatch.Status.FAILED,
        errors=[RowError(0, "", reason, batch.file_name)],
        batch_id=batch.pk,
    )


def _run_batch(batch: ImportBatch, mapping, progress: Progress, stage: list[str]) -> FileReport:
    path = Path(batch.stored_path)
    batch.status, batch.started_at = ImportBatch.Status.RUNNING, timezone.now()
    batch.step, batch.heartbeat_at = _("Lecture du fichier"), batch.started_at
    batch.attempts += 1
    batch.save(update_fields=["status", "started_at", "step", "heartbeat_at", "attempts"])
    profile = load_mapping(mapping or batch.mapping)
    report_progress = _BatchProgress(batch.pk, progress)

    # A file over the size limit is refused by the reader before any byte is read.
    if path.is_file() and path.stat().st_size <= settings.IMPORT_MAX_BYTES:
        digest = file_sha256(path)
        already = (
            ImportBatch.objects.filter(
                kind=batch.kind, sha256=digest, status=ImportBatch.Status.DONE
            )
            .exclude(pk=batch.pk)
            .first()
        )
        if already is not None:
            message = _("Fichier déjà importé le %(date)s : rien n'est ajouté.") % {
                "date": timezone.localtime(already.finished_at or already.created_at).strftime(
                    "%d/%m/%Y %H:%M"
                )
            }
            report_progress(1.0, f"{path.name} : {message}")
            _finish(batch, ImportBatch.Status.DUPLICATE, sha256=digest, step=message)
            return FileReport(path.name, ImportBatch.Status.DUPLICATE, batch_id=batch.pk)

    result = read_file(batch.kind, path, profile, progress=report_progress)
    if not result.errors:
        result.errors = unknown_teams(batch.kind, result, profile, path.name)
    file_report = FileReport(
        path.name,
        ImportBatch.Status.FAILED,
        rows_read=result.frame.height,
        ignored=result.ignored,
        errors=result.errors,
        batch_id=batch.pk,
    )
    if result.errors:
        _finish(
            batch,
            ImportBatch.Status.FAILED,
            sha256=result.sha256,
            rows_read=result.frame.height,
            errors=[e.as_dict() for e in result.errors[:STORED_ERRORS]],
            step=_("Refusé : %(count)s erreur(s), aucune ligne enregistrée.")
            % {"count": fr_figure(len(result.errors), "count")},
        )
        return file_report
    stage[0] = _("l'écriture en base")
    # Said before the transaction opens: on SQLite nothing more can be said until it ends.
    record_progress(
        batch.pk, 0.5 if _progress_inside_transaction() else None, _("Écriture en base")
    )
    scale = profile.for_kind(batch.kind).scale
    changed = changed_rows(batch.kind, result.frame, result.lines, source=profile.source)
    file_report.changed = [
        (int(line), str(key)) for line, key in changed.select(LINE, "__key").iter_rows()
    ]
    # The records, the batch's « done » and the days left to rebuild commit together: a worker
    # killed before the commit leaves nothing (the batch is reaped), one killed after it leaves
    # a done batch whose sums the periodic job rebuilds (`pending_rebuilds`).
    with transaction.atomic():
        inserted = import_frame(
            kind=batch.kind,
            frame=result.frame,
            source=profile.source,
            scale=scale,
            batch=batch,
            progress=lambda f, m: report_progress(0.5 + f / 2, f"{path.name} : {m}"),
        )
        updated = 0
        if batch.update and changed.height:
            updated = update_rows(
                batch.kind,
                changed.drop(LINE, "__key"),
                source=profile.source,
                scale=scale,
                batch=batch,
            )
        rebuild = _period(batch.kind, result.frame) if (inserted or updated) else None
        if rebuild and updated:
            # A correction may move a record to another day: the days around are summed again.
            rebuild = (rebuild[0] - dt.timedelta(days=1), rebuild[1] + dt.timedelta(days=1))
        file_report.status, file_report.inserted = ImportBatch.Status.DONE, inserted
        file_report.updated = updated
        _finish(
            batch,
            ImportBatch.Status.DONE,
            sha256=result.sha256,
            rows_read=result.frame.height,
            rows=inserted,
            rows_changed=changed.height,
            rebuild_start=rebuild[0] if rebuild else None,
            rebuild_end=rebuild[1] if rebuild else None,
            step=_done_step(inserted, result, changed.height, updated, batch.update),
        )
        if rebuild:
            transaction.on_commit(
                lambda: records_imported.send_robust(
                    sender=LAYOUTS[batch.kind].model,
                    kind=batch.kind,
                    start=rebuild[0],
                    end=rebuild[1],
                    batch_id=batch.pk,
                )
            )
    return file_report


def _done_step(inserted, result, changed: int, updated: int, update: bool) -> str:
    step = _("%(inserted)s ajoutée(s) sur %(read)s lue(s), %(ignored)s ignorée(s).") % {
        "inserted": fr_figure(inserted, "count"),
        "read": fr_figure(result.frame.height, "count"),
        "ignored": fr_figure(result.ignored, "count"),
    }
    if changed and update:
        step += " " + _("%(count)s modifiée(s).") % {"count": fr_figure(updated, "count")}
    elif changed:
        step += " " + _(
            "%(count)s déjà importée(s) avec d'autres valeurs, non modifiée(s) "
            "(option --update pour les mettre à jour)."
        ) % {"count": fr_figure(changed, "count")}
    return step


def _period(kind: str, frame: pl.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last local day of the records of `frame` (None when empty)."""
    if frame.is_empty():
        return None
    period = frame[LAYOUTS[kind].period_field]
    if period.dtype != pl.Date:
        period = period.dt.date()
    return period.min(), period.max()


# Canonical fields a stored record is compared on: the team only where the file gives one
# (without it the loader fills the agent's team).
def changed_rows(kind: str, frame: pl.DataFrame, lines, *, source: str) -> pl.DataFrame:
    """Rows of `frame` whose record is stored already (same source and identifier) with other
    values; columns: the canonical ones, LINE (the file's line) and "__key" (the identifier)."""
    schema = records.SCHEMA[kind]
    layout = LAYOUTS[kind]
    empty = frame.clear().with_columns(
        pl.lit(None, pl.Int64).alias(LINE), pl.lit(None, pl.String).alias("__key")
    )
    period = _period(kind, frame)
    if period is None or not _has_rows(layout, source):
        return empty
    stored = stored_records(
        kind, period[0] - dt.timedelta(days=1), period[1] + dt.timedelta(days=1), source=source
    )
    if stored.is_empty():
        return empty
    keys = list(schema.identifiers)
    lines = lines if lines is not None else pl.int_range(2, frame.height + 2, eager=True)
    numbered = frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
    joined = numbered.join(stored, on=keys, how="inner", suffix="__stored")
    differs = []
    for spec in schema.fields:
        if spec.identifier:
            continue
        new, old = pl.col(spec.name), pl.col(f"{spec.name}__stored")
        change = new.ne_missing(old)
        if spec.name == "team":
            change = new.is_not_null() & change
        differs.append(change)
    if not differs:
        return empty
    found = joined.filter(pl.any_horizontal(differs)).sort(LINE)
    key = pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=" / ")
    return found.select(*frame.columns, LINE, key.alias("__key"))


def update_rows(kind: str, frame: pl.DataFrame, *, source: str, scale, batch) -> int:
    """Replaces the stored values of the known records of `frame` (canonical), one save each:
    the history keeps the previous version with the batch as its reason. Returns rows updated."""
    layout = LAYOUTS[kind]
    prepared = _prepare(kind, frame, source=source, scale=scale, chronological=False)
    canonical = records.as_instants(frame).select(records.SCHEMA[kind].names)
    reason = _("Mise à jour par l'import n° %(id)s") % {"id": batch.pk}
    updated = 0
    for values, linked in zip(
        canonical.iter_rows(named=True), prepared.iter_rows(named=True), strict=True
    ):
        record = layout.model.objects.get(**{c: linked[c] for c in layout.conflict})
        if not record.history.exists():
            # Bulk-loaded records have no history yet: their imported version is kept first.
            record._change_reason = _("Version importée (avant mise à jour)")
            record.save()
        for column, name in layout.columns:
            if column in ("source", "batch_id"):
                continue
            value = linked[column] if name is None else values[name]
            if isinstance(value, str) and not value.strip():
                value = None
            setattr(record, column, value)
        record._change_reason = reason
        record.save()
        updated += 1
    return updated


def unknown_teams(kind: str, result, profile, file_name: str = "") -> list[RowError]:
    """Team names of a read file that name no team of the platform, each at its first line.

    Teams are created by an administrator, never by an import: a misspelt name would otherwise
    start a team of its own in the sums, silently."""
    if "team" not in records.SCHEMA[kind].names or result.frame.is_empty():
        return []
    known = teams_frame()["team_name"].to_list()
    lines = (
        result.lines
        if result.lines is not None
        else pl.int_range(2, result.frame.height + 2, eager=True)
    )
    found = (
        result.frame.select("team")
        .with_columns(lines.alias("__line"))
        .filter(pl.col("team").is_not_null() & ~pl.col("team").is_in(known))
        .group_by("team")
        .agg(pl.col("__line").min(), pl.len().alias("__count"))
        .sort("__line")
    )
    column = profile.for_kind(kind).columns.get("team")
    label = column.label if column else "team"
    return [
        RowError(
            int(line),
            label,
            _(
                "équipe inconnue « %(team)s » (%(count)s ligne(s)) : créez-la dans "
                "l'administration ou corrigez le fichier ; un import ne crée pas d'équipe."
            )
            % {"team": team[:40], "count": fr_figure(count, "count")},
            file_name,
        )
        for team, line, count in found.head(STORED_ERRORS).iter_rows()
    ]


def _rows_message(done: int, total: int, what: str) -> str:
    return f"{fr_figure(done, 'count')} / {fr_figure(total, 'count')} {what}"


def _finish(batch: ImportBatch, status: str, **values) -> None:
    batch.status, batch.progress, batch.finished_at = status, 1.0, timezone.now()
    batch.heartbeat_at = batch.finished_at
    for name, value in values.items():
        setattr(batch, name, value)
    batch.step = batch.step[:STEP_LENGTH]
    batch.save()


class _BatchProgress:
    """Progress of one batch: recorded every 5 % (the page polls every 2 s), then passed on
    to the caller's own callback at every call."""

    def __init__(self, batch_id: int, forward: Progress):
        self.batch_id, self.forward, self.last = batch_id, forward, -1.0

    def __call__(self, fraction: float, message: str) -> None:
        if fraction - self.last >= 0.05 or fraction >= 1.0:
            self.last = fraction
            record_progress(self.batch_id, fraction, message)
        if self.forward:
            self.forward(fraction, message)


def _progress_inside_transaction() -> bool:
    """Whether progress can be committed while the import's transaction is open.

    PostgreSQL: yes, through a second connection (row locks only: the import never touches the
    batch's row). SQLite: no, a database has one writer at a time and the import is it.
    """
    return connection.vendor == "postgresql"


def record_progress(batch_id: int, fraction: float | None, step: str) -> None:
    """Writes a batch's progress (None: unknown) and heartbeat so that the page sees it now.

    Outside a transaction, a plain autocommit UPDATE. Inside the import's transaction, the
    same UPDATE through a second connection, committed at once (PostgreSQL); where that is
    impossible (SQLite) nothing is written: the step recorded before the transaction stands.
    """
    values = {"progress": fraction, "step": step[:STEP_LENGTH], "heartbeat_at": timezone.now()}
    if not connection.in_atomic_block:
        ImportBatch.objects.filter(pk=batch_id).update(**values)
        return
    if not _progress_inside_transaction():
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        side.set_autocommit(True)
        quote = side.ops.quote_name
        table = ImportBatch._meta.db_table
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote('progress')} = %s, {quote('step')} = %s, "
                f"{quote('heartbeat_at')} = %s WHERE {quote('id')} = %s",
                [
                    fraction,
                    values["step"],
                    side.ops.adapt_datetimefield_value(values["heartbeat_at"]),
                    batch_id,
                ],
            )
    finally:
        side.close()


def reap_stale_batches(*, now=None) -> int:
    """Closes the batches « en cours » whose worker fell silent; returns how many.

    A running batch records a heartbeat at each progress step (every 5 % at most); one silent
    for STALE_AFTER lost its worker (killed, machine restarted): nothing of it was committed,
    since a file is loaded in one transaction with its « done ». An uploaded file still on disk
    is queued once more (MAX_ATTEMPTS runs in all); otherwise, or after its last attempt, the
    batch is failed with a French reason and the upload deleted. Called by the worker's task,
    `pfspilot import`, `pfspilot tick` and `pfspilot reap_imports`; pages only read, and show
    such a batch as failed already (`selectors.recent_batches`).
    """
    from .tasks import run_import

    now = now or timezone.now()
    reaped = 0
    for batch in ImportBatch.objects.filter(silent_batches(now)):
        path = Path(batch.stored_path)
        retry = batch.attempts < MAX_ATTEMPTS and is_upload(path) and path.is_file()
        with transaction.atomic():
            # Compare-and-set: another reaper (tick and worker) may have closed it meanwhile.
            values = (
                {
                    "status": ImportBatch.Status.PENDING,
                    "heartbeat_at": None,
                    "started_at": None,
                    "progress": 0.0,
                    "step": _("Relancé après une interruption du traitement"),
                }
                if retry
                else {
                    "status": ImportBatch.Status.FAILED,
                    "progress": 1.0,
                    "finished_at": now,
                    **interrupted_fields(batch.attempts),
                }
            )
            claimed = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.RUNNING
            ).update(**values)
            if not claimed:
                continue
            reaped += 1
            _close_lost_tasks(batch.pk, now)
            if retry:
                transaction.on_commit(lambda pk=batch.pk: run_import.enqueue(pk))
        if not retry:
            discard_upload(path)
    return reaped


MAX_ATTEMPTS = 2
LOST_TASK = "pfspilot.contacts.services.WorkerLost"


def _close_lost_tasks(batch_id: int, now) -> None:
    """The queue's record of a job whose worker died stays « en cours » forever: it is closed
    as failed (the batch carries the French reason; the retry is a job of its own)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path__endswith=".run_import",
        args_kwargs__args=[batch_id],
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=LOST_TASK,
        traceback="Processus du worker arrêté pendant la tâche (import repris ou en échec).",
    )


def is_upload(path: Path) -> bool:
    """Whether `path` is a copy received by the upload page (deleted once processed), not a
    file given to `pfspilot import` (the user's own, never deleted)."""
    directory = Path(settings.IMPORT_UPLOAD_DIR).resolve()
    return path.resolve().parent == directory


def discard_upload(path: Path) -> None:
    """Deletes an upload: it holds raw caller identifiers, only fingerprints are kept."""
    if is_upload(path):
        path.unlink(missing_ok=True)


def purge_uploads(*, now=None) -> int:
    """Deletes the uploads no waiting or running batch needs (a worker killed before its
    `finally`, a batch reaped elsewhere); returns how many. Run by `pfspilot tick`."""
    from .selectors import STALE_AFTER

    now = now or timezone.now()
    directory = Path(settings.IMPORT_UPLOAD_DIR)
    if not directory.is_dir():
        return 0
    needed = {
        Path(p).name
        for p in ImportBatch.objects.filter(
            status__in=[ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING]
        ).values_list("stored_path", flat=True)
    }
    removed = 0
    for path in directory.iterdir():
        if not path.is_file() or path.name in needed:
            continue
        # An upload being written has no batch yet: only files older than STALE_AFTER go.
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        if now - modified > STALE_AFTER:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def mark_rebuilt(batch_id: int, start: dt.date, end: dt.date) -> None:
    """Clears a batch's pending rebuild once its sums cover [start, end]."""
    ImportBatch.objects.filter(pk=batch_id, rebuild_start__gte=start, rebuild_end__lte=end).update(
        rebuild_start=None, rebuild_end=None
    )


def beat(worker_id: str, *, started_at=None) -> None:
    """Records a worker's sign of life (`pfspilot worker`, every HEARTBEAT_EVERY)."""
    from .models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": now},
        create_defaults={"beat_at": now, "started_at": started_at or now},
    )


def worker_stopped(worker_id: str) -> None:
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


class UndoRefused(Exception):
    """The batch cannot be undone; the message is French."""


def undo_batch(*, batch: ImportBatch, user) -> int:
    """Removes the records a batch added and restores the ones it updated; returns how many.

    The batch stays, « annulé », with who undid it and when (its history is the audit trail);
    its days are marked for a rebuild in the same transaction, rebuilt after the commit
    (`records_imported`) or by the periodic job if that fails.
    """
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.DONE:
            raise UndoRefused(
                _("Seul un import terminé peut être annulé (état : %(status)s).")
                % {"status": locked.get_status_display()}
            )
        layout = LAYOUTS[locked.kind]
        model = layout.model
        stored = model.objects.filter(batch=locked)
        period = stored.aggregate(
            first=models.Min(layout.period_field), last=models.Max(layout.period_field)
        )
        _detach(model, stored)
        # One DELETE, not an object per record (nor a history row each): the batch's history
        # records the undoing.
        removed = stored._raw_delete(stored.db)
        restored = _restore_updates(model, locked)
        days = [period["first"], period["last"], locked.rebuild_start, locked.rebuild_end]
        days = [timezone.localtime(d).date() if isinstance(d, dt.datetime) else d for d in days]
        days = [d for d in days if d is not None]
        locked.status = ImportBatch.Status.UNDONE
        locked.undone_at, locked.undone_by = timezone.now(), user
        locked.step = _("Annulé : %(count)s enregistrement(s) retiré(s).") % {
            "count": fr_figure(removed + restored, "count")
        }
        if days:
            locked.rebuild_start, locked.rebuild_end = min(days), max(days)
        locked._change_reason = _("Import annulé")
        locked._history_user = user
        locked.save()
        if days:
            start, end = min(days), max(days)
            transaction.on_commit(
                lambda: records_imported.send_robust(
                    sender=model, kind=locked.kind, start=start, end=end, batch_id=locked.pk
                )
            )
    return removed + restored


def _detach(model, records_qs) -> None:
    """Empties the links other apps hold to `records_qs` (their foreign keys are SET_NULL,
    e.g. the agent's call record to its telephony record) before the records go."""
    for relation in model._meta.related_objects:
        if relation.on_delete is not models.SET_NULL or relation.related_model._meta.auto_created:
            continue
        name = relation.field.name
        relation.related_model._base_manager.filter(**{f"{name}__in": records_qs}).update(
            **{name: None}
        )


def _restore_updates(model, batch: ImportBatch) -> int:
    """Puts back the version before each update made by `batch` (its history reason)."""
    reason = _("Mise à jour par l'import n° %(id)s") % {"id": batch.pk}
    restored = 0
    for version in model.history.filter(history_change_reason=reason).order_by("-history_id"):
        previous = version.prev_record
        record = model.objects.filter(pk=version.id).first()
        if previous is None or record is None:
            continue
        for column in model._meta.concrete_fields:
            if column.name not in ("id", "batch"):
                setattr(record, column.attname, getattr(previous, column.attname))
        record._change_reason = _("Annulation de l'import n° %(id)s") % {"id": batch.pk}
        record.save()
        restored += 1
    return restored


@transaction.atomic
def import_frame(
    *,
    kind: str,
    frame: pl.DataFrame,
    source: str,
    scale: str | None = None,
    progress: Progress = None,
    batch: ImportBatch | None = None,
) -> int:
    """Loads a canonical frame (columns of `pfspilot.engine.records`); returns rows added.

    Caller identifiers must already be fingerprints (`reader.hash_caller`); records whose
    natural key exists are skipped. Without a `batch` (the demo, tests) sends
    `records_imported` after the commit; a batch's run sends it itself (`_run_batch`).
    """
    if frame.is_empty():
        return 0
    layout = LAYOUTS[kind]
    bulk = _is_bulk(layout.model, frame.height)
    # A bulk SQLite load is fed in key order below: ordering it by time first is wasted work.
    by_key = bulk and connection.vendor == "sqlite"
    prepared = _prepare(
        kind,
        frame,
        source=source,
        scale=scale,
        chronological=not by_key,
        batch_id=batch.pk if batch else None,
    )
    table = layout.model._meta.db_table
    columns = [c for c, _ in layout.columns]
    fresh = not _has_rows(layout, source)
    if fresh:
        # Nothing stored can conflict: only repeats inside the frame are left to drop.
        prepared = prepared.unique(subset=list(layout.conflict), keep="first", maintain_order=True)
    if by_key:
        # SQLite keeps its unique index during the load: feed it in key order, it only appends.
        prepared = prepared.sort(list(layout.conflict))
    with _sqlite_cache(), _bulk_indexes(layout.model, bulk=bulk, fresh=fresh):
        if connection.vendor == "postgresql":
            inserted = _insert_postgresql(
                table, columns, layout.conflict, prepared, progress, fresh=fresh
            )
        else:
            inserted = _insert_sqlite(table, columns, layout.conflict, prepared, progress)
    if inserted and batch is None:
        period = frame[layout.period_field]
        if period.dtype != pl.Date:
            period = period.dt.date()
        start, end = period.min(), period.max()
        # Robust: the records are committed whatever a listener does (its errors are logged).
        transaction.on_commit(
            lambda: records_imported.send_robust(
                sender=layout.model, kind=kind, start=start, end=end
            )
        )
    return inserted


def _is_bulk(model, incoming: int) -> bool:
    return incoming >= BULK_THRESHOLD and model.objects.count() * 4 <= incoming


@contextmanager
def _bulk_indexes(model, *, bulk: bool, fresh: bool):
    """Rebuilds the indexes once after a load four times the table, not row by row.

    Inside the import transaction: a failure restores them with everything else. The unique
    constraint decides which rows are new, so it is only set aside on PostgreSQL when no stored
    row can conflict (SQLite cannot drop a table constraint without rebuilding the table).
    """
    if not bulk:
        yield
        return
    postgres = connection.vendor == "postgresql"
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []
    indexes = model._meta.indexes
    constraints = model._meta.constraints if (postgres and fresh) else []
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")
        for constraint in constraints:
            cursor.execute(str(constraint.remove_sql(model, editor)))
    yield
    with connection.cursor() as cursor:
        if postgres:
            # PostgreSQL refuses CREATE INDEX while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for constraint in constraints:
            cursor.execute(str(constraint.create_sql(model, editor)))
        for index in indexes:
            cursor.execute(str(index.create_sql(model, editor)))
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _prepare(
    kind: str,
    frame: pl.DataFrame,
    *,
    source: str,
    scale: str | None,
    chronological: bool = True,
    batch_id: int | None = None,
) -> pl.DataFrame:
    """Canonical frame → database columns (text for timestamps, UTC; ids of known people)."""
    layout = LAYOUTS[kind]
    schema = canonical_schema(kind)
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"colonnes canoniques absentes : {', '.join(missing)}")
    # Chronological order: the date index grows at its end and row ids follow time.
    frame = records.as_instants(frame).select(pl.col(c).cast(schema[c]) for c in schema)
    if chronological:
        frame = frame.sort(layout.period_field, maintain_order=True)
    frame = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
        for c, t in schema.items()
        if t == pl.String
    )
    postgres = connection.vendor == "postgresql"
    values = []
    for column, canonical in layout.columns:
        if canonical is None:
            continue
        expr = pl.col(canonical)
        kind_of_value = FIELD_TYPES[kind][canonical]
        if kind_of_value == "datetime":
            expr = _utc_text(frame[canonical], postgres)
        elif kind_of_value == "date":
            expr = expr.dt.strftime("%Y-%m-%d")
        values.append(expr.alias(column))
    prepared = frame.select(values)
    if "source" in dict(layout.columns):
        prepared = prepared.with_columns(source=pl.lit(source, dtype=pl.String))
    if kind == "surveys":
        prepared = prepared.with_columns(scale=pl.lit(scale, dtype=pl.String))
    prepared = prepared.with_columns(batch_id=pl.lit(batch_id, dtype=pl.Int64))
    if "agent_id" in dict(layout.columns):
        prepared = _resolve_people(prepared)
    return prepared.select(c for c, _ in layout.columns)


def _utc_text(series: pl.Series, postgres: bool) -> pl.Series:
    """Instants (records.INSTANT) → UTC text as each backend stores it (eager: one pass)."""
    utc = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    if postgres:
        return utc.dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00")
    # Django's SQLite text form: microseconds only when non-zero, so lookups compare equal.
    if (utc.dt.microsecond() != 0).any():
        return pl.select(
            pl.when(utc.dt.microsecond() == 0)
            .then(utc.dt.strftime("%Y-%m-%d %H:%M:%S"))
            .otherwise(utc.dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
        ).to_series()
    return utc.dt.strftime("%Y-%m-%d %H:%M:%S")


def _resolve_people(prepared: pl.DataFrame) -> pl.DataFrame:
    """Links agent codes to accounts (username) and team names to teams; fills a missing team."""
    users = accounts_frame().rename(
        {"username": "agent_code", "user_id": "agent_id", "user_team_id": "u_team_id"}
    )
    users = users.rename({"user_team": "u_team"})
    teams = teams_frame().rename({"team_name": "team_code"})
    prepared = prepared.join(users, on="agent_code", how="left", maintain_order="left")
    prepared = prepared.with_columns(team_code=pl.coalesce("team_code", "u_team"))
    prepared = prepared.join(teams, on="team_code", how="left", maintain_order="left")
    return prepared.with_columns(team_id=pl.coalesce("team_id", "u_team_id"))


def _insert_sqlite(table, columns, conflict, prepared, progress) -> int:
    connection.ensure_connection()
    raw = connection.connection
    # The source is one value per file: written once into the statement, not bound per row.
    constants = {c: prepared[c][0] for c in ("source",) if c in columns}
    bound = [c for c in columns if c not in constants]
    row = "(" + ", ".join(_sql_literal(constants[c]) if c in constants else "?" for c in columns)
    row += ")"
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    # Several rows per statement: the per-statement work is paid once per group, not per row.
    per_statement = max(1, min(SQLITE_ROWS_PER_STATEMENT, limit // len(bound)))

    def statement(rows: int) -> str:
        return (
            f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES {", ".join([row] * rows)} '
            f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
        )

    prepared = prepared.select(bound)
    total, width = prepared.height, len(bound)

    def groups(offset: int) -> list[list]:
        """Flat parameter lists of `per_statement` rows each, the last one possibly shorter."""
        chunk = prepared.slice(offset, CHUNK_ROWS)
        columns_data = [c.to_list() for c in chunk.iter_columns()]
        flat = list(chain.from_iterable(zip(*columns_data, strict=True)))
        step = per_statement * width
        return [flat[i : i + step] for i in range(0, len(flat), step)]

    inserted = 0
    full = statement(per_statement)
    cursor = raw.cursor()
    try:
        # SQLite releases the GIL while it writes: the next chunk's parameters build meanwhile.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(groups, 0)
            for offset in range(0, total, CHUNK_ROWS):
                batch = pending.result()
                if offset + CHUNK_ROWS < total:
                    pending = pool.submit(groups, offset + CHUNK_ROWS)
                last = batch.pop() if len(batch[-1]) < per_statement * width else None
                if batch:
                    cursor.executemany(full, batch)
                    # rowcount, not total_changes: progress updates share this connection.
                    inserted += max(cursor.rowcount, 0)
                if last:
                    cursor.execute(statement(len(last) // width), last)
                    inserted += max(cursor.rowcount, 0)
                if progress:
                    done = min(offset + CHUNK_ROWS, total)
                    progress(done / total, _rows_message(done, total, _("lignes écrites")))
    finally:
        cursor.close()
    return inserted


@contextmanager
def _sqlite_cache():
    """A page cache big enough for one load, given back afterwards.

    It keeps the table and its B-trees in memory while a big batch goes in, while the indexes
    are rebuilt and until the commit writes them out once.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache}")


def _sql_literal(value) -> str:
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def _has_rows(layout, source: str) -> bool:
    """Whether a conflict with stored rows is possible at all."""
    queryset = layout.model.objects.all()
    if "source" in layout.conflict:
        queryset = queryset.filter(source=source)
    return queryset.exists()


def _insert_postgresql(table, columns, conflict, prepared, progress, *, fresh: bool) -> int:
    connection.ensure_connection()
    names = ", ".join(columns)
    if fresh:
        # Nothing stored can conflict and the frame has no repeats: COPY straight in.
        with connection.connection.cursor() as cursor:
            _copy_chunks(cursor, table, names, prepared, progress, share=0.95)
        if progress:
            progress(1.0, _rows_message(prepared.height, prepared.height, _("lignes écrites")))
        return prepared.height
    temp = f"import_{table}"
    with connection.connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(
            f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA"
        )
        total = prepared.height
        _copy_chunks(cursor, temp, names, prepared, progress, share=0.8)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {temp} "
            f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {temp}")
    if progress:
        progress(1.0, _rows_message(total, total, _("lignes écrites")))
    return inserted


@transaction.atomic
def start_upload(*, kind: str, mapping: str, upload, user) -> ImportBatch:
    """Stores an uploaded export and queues its import (the request does no parsing)."""
    import shutil
    import uuid

    from .tasks import run_import

    profile = load_mapping(mapping)
    profile.for_kind(kind)
    directory = Path(settings.IMPORT_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    safe_name = Path(upload.name).name.replace(" ", "_")[-150:]
    target = directory / f"{uuid.uuid4().hex}_{safe_name}"
    if hasattr(upload, "temporary_file_path"):
        shutil.move(upload.temporary_file_path(), target)
    else:
        with target.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    batch = ImportBatch.objects.create(
        kind=kind,
        file_name=Path(upload.name).name,
        stored_path=str(target),
        mapping=profile.name,
        created_by=user,
        step=_("En attente du traitement"),
    )
    transaction.on_commit(lambda: run_import.enqueue(batch.pk))
    return batch


def _copy_chunks(cursor, table, names, prepared, progress, *, share: float) -> None:
    total = prepared.height
    for offset in range(0, total, CHUNK_ROWS):
        chunk = prepared.slice(offset, CHUNK_ROWS)
        # One COPY per chunk: the connection is free between them for progress updates.
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(chunk.write_csv(include_header=False, null_value=""))
        if progress:
            done = min(offset + CHUNK_ROWS, total)
            progress(share * done / total, _rows_message(done, total, _("lignes transmises")))

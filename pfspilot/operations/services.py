"""Backups and restores of the whole platform: the database, the uploads, and a manifest.

A backup is a folder `pfspilot-AAAAMMJJ-HHMMSS/` holding:
- `database.sqlite3` (SQLite: the online backup API, consistent while the server writes) or
  `database.dump` (PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore`);
- `uploads.tar.gz`: the import folder (files waiting for the worker);
- `manifest.json`: date, engine, rows per table, and the fingerprint of CALLER_HASH_KEY (a
  SHA-256 of the key, never the key itself).

The hash key is not in the backup (it is a secret, kept with the settings: docs/deploy.md), but
a restore checks that the key in force is the one the backup was made with: with another key,
the stored caller fingerprints could no longer be matched with new calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
UPLOADS_FILE = "uploads.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is French and names the cause."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    engine: str
    counts: dict[str, int]


def key_fingerprint(key: str | None = None) -> str:
    """SHA-256 of CALLER_HASH_KEY (hex): tells two keys apart without revealing either."""
    value = settings.CALLER_HASH_KEY if key is None else key
    return hashlib.sha256(value.encode()).hexdigest()


def _tables() -> list[str]:
    """Tables of the project's models (proxies and unmanaged models left out)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }
    return sorted(tables)


def row_counts() -> dict[str, int]:
    """Rows of every table of the models, read through the default connection."""
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return {
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in _tables()
        }
    finally:
        db.close()


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Base de données non prise en charge : %(v)s.") % {"v": vendor})
    return vendor


def _pg_command(program: str, *args: str) -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            _("%(p)s est introuvable : installez postgresql-client (même version que le serveur).")
            % {"p": program}
        )
    command = [binary]
    if db.get("HOST"):
        command += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", str(db["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return command + list(args), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1:] or [""]
        raise BackupError(
            _("%(what)s a échoué (code %(code)s) : %(detail)s")
            % {"what": what, "code": result.returncode, "detail": detail[0]}
        )


def _sqlite_path() -> Path:
    return Path(connections["default"].settings_dict["NAME"])


def _copy_sqlite(source: Path, target: Path) -> None:
    """Online copy with SQLite's backup API: consistent even while another process writes."""
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _uploads_dir() -> Path:
    return Path(settings.IMPORT_UPLOAD_DIR)


def backup(destination: Path, *, now: dt.datetime | None = None) -> Outcome:
    """Writes a new backup folder under `destination` and returns it with its row counts."""
    engine = _engine()
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    target = destination / f"pfspilot-{stamp}"
    if target.exists():
        raise BackupError(_("La sauvegarde %(p)s existe déjà.") % {"p": target})
    partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=destination))
    try:
        if engine == "sqlite":
            _copy_sqlite(_sqlite_path(), partial / SQLITE_FILE)
            counts = _sqlite_counts(partial / SQLITE_FILE)  # the copy's own rows
        else:
            counts = _pg_dump(partial / PG_FILE)
        with tarfile.open(partial / UPLOADS_FILE, "w:gz") as archive:
            uploads = _uploads_dir()
            if uploads.is_dir():
                archive.add(uploads, arcname="uploads")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database": SQLITE_FILE if engine == "sqlite" else PG_FILE,
            "caller_hash_key_sha256": key_fingerprint(),
            "counts": counts,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        partial.rename(target)  # complete or absent: never a half-written backup
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Outcome(target, engine, counts)


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump of one snapshot, the rows counted in that same snapshot (the server may write
    meanwhile: the dump and the counts still agree)."""
    name = str(settings.DATABASES["default"]["NAME"])
    with transaction.atomic(using="default"):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = row_counts()
        command, env = _pg_command(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--snapshot={snapshot}",
            f"--file={target}",
            name,
        )
        _run(command, env, "pg_dump")
    return counts


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(
            _("%(p)s n'est pas une sauvegarde de PFS Pilot (manifest.json absent).") % {"p": source}
        ) from None
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("manifest.json illisible dans %(p)s : %(e)s") % {"p": source, "e": exc}
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Format de sauvegarde inconnu : %(f)s.") % {"f": manifest.get("format")}
        )
    return manifest


def restore(source: Path, *, accept_other_key: bool = False) -> Outcome:
    """Replaces the database and the uploads with those of the backup `source`.

    Refused (BackupError, nothing changed) when the backup was made on another engine, when a
    file is missing, or when CALLER_HASH_KEY differs from the backup's (unless
    `accept_other_key`). Afterwards the row counts are compared with the manifest's.
    """
    source = Path(source)
    manifest = read_manifest(source)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            _(
                "Cette sauvegarde vient d'une base %(from)s ; la base configurée est %(to)s : "
                "restaurez-la sur le même type de base."
            )
            % {"from": manifest["engine"], "to": engine}
        )
    if manifest["caller_hash_key_sha256"] != key_fingerprint() and not accept_other_key:
        raise BackupError(
            _(
                "CALLER_HASH_KEY n'est pas la clé avec laquelle la sauvegarde a été faite : les "
                "empreintes des appelants ne correspondraient plus. Remettez la clé sauvegardée "
                "avec la base (docs/deploy.md), ou relancez avec --accept-other-key."
            )
        )
    database = source / manifest["database"]
    uploads = source / UPLOADS_FILE
    for path in (database, uploads):
        if not path.is_file():
            raise BackupError(_("Fichier manquant dans la sauvegarde : %(p)s.") % {"p": path})
    connections.close_all()
    if engine == "sqlite":
        _copy_sqlite(database, _sqlite_path())
    else:
        name = str(settings.DATABASES["default"]["NAME"])
        command, env = _pg_command(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={name}",
            str(database),
        )
        _run(command, env, "pg_restore")
    _restore_uploads(uploads)
    counts = row_counts()
    expected = manifest["counts"]
    different = {
        table: (expected.get(table), counts.get(table))
        for table in sorted(set(expected) | set(counts))
        if expected.get(table) != counts.get(table)
    }
    if different:
        detail = ", ".join(f"{t} : {a} → {b}" for t, (a, b) in list(different.items())[:5])
        raise BackupError(
            _("Restauration incomplète : lignes différentes de la sauvegarde (%(d)s).")
            % {"d": detail}
        )
    return Outcome(source, engine, counts)


def _restore_uploads(archive_path: Path) -> None:
    target = _uploads_dir()
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=target.parent))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")  # no absolute paths, no links outside
        restored = staging / "uploads"
        if target.exists():
            shutil.rmtree(target)
        if restored.is_dir():
            restored.rename(target)
        else:
            target.mkdir(parents=True, exist_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

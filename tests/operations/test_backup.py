"""Backup and restore round trips (issue 12 §7): the database (SQLite's online backup API or
pg_dump/pg_restore), the uploads, the manifest's row counts and the hash key's fingerprint."""

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from pfspilot.cli import CliError
from pfspilot.operations import services
from pfspilot.people.models import Team, User

ROOT = Path(__file__).resolve().parents[2]


def _json(*args) -> dict:
    out = StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    settings.IMPORT_UPLOAD_DIR.mkdir()
    (settings.IMPORT_UPLOAD_DIR / "lot-7.csv").write_text("id;début\n1;2026-03-02 09:00\n")
    return settings.IMPORT_UPLOAD_DIR


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_database_and_the_uploads_with_the_same_counts(
    personas, uploads, tmp_path
):
    users_before = User.objects.count()
    made = _json("backup", str(tmp_path / "sauvegardes"))
    path = Path(made["path"])
    assert re.fullmatch(r"pfspilot-\d{8}-\d{6}", path.name)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"]["people_user"] == users_before == made["counts"]["people_user"]
    assert manifest["caller_hash_key_sha256"] == services.key_fingerprint()
    assert "dev-only" not in (path / "manifest.json").read_text()  # the key itself never

    # Meanwhile: accounts deleted, a team added, the upload processed and removed.
    User.objects.filter(username__in=["alice", "bob"]).delete()
    Team.objects.create(name="Valenciennes", site="Valenciennes")
    (uploads / "lot-7.csv").unlink()

    restored = _json("restore", str(path), "--yes")
    assert restored["counts"] == manifest["counts"]
    assert services.row_counts() == manifest["counts"]
    assert User.objects.count() == users_before
    assert User.objects.filter(username="alice").exists()
    assert not Team.objects.filter(name="Valenciennes").exists()
    assert (uploads / "lot-7.csv").read_text().startswith("id;début")


@pytest.mark.django_db(transaction=True)
def test_a_restore_needs_confirmation_and_the_same_hash_key(personas, uploads, tmp_path, settings):
    path = _json("backup", str(tmp_path))["path"]
    with pytest.raises(CliError, match="relancez avec --yes"):
        call_command("restore", path)
    settings.CALLER_HASH_KEY = "une-autre-cle-de-hachage-des-appelants"
    User.objects.filter(username="alice").delete()
    with pytest.raises(CliError, match="CALLER_HASH_KEY n'est pas la clé"):
        call_command("restore", path, "--yes")
    assert not User.objects.filter(username="alice").exists()  # nothing changed
    call_command("restore", path, "--yes", "--accept-other-key", stdout=StringIO())
    assert User.objects.filter(username="alice").exists()


@pytest.mark.django_db
def test_a_folder_that_is_not_a_backup_is_refused_in_french(tmp_path):
    with pytest.raises(CliError, match="n'est pas une sauvegarde de PFS Pilot"):
        call_command("restore", str(tmp_path), "--yes")


# --- PostgreSQL through the real commands, on a database of its own --------------------------

PG = os.environ.get("PFSPILOT_TEST_PG", "postgres://postgres@127.0.0.1:5432")


def _major(text: str) -> str:
    return re.search(r"(\d+)\.\d+", text).group(1)


def _pg_ready() -> str | None:
    """Why the PostgreSQL round trip cannot run here, or None."""
    for program in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(program) is None:
            return f"{program} absent"
    server = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if server.returncode != 0:
        return "PostgreSQL injoignable"
    client = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout
    if int(_major(client)) < int(_major(server.stdout)):
        return f"pg_dump {client.strip()} plus ancien que le serveur {server.stdout.strip()}"
    return None


def _pfspilot(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "pfspilot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db
def test_the_postgresql_round_trip_with_pg_dump_and_pg_restore(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("la suite tourne déjà sur PostgreSQL : le test précédent y fait l'aller-retour")
    reason = _pg_ready()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"pfspilot_backup_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    try:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env |= {
            "DATABASE_URL": f"{PG}/{name}",
            "PFSPILOT_VAR_DIR": str(tmp_path / "var"),
            "PFSPILOT_DEBUG": "1",
            "PFSPILOT_DB_POOL_MAX": "0",
        }
        _pfspilot(env, "migrate", "--noinput", "-v0")
        _pfspilot(env, "demo", "--accounts-only")
        uploads = tmp_path / "var" / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        (uploads / "appels.csv").write_text("id\n1\n")
        made = json.loads(_pfspilot(env, "backup", str(tmp_path / "sauvegardes"), "--json"))
        assert made["engine"] == "postgresql" and made["counts"]["people_user"] > 100
        assert (Path(made["path"]) / "database.dump").read_bytes()[:5] == b"PGDMP"
        _pfspilot(
            env,
            "shell",
            "-c",
            "from pfspilot.people.models import User; User.objects.filter(username__startswith='tc').delete()",
        )
        (uploads / "appels.csv").unlink()
        restored = json.loads(_pfspilot(env, "restore", made["path"], "--yes", "--json"))
        assert restored["counts"] == made["counts"]
        assert (uploads / "appels.csv").read_text() == "id\n1\n"
    finally:
        subprocess.run(
            ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
            check=False,
        )

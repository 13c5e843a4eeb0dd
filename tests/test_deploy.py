"""The production set-up (issue 12 §6): `check --deploy` clean with the documented settings
(deploy/pfspilot.env.example), security headers on every response, no inline script,
PostgreSQL's connection pool bounding the connections."""

import os
import re
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = ROOT / "deploy" / "pfspilot.env.example"


def documented_env(tmp_path) -> dict[str, str]:
    """The environment of deploy/pfspilot.env.example, secrets and folders filled in."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    values["SECRET_KEY"] = "x7-" + uuid.uuid4().hex + uuid.uuid4().hex  # 67 random characters
    values["CALLER_HASH_KEY"] = uuid.uuid4().hex
    values["PFSPILOT_VAR_DIR"] = str(tmp_path / "var")
    values["PFSPILOT_STATIC_ROOT"] = str(tmp_path / "static")
    return values


def _run(env_values, *args, code=None):
    # Not the test session's own switches: the browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE
    # while chromium lives, which `check --deploy` rightly reports.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env |= env_values
    command = ["-c", code] if code else ["-m", "pfspilot", *args]
    return subprocess.run(
        [sys.executable, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    env = documented_env(tmp_path)
    assert "CHANGEME" in ENV_EXAMPLE.read_text()  # the example holds no real secret
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_tls_settings(tmp_path):
    env = documented_env(tmp_path)
    for key in ("PFSPILOT_SSL_REDIRECT", "PFSPILOT_HSTS_SECONDS"):
        env.pop(key)
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_the_documented_settings_take_tls_and_origins_from_the_environment(tmp_path):
    code = textwrap.dedent(
        """
        import django; django.setup()
        from django.conf import settings as s
        print(s.CSRF_TRUSTED_ORIGINS, s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT,
              s.SECURE_HSTS_SECONDS, s.DATABASES["default"]["OPTIONS"]["pool"]["max_size"])
        """
    )
    env = documented_env(tmp_path) | {"DJANGO_SETTINGS_MODULE": "pfspilot.settings"}
    result = _run(env, code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['https://pfspilot.example.org']",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "31536000",
        "4",
    ]


def test_every_response_carries_the_csp_and_permissions_policy(client, db):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


TEMPLATES = sorted((ROOT / "pfspilot").rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_script_or_event_handler(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "script en ligne : à mettre dans static/js/"
    assert not HANDLER.search(text), "gestionnaire d'événement en ligne (onclick=…)"
    assert "hx-on" not in text and "javascript:" not in text


PG = os.environ.get("PFSPILOT_TEST_PG", "postgres://postgres@127.0.0.1:5432")


def test_the_connection_pool_bounds_the_server_connections(tmp_path):
    """30 threads querying at once through a pool of 4 never hold more than 4 connections."""
    probe = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", "SELECT 1"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL injoignable")
        pytest.skip("PostgreSQL injoignable")
    app = f"pfspilot-pool-{uuid.uuid4().hex[:8]}"
    code = textwrap.dedent(
        f"""
        import threading, django
        django.setup()
        from django.db import connection
        peak = []
        lock = threading.Lock()

        def work():
            with connection.cursor() as c:
                c.execute("SELECT pg_sleep(0.2)")
                c.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                    ["{app}"],
                )
                with lock:
                    peak.append(c.fetchone()[0])
            connection.close()  # back to the pool, as at the end of a request

        threads = [threading.Thread(target=work) for _ in range(30)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(len(peak), max(peak))
        """
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "pfspilot.settings",
        "DATABASE_URL": f"{PG}/postgres",
        "PFSPILOT_DB_POOL_MAX": "4",
        "PFSPILOT_VAR_DIR": str(tmp_path / "var"),
        "PGAPPNAME": app,
    }
    result = _run(env, code=code)
    assert result.returncode == 0, result.stderr
    done, peak = map(int, result.stdout.split())
    assert done == 30
    assert 1 <= peak <= 4


UNITS = sorted((ROOT / "deploy").glob("pfspilot-*.service"))


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_systemd_unit_runs_a_real_command_with_the_production_settings(unit):
    from django.core.management import get_commands

    text = unit.read_text()
    assert "EnvironmentFile=/etc/pfspilot/pfspilot.env" in text
    assert "User=pfspilot" in text and "NoNewPrivileges=true" in text
    commands = re.findall(r"^Exec(?:Start|StartPre)=(\S+)\s*(\S*)", text, re.M)
    assert commands
    for program, argument in commands:
        if program.endswith("/pfspilot"):
            assert argument in get_commands(), f"commande inconnue : pfspilot {argument}"
        else:
            assert program.endswith("/gunicorn")
            assert (ROOT / "deploy" / "gunicorn.conf.py").exists()


def test_systemd_accepts_the_units(tmp_path):
    """`systemd-analyze verify`: only the missing /opt/pfspilot executables may be reported."""
    import shutil

    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze absent")
    for unit in (ROOT / "deploy").glob("pfspilot-*.*"):
        if unit.suffix in (".service", ".timer"):
            shutil.copy(unit, tmp_path / unit.name)
    names = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names],
        capture_output=True,
        text=True,
        timeout=120,
    )
    other = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "is not executable: No such file or directory" not in line
    ]
    assert other == []


def test_the_worker_unit_runs_the_worker_that_reports_its_heartbeat():
    # /sante/ reads the heartbeat written by `pfspilot worker`; plain `db_worker` never writes it.
    text = (ROOT / "deploy" / "pfspilot-worker.service").read_text()
    assert re.search(r"^ExecStart=\S+/pfspilot worker\s*$", text, re.M), text

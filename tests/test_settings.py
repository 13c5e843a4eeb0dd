"""Production settings refuse to start without their secrets (checked in a fresh interpreter)."""

import os
import subprocess
import sys

import pytest

PRODUCTION = {"PFSPILOT_DEBUG": "0", "SECRET_KEY": "s" * 50, "CALLER_HASH_KEY": "k" * 50}


def _load_settings(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env |= PRODUCTION | overrides
    env = {k: v for k, v in env.items() if v is not None}
    env["DJANGO_SETTINGS_MODULE"] = "pfspilot.settings"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_it_starts_in_production_with_both_keys():
    result = _load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("value", [None, ""])
def test_it_refuses_to_start_without_the_caller_hash_key(value):
    result = _load_settings(CALLER_HASH_KEY=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CALLER_HASH_KEY est obligatoire en production" in result.stderr


def test_it_refuses_to_start_without_the_secret_key():
    result = _load_settings(SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire en production" in result.stderr


def test_development_keeps_its_default_key():
    result = _load_settings(PFSPILOT_DEBUG="1", CALLER_HASH_KEY=None)
    assert result.returncode == 0, result.stderr


def _command(*args, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env |= PRODUCTION | overrides
    env = {k: v for k, v in env.items() if v is not None}
    env["DJANGO_SETTINGS_MODULE"] = "pfspilot.settings"
    return subprocess.run(
        [sys.executable, "-m", "pfspilot", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_demo_refuses_to_run_in_production(tmp_path):
    # Demo accounts share a published password: never on a production platform.
    result = _command("demo", "--accounts-only", PFSPILOT_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "pfspilot demo est refusé en production (PFSPILOT_DEBUG=0)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "name,value",
    [
        ("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production"),
        ("CALLER_HASH_KEY", "dev-only-caller-hash-key"),  # published: fingerprints reversible
        ("CALLER_HASH_KEY", "CHANGEME"),  # deploy/pfspilot.env.example left as it is
        ("SECRET_KEY", "CHANGEME"),
        ("CALLER_HASH_KEY", "caf59"),  # short enough to be tried
    ],
)
def test_it_refuses_a_default_placeholder_or_short_key_in_production(name, value):
    result = _load_settings(**{name: value})
    assert result.returncode != 0
    assert f"{name} invalide en production" in result.stderr

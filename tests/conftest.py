"""Shared fixtures: one persona per role (healthchecks style), and the shared datasets path.

Real components (browser, Dovecot, SMTP server) come from tests/support/, loaded below.
"""

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from pfspilot.people.models import Profile, Role, Team, User

pytest_plugins = ["tests.support.browser", "tests.support.dovecot", "tests.support.smtp"]

PERSONAS = {
    # name: (role, profile)
    "alice": (Role.AGENT, Profile.TRAINEE),
    "bob": (Role.AGENT, Profile.CONFIRMED),
    "sam": (Role.SUPERVISOR, ""),
    "maud": (Role.MANAGER, ""),
    "diane": (Role.DIRECTION, ""),
    "adam": (Role.ADMIN, ""),
    "rita": (Role.REINFORCEMENT, Profile.CONFIRMED),
    "eric": (Role.EXPERT, ""),
}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, the test database is a file in a temporary folder, not Django's shared memory.

    The live server and the concurrency tests answer from other threads: with an in-memory
    database they would all share the test thread's one connection; with a file each thread has
    its own connection and SQLite's locking is exercised as in production.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database["TEST"].get("NAME"):
        folder = Path(tempfile.mkdtemp(prefix="pfspilot-test-db-"))
        database["TEST"]["NAME"] = str(folder / "test.sqlite3")
        yield
        shutil.rmtree(folder, ignore_errors=True)  # after django_db_setup destroyed the database
    else:
        yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return Team.objects.create(name="Équipe Arras")


def make_user(name, role, profile="", team=None, **extra):
    user = User(
        username=name,
        first_name=name.title(),
        role=role,
        profile=profile,
        team=team,
        start_date=dt.date(2020, 1, 1),
        **extra,
    )
    user.set_password("motdepasse-solide-42")
    user.save()
    return user


@pytest.fixture
def personas(db, team):
    return {
        name: make_user(name, role, profile, team) for name, (role, profile) in PERSONAS.items()
    }


@pytest.fixture
def client_for(client, personas):
    """client_for("alice") → a test client logged in as that persona."""

    def login(name):
        client.force_login(personas[name])
        return client

    return login


@pytest.fixture
def bank_dataset_dir():
    path = Path(settings.SHARED_DIR) / "datasets" / "anonymous-bank-1999"
    if not path.is_dir():
        pytest.skip("jeu de données Anonymous Bank absent (../shared/datasets)")
    return path


SEEDS = (
    "pfspilot.reference.migrations.0002_seed_note",
    "pfspilot.reference.migrations.0004_guide_catalogue_seed",
    "pfspilot.desk.migrations.0002_desk_seed",
    "pfspilot.emaildesk.migrations.0002_emaildesk_seed",
    "pfspilot.supervision.migrations.0002_supervision_seed",
)


@pytest.fixture
def reference_seed(db):
    """The reference data the migrations seed, put back when a transactional test's flush (a
    live server's) removed it: tests against a live server need the note's rules."""
    import importlib

    from django.apps import apps

    from pfspilot.reference.models import RoutingMatrix

    if not RoutingMatrix.objects.exists():
        for name in SEEDS:
            importlib.import_module(name).seed(apps, None)

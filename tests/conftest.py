"""Shared fixtures: one persona per role (healthchecks style), and the shared datasets path."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from pfspilot.people.models import Profile, Role, Team, User

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

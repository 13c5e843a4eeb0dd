"""`pfspilot createsuperuser` makes an administrator, not a téléconseiller."""

import pytest
from django.core.management import call_command

from pfspilot.people.models import Role, User


def test_it_creates_an_administrator_from_the_command(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "motdepasse-solide-42")
    call_command("createsuperuser", interactive=False, username="root", email="", verbosity=0)
    user = User.objects.get(username="root")
    assert user.role == Role.ADMIN
    assert user.is_staff and user.is_superuser
    assert user.check_password("motdepasse-solide-42")


def test_the_administrator_reaches_the_admin(db, client):
    user = User.objects.create_superuser("root", password="motdepasse-solide-42")
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_it_refuses_a_superuser_with_another_role(db):
    with pytest.raises(ValueError, match="administrateur"):
        User.objects.create_superuser("x", password="motdepasse-solide-42", role=Role.AGENT)
    assert not User.objects.exists()


def test_an_ordinary_account_stays_a_teleconseiller(db):
    user = User.objects.create_user("agent", password="motdepasse-solide-42")
    assert user.role == Role.AGENT
    assert not user.is_staff and not user.is_superuser

"""Accounts fit for an administration (issue 12 §5): login throttling on the pair (account,
address), a password policy, sessions that end when idle and with the browser."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from pfspilot.people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from pfspilot.people.models import User
from tests.conftest import make_user

PASSWORD = "motdepasse-solide-42"
pytestmark = pytest.mark.django_db


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail(client, username, address="10.0.0.1", times=None):
    for _ in range(times or settings.AXES_FAILURE_LIMIT):
        _login(client, username, "mauvais-mot-de-passe", address)


def test_it_locks_the_account_from_that_address_after_repeated_failures(client, personas):
    _fail(client, "alice")
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Connexion bloquée" in html
    assert "Après 5 essais infructueux" in html and "Réessayez dans 15 minutes." in html
    assert "_auth_user_id" not in client.session


def test_a_shared_address_does_not_lock_out_the_other_accounts(client, personas):
    # A CAF's agents go out through one NAT address: Alice's errors leave Bob's login alone.
    _fail(client, "alice")
    assert _login(client, "bob", PASSWORD).status_code == 302


def test_the_same_account_from_another_address_is_not_locked(client, personas):
    # Nobody can lock a colleague out of their account from elsewhere.
    _fail(client, "alice", address="203.0.113.9")
    assert _login(client, "alice", PASSWORD, address="10.0.0.1").status_code == 302


def test_behind_the_proxy_the_address_is_the_one_it_appended(client, personas):
    def through_proxy(username, password, client_address):
        return client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_address}",  # the first one is forgeable
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy("alice", "mauvais-mot-de-passe", "198.51.100.7")
    assert through_proxy("alice", PASSWORD, "198.51.100.7").status_code == 429
    assert through_proxy("alice", PASSWORD, "198.51.100.8").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, personas):
    _fail(client, "alice", times=settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    _fail(client, "alice", times=settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "alice", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password,message",
    [
        (
            "court-42ab",
            "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
        ),
        ("123456789012345", "Ce mot de passe est entièrement numérique."),
        ("password1234", "Ce mot de passe est trop courant."),
        (
            "camille.durand",
            "Le mot de passe est trop semblable au champ «\u00a0nom d’utilisateur\u00a0».",
        ),
    ],
)
def test_the_password_policy_refuses_weak_passwords_in_french(password, message):
    user = User(username="camille.durand", first_name="Camille", last_name="Durand")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert message in " ".join(refused.value.messages)


def test_the_demo_and_test_passwords_comply_with_the_policy():
    for username, first, last, *_ in DEMO_ACCOUNTS:
        validate_password(DEMO_PASSWORD, User(username=username, first_name=first, last_name=last))
    validate_password(PASSWORD, User(username="alice"))


def test_sessions_end_with_the_browser_and_when_idle(client, personas):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert _login(client, "alice", PASSWORD).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 60 * 60


def test_activity_pushes_the_expiry_back_but_htmx_polling_does_not(client, personas, settings):
    from django.contrib.sessions.models import Session

    user = make_user("idle", "teleconseiller", "confirme")
    client.force_login(user)
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    client.get(reverse("home"))
    first = expiry()
    session = client.session
    before = session["_activity"] = int(time.time()) - 120  # last activity two minutes ago
    session.save()
    saved = expiry()
    client.get(reverse("home"), HTTP_HX_REQUEST="true")  # a poll: not activity
    assert client.session["_activity"] == before
    assert expiry() == saved
    client.get(reverse("home"))
    assert expiry() >= saved and expiry() >= first
    assert int(time.time()) - client.session["_activity"] < 5


def test_an_expired_session_asks_for_the_login_again(client, personas):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(personas["alice"])
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now()
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

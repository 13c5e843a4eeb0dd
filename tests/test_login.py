import datetime as dt

import time_machine
from django.urls import reverse

from tests.conftest import make_user

PASSWORD = "motdepasse-solide-42"


def test_login_page_is_french(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Mot de passe" in response.content.decode()


def test_it_logs_in_an_active_agent(client, personas):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_it_rejects_a_wrong_password_in_french(client, personas):
    response = client.post(reverse("login"), {"username": "alice", "password": "non"})
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_it_rejects_an_inactive_agent(client, db):
    make_user("zoe", "teleconseiller", "fi", is_active=False)
    response = client.post(reverse("login"), {"username": "zoe", "password": PASSWORD})
    assert response.status_code == 200
    assert "Ce compte est désactivé" in response.content.decode()
    assert "_auth_user_id" not in client.session


@time_machine.travel(dt.datetime(2026, 11, 28, 9, 0), tick=False)
def test_it_rejects_an_ended_agent(client, db):
    make_user("paul", "teleconseiller", "confirme", end_date=dt.date(2026, 10, 31))
    response = client.post(reverse("login"), {"username": "paul", "password": PASSWORD})
    assert "Ce compte a pris fin le 31/10/2026" in response.content.decode()
    assert "_auth_user_id" not in client.session


@time_machine.travel(dt.datetime(2026, 11, 28, 9, 0), tick=False)
def test_it_closes_the_session_of_an_account_ended_meanwhile(client, db):
    user = make_user("lea", "teleconseiller", "confirme")
    client.force_login(user)
    user.end_date = dt.date(2026, 11, 1)
    user.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("login")


def test_home_lists_pages_of_the_role(client_for):
    html = client_for("diane").get(reverse("home")).content.decode()
    assert "Direction" in html

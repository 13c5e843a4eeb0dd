"""Error pages are French and keep the application's layout (DEBUG off, as in production)."""

import pytest
from django.test import Client
from django.urls import reverse

ENGLISH = ("Not Found", "Server Error", "Forbidden", "Bad Request", "CSRF verification failed")


def _french_page(response, status, title):
    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in page
    assert '<html lang="fr">' in page and 'class="topbar"' in page  # the base layout
    assert "Retour à l'accueil" in page
    for word in ENGLISH:
        assert word not in page
    return page


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_an_unknown_address_gets_the_french_404(client_for):
    response = client_for("alice").get("/nulle-part/")
    page = _french_page(response, 404, "Page introuvable")
    assert f'href="{reverse("desk:guide")}"' in page  # the menu of the logged-in user


def test_an_unknown_address_gets_the_french_404_before_login(client, db):
    _french_page(client.get("/nulle-part/"), 404, "Page introuvable")


def test_a_forbidden_page_gets_the_french_403(client_for):
    response = client_for("alice").get(reverse("contacts:imports"))
    _french_page(response, 403, "Accès refusé")


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_gets_the_french_500(db):
    client = Client(raise_request_exception=False)
    _french_page(client.get("/panne/"), 500, "Erreur du serveur")


@pytest.mark.urls("tests.error_urls")
def test_a_bad_request_gets_the_french_400(db):
    _french_page(Client().get("/douteuse/"), 400, "Requête invalide")


def test_a_missing_csrf_token_gets_the_french_403(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["maud"])
    response = client.post(reverse("contacts:imports"), {"kind": "calls"})
    _french_page(response, 403, "Formulaire expiré")

"""Every API URL for every role: the capability it declares decides (403 otherwise), anonymous
visitors get 401, and every answer is JSON with a French `detail` when refused."""

import pytest
from django.test import Client

from pfspilot.people.access import CAPABILITIES
from tests.conftest import PERSONAS
from tests.test_access import API, url_for


@pytest.mark.parametrize("name", sorted(API))
def test_anonymous_gets_401_in_json(db, personas, name):
    response = Client().post(
        url_for(name, personas["alice"]), "{}", content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("name", sorted(API))
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_role_gets_what_the_endpoint_declares(personas, persona, name):
    user = personas[persona]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    capability = API[name].capabilities["POST"]
    # Session login: DRF checks the CSRF token like a browser form.
    client.cookies["csrftoken"] = "x" * 32
    response = client.post(
        url_for(name, user), "{}", content_type="application/json", HTTP_X_CSRFTOKEN="x" * 32
    )
    if user.role in CAPABILITIES[capability].roles:
        # 204: « Courriel suivant » with an empty queue.
        assert response.status_code in {200, 201, 204, 400}, (name, persona, response.status_code)
    else:
        assert response.status_code == 403, (name, persona, response.status_code)
        assert response.json()["detail"].startswith("Votre rôle ne permet pas cette action")
    if response.status_code == 400:
        assert response.json()["detail"].endswith("Ce champ est obligatoire.")
    get = client.get(url_for(name, user))
    assert get.status_code in {403, 405}

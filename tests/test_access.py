"""Every page of the project, for every role: login required, capability enforced server-side."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pfspilot.people.access import CAPABILITIES
from pfspilot.people.models import Role
from tests.conftest import PERSONAS

# Pages outside the capability table: authentication itself and Django's admin (admin role only).
UNPROTECTED = {"login", "logout"}
# Sample arguments for URLs that take some; keys are "namespace:name".
SAMPLE_KWARGS: dict[str, dict] = {}


def project_urls():
    """(qualified name, view callback) for every named, non-admin URL of the project."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                found.append((f"{namespace}{p.name}", p.callback))

    walk(get_resolver().url_patterns, "")
    return found


PAGES = [(name, cb) for name, cb in project_urls() if name not in UNPROTECTED]


def test_every_page_declares_a_capability():
    missing = [name for name, cb in PAGES if not hasattr(cb, "required_capability")]
    assert missing == [], f"pages sans capacité déclarée : {missing}"


@pytest.mark.parametrize("name", [n for n, _ in PAGES])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name, kwargs=SAMPLE_KWARGS.get(name)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", sorted(PERSONAS))
@pytest.mark.parametrize("name,callback", PAGES, ids=[n for n, _ in PAGES])
def test_role_access(client_for, persona, name, callback):
    role = PERSONAS[persona][0]
    allowed = role in CAPABILITIES[callback.required_capability]
    response = client_for(persona).get(reverse(name, kwargs=SAMPLE_KWARGS.get(name)))
    if allowed:
        assert response.status_code in (200, 405), (name, persona, response.status_code)
    else:
        assert response.status_code == 403, (name, persona, response.status_code)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_admin_is_for_administrators_only(client_for, persona):
    response = client_for(persona).get("/admin/")
    if PERSONAS[persona][0] == Role.ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 302  # the admin sends non-staff to its login page

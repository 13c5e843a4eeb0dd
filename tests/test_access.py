"""Every URL of the project, for every role and for GET and POST: a decision, enforced server-side.

The decision of a view is what it declares with `@requires` (a capability per accepted method,
see `pfspilot.people.access`); this file derives the expected status from that declaration and
the capability table, and fails on any URL without one. A 405 passes only for a method the view
does not declare. Object scopes (own / team / all) are tested in tests/people/test_scopes.py.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.crypto import get_random_string

from pfspilot.people.access import CAPABILITIES
from pfspilot.people.access import PUBLIC as ACCESS_PUBLIC
from pfspilot.people.models import Role
from tests.conftest import PERSONAS, make_user

METHODS = ("GET", "POST")
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)

# Authentication itself, outside the capability table: expected status per (visitor, method).
PUBLIC = {
    "login": {
        ("anonymous", "GET"): 200,
        ("anonymous", "POST"): 200,  # the form again, with its French errors
        ("user", "GET"): 302,  # already logged in: sent home
        ("user", "POST"): 302,
    },
    "logout": {
        ("anonymous", "GET"): 302,  # to the login page, like every page
        ("anonymous", "POST"): 302,
        ("user", "GET"): 405,  # logging out is a POST (CSRF-protected)
        ("user", "POST"): 302,
    },
    # The health endpoint is public (monitoring has no account): counts and times only, declared
    # in access.PUBLIC. An empty queue without worker is healthy (tests/contacts/test_jobs.py).
    "health": {
        ("anonymous", "GET"): 200,
        ("anonymous", "POST"): 405,
        ("user", "GET"): 200,
        ("user", "POST"): 405,
    },
    # The API's schema is public: it describes the API, it holds no data.
    "api:schema": {
        ("anonymous", "GET"): 200,
        ("anonymous", "POST"): 405,
        ("user", "GET"): 200,
        ("user", "POST"): 405,
    },
}


# Factories of URL arguments: given the user who makes the request, the arguments naming a
# record visible to them, so that the role decision is tested and not the scope.
def _record(user):
    from tests.desk.factories import record_for

    return {"pk": record_for(user).pk}


def _request(user):
    from tests.desk.factories import request_for

    return {"pk": request_for(user).pk}


def _urgency(user):
    from tests.desk.factories import urgency_for

    return {"pk": urgency_for(user).pk}


def _follow_up(user):
    from tests.desk.factories import follow_up_for

    return {"pk": follow_up_for(user).pk}


def _email(user):
    from tests.emaildesk.factories import email_for

    return {"pk": email_for(user).pk}


def _email_template(user):
    from pfspilot.emaildesk.models import ResponseTemplate

    return {"pk": ResponseTemplate.objects.order_by("pk").first().pk}


def _supervision(user):
    from tests.supervision.factories import supervision_for

    return {"pk": supervision_for(user).pk}


def _sample_item(user):
    from tests.supervision.factories import sample_item_for

    item = sample_item_for(user)
    return {"pk": item.supervision_id, "item": item.pk}


def _reminder(user):
    from tests.supervision.factories import reminder

    return {"pk": reminder().pk}


def _import_batch(user):
    from pfspilot.contacts.models import ImportBatch

    batch = ImportBatch.objects.create(
        kind="calls", file_name="appels.csv", mapping="canonical", status="done"
    )
    return {"pk": batch.pk}


def _attachment(user):
    from tests.mailbox.factories import available_attachment

    return {"pk": available_attachment(user).pk}


URL_ARGS = {
    "contacts:undo_import": _import_batch,
    "people:detail": lambda user: {"pk": user.pk},
    "poste:record": _record,
    "poste:request": _request,
    "poste:request_reassign": _request,
    "poste:urgency": _urgency,
    "poste:follow_up": _follow_up,
    "supervision:detail": _supervision,
    "supervision:sample": _supervision,
    "supervision:evaluate": _sample_item,
    "supervision:debrief": _supervision,
    "supervision:sign": _supervision,
    "supervision:acknowledge": _supervision,
    "supervision:report": _supervision,
    "supervision:agent_file": lambda user: {"pk": user.pk},
    "supervision:reminder_read": _reminder,
    "api:callback_claim": _request,
    "api:urgency_claim": _urgency,
    "courriels:email": _email,
    "courriels:renew": _email,
    "courriels:reassign": _email,
    "courriels:requalify": _email,
    "courriels:template": _email_template,
    "api:email_release": _email,
    "api:email_reply": _email,
    "mailbox:attachment": _attachment,
}


def project_urls():
    """(qualified name, URLPattern) for every non-admin URL of the project, named or not."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                found.append((f"{namespace}{p.name}" if p.name else None, p))

    walk(get_resolver().url_patterns, "")
    return found


URLS = project_urls()
PAGES = {name: p.callback for name, p in URLS if name and name not in PUBLIC}
# The JSON API answers 401 to anonymous visitors and JSON errors (tests/api/test_api_access.py).
API = {name: cb for name, cb in PAGES.items() if name.startswith("api:")}
HTML = {name: cb for name, cb in PAGES.items() if name not in API}


def takes_arguments(pattern: URLPattern) -> bool:
    return bool(pattern.pattern.converters) or bool(re.compile(str(pattern.pattern)).groups)


def csrf_client(user=None) -> Client:
    """A client that enforces CSRF like a browser and holds a valid token (cookie and header)."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client


def url_for(name, user):
    factory = URL_ARGS.get(name)
    return reverse(name, kwargs=factory(user) if factory else None)


def send(client, method, url):
    # POST with an empty body: the view must answer with a French form error, not a crash.
    return client.get(url) if method == "GET" else client.post(url, {})


def expected(role, callback, method) -> set[int]:
    """Statuses the declaration allows for `role` sending `method` to the view."""
    declared = callback.capabilities
    if not any(role in CAPABILITIES[c].roles for c in declared.values()):
        return {403}
    if method not in declared:
        return {405}
    if role not in CAPABILITIES[declared[method]].roles:
        return {403}
    return {200, 302} if method == "GET" else {200, 302, 400}


def test_every_url_has_a_decision():
    unnamed = [str(p.pattern) for name, p in URLS if name is None]
    assert unnamed == [], f"URL sans nom, donc non testée : {unnamed}"
    assert set(PUBLIC) <= {name for name, _p in URLS}, "PUBLIC nomme une URL disparue"
    undecided = [name for name, cb in PAGES.items() if not hasattr(cb, "capabilities")]
    # A view open without login is declared in the access table with its reason.
    opened = {n: p.callback for n, p in URLS if n in PUBLIC and hasattr(p.callback, "public")}
    assert "health" in opened
    assert {cb.public for cb in opened.values()} <= set(ACCESS_PUBLIC), opened
    assert undecided == [], f"vues sans décision d'accès (@requires) : {undecided}"
    for name, callback in PAGES.items():
        assert set(callback.capabilities) <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
        assert all(c in CAPABILITIES for c in callback.capabilities.values()), name


def test_every_url_with_arguments_has_a_factory():
    with_args = {name for name, p in URLS if name and takes_arguments(p)}
    assert with_args == set(URL_ARGS), "URL_ARGS doit couvrir exactement les URL à arguments"


def test_every_capability_has_a_french_label_and_known_roles():
    for name, capability in CAPABILITIES.items():
        assert str(capability.label).strip(), name
        assert capability.roles <= set(Role.values), name


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(HTML))
def test_anonymous_is_sent_to_login(db, name, method):
    response = send(csrf_client(), method, url_for(name, make_user("zoe", Role.AGENT)))
    assert response.status_code == 302, (name, method, response.status_code)
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(HTML))
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_role_gets_what_the_view_declares(personas, persona, name, method):
    callback = PAGES[name]
    user = personas[persona]
    client, url = csrf_client(user), url_for(name, user)
    with CaptureQueriesContext(connection) as queries:
        response = send(client, method, url)
    allowed = expected(user.role, callback, method)
    assert response.status_code in allowed, (name, persona, method, response.status_code)
    if response.status_code == 403:
        assert "Votre rôle ne" in response.content.decode(), "refus sans raison en français"
    if response.status_code == 400:
        assert b"errorlist" in response.content, "400 sans message d'erreur de formulaire"
        assert b"This field" not in response.content, "message d'erreur non traduit"
    if response.status_code == 405:
        assert set(response["Allow"].split(", ")) == set(callback.capabilities)
    if method == "GET":
        # A GET is safe: a view that writes must be declared for POST (CSRF-protected).
        writes = [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]
        assert writes == [], (name, persona, writes)


@pytest.mark.parametrize(
    "name", sorted(n for n, cb in PAGES.items() if "POST" in getattr(cb, "capabilities", {}))
)
def test_post_without_csrf_token_is_refused(personas, name):
    capability = PAGES[name].capabilities["POST"]
    user = next(u for u in personas.values() if u.role in CAPABILITIES[capability].roles)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(url_for(name, user), {}).status_code == 403


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("visitor", ["anonymous", "user"])
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_authentication_views(personas, name, visitor, method):
    user = personas["alice"] if visitor == "user" else None
    response = send(csrf_client(user), method, reverse(name))
    assert response.status_code == PUBLIC[name][(visitor, method)]
    if name == "login" and visitor == "anonymous" and method == "POST":
        assert b"Ce champ est obligatoire" in response.content


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_admin_is_for_administrators_only(client_for, persona):
    response = client_for(persona).get("/admin/")
    if PERSONAS[persona][0] == Role.ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 302  # the admin sends non-staff to its login page

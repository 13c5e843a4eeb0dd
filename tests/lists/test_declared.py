"""Every list page declared in the project, walked generically (NetBox's generated view tests)."""

import pytest
from django.urls import reverse

from pfspilot.people.access import CAPABILITIES
from tests.conftest import PERSONAS
from tests.test_access import project_urls

DECLARED = [(name, cb.list_page) for name, cb in project_urls() if hasattr(cb, "list_page")]


def test_the_project_declares_its_lists():
    assert "indicators:agents" in [name for name, _page in DECLARED]


def _allowed_persona(page) -> str:
    return next(
        p for p, (role, _profile) in PERSONAS.items() if role in CAPABILITIES[page.capability]
    )


@pytest.mark.parametrize("name,page", DECLARED, ids=[name for name, _page in DECLARED])
def test_every_column_sorts_both_ways_and_every_format_exports(client_for, name, page):
    client = client_for(_allowed_persona(page))
    for key in page.sort_keys:
        for sort in (key, f"-{key}"):
            response = client.get(reverse(name), {"sort": sort})
            assert response.status_code == 200, sort
            assert response.context["query"].errors == [], sort
            assert response.context["query"].sort == sort
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse(name), {"export": fmt}).status_code == 200, fmt
    assert client.get(reverse(name), {"export": "ods"}).status_code == 400

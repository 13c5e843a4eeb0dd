"""Every list page declared in the project, walked generically (NetBox's generated view tests)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pfspilot.people.access import can


def declared_lists():
    """(qualified URL name, ListPage) of every list page mounted in the project's URLs."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and hasattr(p.callback, "list_page"):
                found.append((f"{namespace}{p.name}", p.callback.list_page))

    walk(get_resolver().url_patterns, "")
    return found


DECLARED = declared_lists()


def test_the_project_declares_its_lists():
    assert "indicators:agents" in [name for name, _page in DECLARED]


@pytest.mark.parametrize("name,page", DECLARED, ids=[name for name, _page in DECLARED])
def test_every_column_sorts_both_ways_and_every_format_exports(client_for, personas, name, page):
    allowed = next(p for p, user in personas.items() if can(user, page.capability))
    client = client_for(allowed)
    for key in page.sort_keys:
        for sort in (key, f"-{key}"):
            response = client.get(reverse(name), {"sort": sort})
            assert response.status_code == 200, sort
            assert response.context["query"].errors == [], sort
            assert response.context["query"].sort == sort
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse(name), {"export": fmt}).status_code == 200, fmt
    assert client.get(reverse(name), {"export": "ods"}).status_code == 400

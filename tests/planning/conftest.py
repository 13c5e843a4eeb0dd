"""Planning tests: background jobs run at once when asked (`run_tasks`), else stay queued."""

import pytest
from django.urls import reverse


@pytest.fixture
def run_tasks(settings, django_capture_on_commit_callbacks):
    """Posts with the immediate task backend, the commit callbacks (the enqueue) executed: the
    worker's job has run when the response comes back."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


@pytest.fixture
def immediate_tasks(settings):
    """Background jobs queued outside a commit callback (the capacity's) run at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def computed_capacity(immediate_tasks):
    """GET of the capacity page once « Calculer » (POST) has had the worker compute it."""
    url = reverse("planning:capacity")

    def get(client, params):
        client.post(url, params)
        return client.get(url, params)

    return get

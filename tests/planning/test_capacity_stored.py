"""The capacity page reads the page the worker stored; it never computes the year in the request.

A GET writes nothing: without a page computed from today's inputs (new history, correction,
absence…) it shows the last one, says the data changed, and offers « Calculer » (POST), which
queues the computation; `pfspilot tick` queues the current year's by itself. The figures, once
computed, are those of `selectors.capacity_page` (the same function, run in the worker).
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pfspilot.planning import periodic, selectors, services
from pfspilot.planning.models import Absence, CapacityResult
from tests.planning.test_forecasting import make_history

pytestmark = pytest.mark.django_db

URL = reverse("planning:capacity")
STATUS_URL = reverse("planning:capacity_status")
NOW = dt.datetime(2027, 1, 10, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2027, 1, 10)


def _run_worker():
    """What `pfspilot db_worker` does with the queued capacity: compute and store it."""
    result = CapacityResult.objects.get(year=2026)
    return services.capacity_computation_run(year=2026, today=TODAY, version=result.version)


def _get(client) -> str:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(URL, {"annee": "2026"}).content.decode()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE"))
        # the idle-session timeout pushes the session's expiry back: not a write of the view
        and '"django_session"' not in q["sql"]
    ]
    assert writes == []  # a GET never writes, not even to queue the computation
    return html


@time_machine.travel(NOW, tick=False)
def test_calculer_queues_the_computation_once_then_the_page_shows_the_figures(client_for, personas):
    make_history()
    client = client_for("diane")
    html = _get(client)
    assert "Capacité pas encore calculée" in html and "Calculer la capacité" in html
    assert "Volumes de l'année" not in html  # no figure before the worker ran
    response = client.post(URL, {"annee": "2026"})
    assert response.status_code == 302 and response.url == f"{URL}?annee=2026"
    html = _get(client)
    assert "Calcul en cours…" in html and "Capacité mise en calcul à" in html
    assert 'hx-get="/planification/capacite/calcul/?annee=2026"' in html
    client.post(URL, {"annee": "2026"})  # asked again while queued: not queued twice
    assert DBTaskResult.objects.count() == 1
    assert "HX-Refresh" not in client.get(STATUS_URL, {"annee": "2026"})

    _run_worker()
    assert client.get(STATUS_URL, {"annee": "2026"})["HX-Refresh"] == "true"
    html = _get(client)
    assert "Calcul en cours…" not in html and "Calculée en arrière-plan le" in html
    assert '<td class="num">483</td>' in html  # 87 % × 900 − 300 IVR, as computed inline
    stored = selectors.stored_capacity_page(CapacityResult.objects.get())
    inline = selectors.capacity_page(2026, today=TODAY)
    assert stored.report == inline.report
    assert (stored.need.required == inline.need.required).all()


@time_machine.travel(NOW, tick=False)
def test_a_change_of_inputs_shows_the_last_figures_until_they_are_recomputed(client_for, personas):
    make_history()
    client = client_for("diane")
    client.post(URL, {"annee": "2026"})
    first = _run_worker()
    Absence.objects.create(
        agent=personas["alice"], start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 6)
    )
    html = _get(client)
    assert "les données ont changé depuis" in html and "Calculer la capacité" in html
    assert '<td class="num">483</td>' in html  # the last computed page, still shown
    client.post(URL, {"annee": "2026"})
    result = CapacityResult.objects.get()
    assert result.version != first.computed_version and result.in_progress
    assert "Les chiffres ci-dessous sont ceux du" in _get(client)
    _run_worker()
    html = _get(client)
    assert "Calcul en cours…" not in html and "les données ont changé" not in html


@time_machine.travel(NOW, tick=False)
def test_the_tick_queues_the_current_year_when_its_inputs_changed(personas):
    make_history()
    outcomes = {o.name: o for o in periodic.tick(now=NOW)}
    assert outcomes["capacity"].count == 1
    assert CapacityResult.objects.get().year == 2027
    assert {o.name: o for o in periodic.tick(now=NOW)}["capacity"].count == 0  # queued already
    result = CapacityResult.objects.get()
    services.capacity_computation_run(year=2027, today=TODAY, version=result.version)
    assert {o.name: o for o in periodic.tick(now=NOW)}["capacity"].count == 0  # stored, same


def test_the_page_of_a_year_without_history_says_so_once_computed(client_for, computed_capacity):
    html = computed_capacity(client_for("maud"), {"annee": "2026"}).content.decode()
    assert "aucun historique d&#x27;appels importé" in html
    assert CapacityResult.objects.get().payload is None


@time_machine.travel(NOW, tick=False)
def test_a_page_stored_by_older_code_is_computed_again(client_for, personas):
    make_history()
    client = client_for("diane")
    client.post(URL, {"annee": "2026"})
    _run_worker()
    CapacityResult.objects.update(payload=b"not a pickle")
    html = _get(client)
    assert "Calculer la capacité" in html and "Volumes de l'année" not in html
    client.post(URL, {"annee": "2026"})
    assert CapacityResult.objects.get().in_progress


def test_a_training_group_or_workshop_changes_the_inputs_of_the_stored_capacity(personas):
    # The capacity's staffing reads the sessions (`_staff_in_post`): a stored page computed
    # before a session was planned, or before its participants changed, is no longer current.
    from pfspilot.people.models import User
    from pfspilot.planning.models import TrainingSession

    before = selectors.capacity_version(2026, today=TODAY)
    session = TrainingSession.objects.create(
        kind=TrainingSession.Kind.WORKSHOP,
        title="Atelier",
        day=dt.date(2026, 3, 10),
        start=dt.time(14),
        end=dt.time(15),
    )
    with_session = selectors.capacity_version(2026, today=TODAY)
    assert with_session != before
    session.participants.add(User.objects.filter(username="alice").get())
    assert selectors.capacity_version(2026, today=TODAY) != with_session

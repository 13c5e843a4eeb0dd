"""Least privilege in planning (issue 12 §8): direction and assistants superviseurs read plans and
forecasts; only managers and administrators re-optimise a plan or change a forecast correction."""

import pytest
from django.urls import reverse

from pfspilot.planning.models import ForecastOverride, PlanComputation
from tests.planning.dayplan_data import MARCH_2, make_agents, make_history

pytestmark = pytest.mark.django_db

READERS = ("sam", "diane")  # assistant superviseur, direction
CHANGERS = ("maud", "adam")  # manager, administrateur


@pytest.fixture
def platform(personas):
    make_history()
    return make_agents()


@pytest.mark.parametrize("name", READERS)
def test_readers_open_the_plans_and_forecasts_without_the_buttons_that_change_them(
    client_for, platform, name
):
    client = client_for(name)
    day = client.get(reverse("planning:day"), {"jour": MARCH_2.isoformat()})
    assert day.status_code == 200
    html = day.content.decode()
    assert "Plan de journée — lundi 2 mars 2026" in html
    assert "Optimiser le plan</button>" not in html and reverse("planning:optimise") not in html
    week = client.get(reverse("planning:week"), {"jour": MARCH_2.isoformat()}).content.decode()
    assert "Plan non calculé." in week and ">Calculer</button>" not in week
    forecast = client.get(reverse("planning:forecast"), {"jour": MARCH_2.isoformat()})
    assert forecast.status_code == 200
    text = forecast.content.decode()
    assert "Enregistrer la correction" not in text
    assert "Seuls les responsables et les administrateurs corrigent les prévisions." in text
    assert client.get(reverse("planning:capacity")).status_code == 200


@pytest.mark.parametrize("name", READERS)
def test_readers_cannot_reoptimise_nor_correct_a_forecast(client_for, platform, name):
    client = client_for(name)
    response = client.post(reverse("planning:optimise"), {"jour": MARCH_2.isoformat()})
    assert response.status_code == 403
    assert not PlanComputation.objects.exists()
    response = client.post(
        f"{reverse('planning:forecast')}?jour={MARCH_2.isoformat()}",
        {"factor": "1,2", "reason": "Relance"},
    )
    assert response.status_code == 403
    assert not ForecastOverride.objects.exists()


@pytest.mark.parametrize("name", CHANGERS)
def test_managers_and_administrators_change_them(client_for, platform, name):
    client = client_for(name)
    html = client.get(reverse("planning:day"), {"jour": MARCH_2.isoformat()}).content.decode()
    assert "Optimiser le plan</button>" in html
    response = client.post(
        f"{reverse('planning:forecast')}?jour={MARCH_2.isoformat()}",
        {"factor": "1,2", "reason": "Relance"},
    )
    assert response.status_code == 302
    assert ForecastOverride.objects.count() == 1

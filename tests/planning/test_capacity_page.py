"""Capacity page: the hourly view at the décroché target tells the same story as the dashboard."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from pfspilot.contacts.models import AgentActivity
from pfspilot.planning import selectors
from tests.planning.test_forecasting import FEBRUARY, make_history

pytestmark = pytest.mark.django_db

CAPACITY_URL = reverse("planning:capacity")
AFTER_2026 = dt.datetime(2027, 1, 10, 10, 0, tzinfo=dt.UTC)


def _log_phone_time(personas, seconds_per_agent):
    for day in FEBRUARY:
        for name in ("alice", "bob"):
            AgentActivity.objects.create(
                agent=personas[name], agent_code=name, day=day, phone_s=seconds_per_agent, email_s=0
            )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@time_machine.travel(AFTER_2026, tick=False)
def test_it_no_longer_shows_spare_capacity_while_the_target_is_missed(
    client_for, personas, computed_capacity
):
    # The demo's case in small: 20 February days, each half-hour 1 answered call, 1 abandon,
    # 1 call ended in the IVR (décroché (1 + 1) / 3 = 66,7 % on the dashboard, target 87 %);
    # 2 agents (alice, bob) logged 6 h on the phone each day.
    make_history()
    _log_phone_time(personas, 6 * 3600)
    page = selectors.capacity_page(2026, today=AFTER_2026.date())
    # The COG ratio alone says 0.1 ETP would do (483 calls / 7 600) for 2 present: "spare".
    assert page.report.columns[0].result.fte_gap > 1.5
    # Unavailability from the history: the ready agents Erlang A needs to explain 50 %
    # abandonment over 6 h logged × 2 agents; the requirement is 5 agents per half-hour
    # (ready agents / (1 − unavailability), rounded up).
    assert page.shrinkage_estimate is not None
    assert 0.5 < page.need.shrinkage < 0.7
    assert page.need.required.max() == page.need.required.min() == 5
    total = page.total
    assert total.days == 20  # the other working days of 2026 have no call imported: unknown
    assert total.hours_needed == pytest.approx(750)  # 5 × 15 half-hours × 0.5 h × 20 days
    assert total.hours_staffed == pytest.approx(240)  # 2 agents × 6 h logged × 20 days
    assert total.hours_missing == pytest.approx(510)  # short in every half-hour: 750 − 240
    assert total.fte_missing == pytest.approx(4.25)  # 510 h / (6 h × 20 days)
    # Ready agents = logged × (1 − unavailability) = those that explain the abandonment:
    # the expected décroché with the staff in post is the dashboard's 2/3.
    assert total.expected_pickup == pytest.approx(2 / 3, abs=1e-3)

    response = computed_capacity(client_for("diane"), {"annee": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert "Décroché attendu avec l'effectif en poste (Erlang A) 66,7 %" in text
    assert "Avec l'effectif en poste, la cible n'est pas tenue" in text
    assert "Heures de téléphonie manquantes 510 h" in text
    assert "status-met" not in html
    assert "Écart" not in text and "disponibles − nécessaires" not in text
    assert "février 20 900 750 h 240 h 510 h" in text
    assert "12:00 3 5,0 0,0 5,0 33,3 %" in text  # lunch of both agents: IVR share only

    dashboard = client_for("diane").get(reverse("indicators:dashboard"), {"year": "2026"})
    assert "66,7" in dashboard.content.decode()


@time_machine.travel(AFTER_2026, tick=False)
def test_it_says_when_unavailability_cannot_be_estimated(client_for, personas, computed_capacity):
    make_history()
    html = computed_capacity(client_for("diane"), {"annee": "2026"}).content.decode()
    assert "Taux d'indisponibilité non estimé" in html
    assert "le besoin est donc sous-estimé" in html


@time_machine.travel(dt.datetime(2026, 2, 16, 10, 0, tzinfo=dt.UTC), tick=False)
def test_future_days_use_the_forecast_and_the_recorded_staff(client_for, personas):
    make_history(FEBRUARY[:10])  # 2–13 February known, forecast from the 16th
    page = selectors.capacity_page(2026, today=dt.date(2026, 2, 16))
    days = page.need.days
    assert days[0] == dt.date(2026, 2, 2) and days[-1] == dt.date(2026, 12, 31)
    assert dt.date(2026, 1, 5) not in days  # past day without calls: left out, not zero
    future = days.index(dt.date(2026, 2, 16))
    # Roster on a future day (no activity known): 2 full-time agents of group A, on the
    # phone from 9:00 to 11:45 → 2 agents at 9:00.
    assert page.need.staffed[future, 0] == pytest.approx(2.0)
    assert page.need.offered[future].sum() > 0

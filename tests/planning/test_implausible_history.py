"""Issue 12, item 1: planning pages never answer 500 on implausible stored values.

Imports refuse such values now; rows stored before the checks (an inf wait, a 99 999 999 999 s
talk time, 1e308) are read as unknown by the contacts selectors, so forecasts, capacity and
day plans see a plausible history.
"""

import datetime as dt
import math

import pytest
from django.urls import reverse

from pfspilot.contacts.models import Call
from pfspilot.indicators.services import refresh_aggregates
from tests.planning.test_forecasting import FEBRUARY, MARCH_2, make_history


@pytest.mark.parametrize("value", [math.inf, 1e308, 99_999_999_999.0])
def test_planning_pages_survive_implausible_stored_values(client_for, value):
    make_history()
    arrival = dt.datetime(2026, 2, 16, 9, 5, tzinfo=dt.UTC)
    Call.objects.create(
        source="ancien",
        source_id="poison",
        arrival=arrival,
        queue_entry=arrival,
        answered_at=arrival + dt.timedelta(seconds=20),
        wait_s=value,
        talk_s=value,
        wrap_s=value,
        outcome="answered",
    )
    refresh_aggregates(FEBRUARY[0], FEBRUARY[-1])
    client = client_for("maud")
    day = {"jour": MARCH_2.isoformat()}
    for name in ("planning:forecast", "planning:capacity", "planning:day", "planning:week"):
        response = client.get(reverse(name), day)
        assert response.status_code == 200, name
        assert ">inf" not in response.content.decode(), name

"""Planning estimates from a history with unknown waits and talk times (issue 7 §3)."""

import numpy as np
import pytest

from pfspilot.contacts.models import AgentActivity, Call
from pfspilot.engine import shrinkage
from pfspilot.indicators.services import refresh_aggregates
from pfspilot.planning import selectors
from tests.planning.dayplan_data import FEBRUARY, MARCH_2, make_agents, make_history

pytestmark = pytest.mark.django_db
SLOTS = 20 * 15  # the history's working days × half-hours


@pytest.fixture
def platform(personas):
    make_history()  # per half-hour: 8 answered (wait 30 s, 300 s), 1 abandon (60 s), 1 IVR
    make_agents()
    AgentActivity.objects.bulk_create(
        AgentActivity(agent_code=f"a{k}", day=day, phone_s=30 * 3600 / 5, email_s=3000.0)
        for day in FEBRUARY
        for k in range(5)
    )


def _forget(**blank):
    """Blanks the given fields of the first answered call of every half-hour, then rebuilds."""
    Call.objects.filter(source_id__endswith="-a0").update(**blank)
    refresh_aggregates(FEBRUARY[0], FEBRUARY[-1])


def test_unknown_talk_times_leave_the_aht_and_the_busy_time_right(platform):
    _forget(talk_s=None, wrap_s=None)
    inputs = selectors.day_inputs(MARCH_2)
    # AHT over the 7 known calls: 300 s, as before; the shrinkage is unchanged (0.350527, see
    # tests/planning/test_services.py) and the busy time counts all 8 answered calls at 300 s.
    assert inputs.demand.aht_s == pytest.approx(300.0)
    assert inputs.shrinkage == pytest.approx(0.350527, abs=1e-6)
    assert inputs.shrinkage_estimate.busy_s == pytest.approx(SLOTS * 8 * 300.0)


def test_unknown_waits_still_count_their_calls_in_the_queue(platform):
    _forget(wait_s=None, queue_entry=None)
    inputs = selectors.day_inputs(MARCH_2)
    # Patience over known waits: (7 × 30 + 60) / 1 abandon = 270 s (not 300, nor 8 × 30 / 1).
    assert inputs.demand.patience_s == pytest.approx(270.0)
    estimate = inputs.shrinkage_estimate
    assert estimate.days == 20
    # The queue still got 9 calls per half-hour (18 an hour), 1 of them abandoned.
    ready = shrinkage.effective_agents(np.array([18.0]), 300.0, 270.0, np.array([1 / 9]))[0]
    assert estimate.ready_s / 3600 == pytest.approx(SLOTS * 0.5 * ready, rel=1e-9)

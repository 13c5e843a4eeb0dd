"""The funded agents' contracts read once for the dashboard and planning."""

import datetime as dt
from decimal import Decimal

import pytest

from pfspilot.people.models import Role, Team, User
from pfspilot.people.selectors import contracts, funded_fte


def _user(name, role=Role.AGENT, fte="1.00", start=None, end=None, active=True, team=None):
    return User.objects.create(
        username=name,
        role=role,
        fte=Decimal(fte),
        start_date=start,
        end_date=end,
        is_active=active,
        team=team,
    )


@pytest.mark.django_db
def test_it_funds_the_platforms_own_agents_by_days_under_contract():
    arras = Team.objects.create(name="Arras")
    _user("full", start=dt.date(2020, 1, 1), team=arras)
    _user("august", fte="0.80", start=dt.date(2026, 8, 1), team=arras)
    _user("left", start=dt.date(2020, 1, 1), end=dt.date(2026, 1, 30), active=False)
    _user("gone", start=dt.date(2020, 1, 1), active=False)  # deactivated, no end date
    _user("renfort", role=Role.REINFORCEMENT)  # funded elsewhere
    _user("chef", role=Role.SUPERVISOR)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 11, 30)  # 230 working days
    assert sorted(c.fte for c in contracts(start=start, end=end)) == [0.8, 1.0, 1.0]
    # 1 + 0,8 × 85 / 230 (from 1 August) + 21 / 230 (January until the 30th).
    assert funded_fte(start=start, end=end) == pytest.approx(1 + 0.8 * 85 / 230 + 21 / 230)
    assert funded_fte(start=start, end=end, team="Arras") == pytest.approx(1 + 0.8 * 85 / 230)
    assert funded_fte(start=start, end=end, agent="august") == pytest.approx(0.8 * 85 / 230)
    assert funded_fte(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28), agent="left") == 0.0

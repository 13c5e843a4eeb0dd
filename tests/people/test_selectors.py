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


@pytest.mark.django_db
def test_one_employment_rule_for_dashboard_capacity_and_day_plans():
    from pfspilot.people.selectors import agents_employed
    from pfspilot.planning.selectors import agents_on_duty

    _user("active", start=dt.date(2020, 1, 1))
    # Deactivated with an end date: counted until 15 June 2026, not after.
    _user("left", start=dt.date(2020, 1, 1), end=dt.date(2026, 6, 15), active=False)
    _user("gone", active=False)  # deactivated without an end date: never counted
    _user("later", start=dt.date(2026, 7, 1))
    _user("renfort", role=Role.REINFORCEMENT)
    june_15, june_16 = dt.date(2026, 6, 15), dt.date(2026, 6, 16)  # Monday, Tuesday

    def names(**kwargs):
        return sorted(agents_employed(**kwargs).values_list("username", flat=True))

    assert names(start=june_15, end=june_15) == ["active", "left"]
    assert names(start=june_16, end=june_16) == ["active"]
    assert names(start=june_16, end=dt.date(2026, 7, 1)) == ["active", "later"]
    assert names(start=june_15, end=june_15, roles=(Role.AGENT, Role.REINFORCEMENT)) == [
        "active",
        "left",
        "renfort",
    ]
    # The day plan's agents follow the same rule (it used to drop "left" on its last day).
    assert sorted(a.name for a in agents_on_duty(june_15)) == ["active", "left"]
    assert [a.name for a in agents_on_duty(june_16)] == ["active"]
    assert User.objects.get(username="left").is_employed_on(june_15)
    assert not User.objects.get(username="left").is_employed_on(june_16)


@pytest.mark.django_db
def test_accounts_and_teams_frames_carry_current_names():
    from pfspilot.people.selectors import accounts_frame, team_ids, teams_frame

    arras = Team.objects.create(name="Arras")
    _user("tc001", team=arras)
    _user("tc002")
    arras.name = "Arras Nord"
    arras.save()
    accounts = accounts_frame().sort("username")
    assert accounts["username"].to_list() == ["tc001", "tc002"]
    assert accounts["user_team"].to_list() == ["Arras Nord", None]
    assert teams_frame().rows() == [(arras.pk, "Arras Nord")]
    assert team_ids() == {"Arras Nord": arras.pk}

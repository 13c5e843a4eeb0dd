"""Production per funded ETP pro-rated by each agent's days under contract."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from pfspilot.indicators import dashboard
from pfspilot.indicators.models import DailyStats, Grain
from pfspilot.people.models import Role, Team, User

# Today 30/11/2026, with data up to today (the dashboard counts to its last day with data):
# 230 working days elapsed of the 252 of 2026 (platform calendar).
TODAY = dt.datetime(2026, 11, 30, 10)
# The agent started on 1 August 2026: 85 working days under contract to 30/11
# (August 21, September 22, October 22, November 20).
UNDER_CONTRACT = 85


def _stats(day, agent, team, answered):
    DailyStats.objects.create(
        day=day,
        year=day.year,
        month=day.month,
        week=day - dt.timedelta(days=day.weekday()),
        grain=Grain.AGENT,
        team=team,
        agent=agent,
        calls_offered=answered,
        calls_answered=answered,
    )


@pytest.fixture
def august_agent(db):
    team = Team.objects.create(name="Arras")
    User.objects.create(
        username="tc777",
        first_name="Août",
        last_name="Agent",
        role=Role.AGENT,
        team=team,
        fte=Decimal("1.00"),
        start_date=dt.date(2026, 8, 1),
    )
    return team


def _calls_card(client, **params):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("indicators:dashboard"), {"agent": "tc777", **params})
    return {row["key"]: row for row in response.context["targets"]}["calls_per_fte"], response


@pytest.mark.parametrize(
    "answered,status",
    [
        # 2 370 calls (the example): 2 370 / (85/230) = 6 412,9 per funded ETP against
        # 7 600 × 230/252 = 6 936,5 to date, i.e. 2 370 calls against 7 600 × 85/252 = 2 563,5
        # for this agent: 92,5 % → missed (below 95 %), no longer 2 370 against 6 937.
        (2370, dashboard.MISSED),
        (2500, dashboard.AT_RISK),  # 2 500 / 2 563,5 = 97,5 %
        (2600, dashboard.MET),  # 2 600 ≥ 2 563,5 (this was « Manqué » against 6 937)
    ],
)
def test_an_agent_from_august_is_measured_on_the_days_under_contract(
    client_for, august_agent, answered, status
):
    _stats(dt.date(2026, 11, 30), "tc777", "Arras", answered)
    card, response = _calls_card(client_for("maud"))
    assert card["value"] == pytest.approx(answered * 230 / UNDER_CONTRACT)
    assert card["target"] == pytest.approx(7600 * 230 / 252)  # 6 936,5
    # Same status as the agent's own calls against their own pro-rated target.
    assert card["value"] / card["target"] == pytest.approx(answered / (7600 * UNDER_CONTRACT / 252))
    assert card["status"] == status
    assert response.context["fte"] == pytest.approx(UNDER_CONTRACT / 230)
    assert "0,37 ETP financés sur la période" in response.content.decode()


def test_a_month_counts_the_days_under_contract_of_that_month(client_for, august_agent):
    _stats(dt.date(2026, 11, 30), "tc777", "Arras", 700)
    _stats(dt.date(2026, 7, 1), "tc999", "Arras", 10)  # someone else's day, in July
    # November: the agent worked the whole month, 1 funded ETP; target 7 600 × 20/252 = 603,2.
    card, _response = _calls_card(client_for("maud"), month="11")
    assert card["value"] == 700
    assert card["target"] == pytest.approx(7600 * 20 / 252)
    assert card["status"] == dashboard.MET
    # July, before the contract: nothing funded, no production per ETP.
    card, response = _calls_card(client_for("maud"), month="7")
    assert card["value"] is None and response.context["fte"] == 0.0


def test_the_trend_divides_each_period_by_its_own_funded_etp(client_for, august_agent):
    # A second agent on the whole year, so the team has months before August.
    User.objects.create(
        username="tc778",
        role=Role.AGENT,
        team=august_agent,
        fte=Decimal("0.50"),
        start_date=dt.date(2020, 1, 1),
    )
    _stats(dt.date(2026, 3, 2), "tc778", "Arras", 300)
    _stats(dt.date(2026, 9, 1), "tc777", "Arras", 600)
    _stats(dt.date(2026, 9, 1), "tc778", "Arras", 300)
    _stats(dt.date(2026, 11, 30), "tc778", "Arras", 0)  # data up to today
    with time_machine.travel(TODAY, tick=False):
        response = client_for("maud").get(reverse("indicators:dashboard"), {"team": "Arras"})
    trend = {row["period"]: row for row in response.context["tables"]["tendance"].rows}
    assert trend[3]["calls_per_fte"] == pytest.approx(300 / 0.5)  # March: tc778 only
    assert trend[9]["calls_per_fte"] == pytest.approx(900 / 1.5)  # September: both
    # Year to date: 0,5 + 85/230 funded ETP for 1 200 calls.
    assert response.context["fte"] == pytest.approx(0.5 + 85 / 230)


def test_it_says_when_the_year_target_is_already_reached(client_for, august_agent):
    _stats(dt.date(2026, 11, 30), "tc777", "Arras", 3000)  # 3 000 / (85/230) = 8 117,6 ≥ 7 600
    card, _response = _calls_card(client_for("maud"))
    assert card["needed"] < 0
    assert card["sentence"].startswith(
        "Appels décrochés par ETP financé : cible annuelle de 7\u202f600 déjà atteinte"
    )

"""Funded ETP pro-rated by working days under contract (the one definition)."""

from datetime import date

import pytest

from pfspilot.engine.employment import Contract, contract_working_days, fte_days, funded_fte

YEAR_TO_30_NOV = (date(2026, 1, 1), date(2026, 11, 30))  # 230 working days (platform calendar)


def test_an_agent_employed_all_along_counts_their_quotite():
    assert funded_fte([Contract(1.0, date(2015, 1, 5))], *YEAR_TO_30_NOV) == 1.0
    assert funded_fte([Contract(0.5)], *YEAR_TO_30_NOV) == 0.5


def test_an_agent_from_august_counts_the_days_under_contract():
    # 1 August 2026 is a Saturday; working days from then to 30 November:
    # August 21 (3–31, 15 August a Saturday), September 22, October 22,
    # November 20 (21 weekdays, 11 November a Wednesday) = 85 of the 230 of the year to date.
    contract = Contract(1.0, date(2026, 8, 1))
    assert contract_working_days(contract, *YEAR_TO_30_NOV) == 85
    assert funded_fte([contract], *YEAR_TO_30_NOV) == pytest.approx(85 / 230)
    # At 80 %: 0,8 × 85 = 68 ETP-days.
    assert fte_days([Contract(0.8, date(2026, 8, 1))], *YEAR_TO_30_NOV) == pytest.approx(68)


def test_a_contract_that_ended_counts_until_its_last_day():
    # Until Friday 30 January 2026: Friday 2 and four full weeks (5–30) = 21 working days,
    # all of January's (1 January a holiday, 31 a Saturday).
    contract = Contract(1.0, date(2020, 1, 1), date(2026, 1, 30))
    assert contract_working_days(contract, date(2026, 1, 1), date(2026, 1, 31)) == 21
    assert contract_working_days(contract, date(2026, 2, 1), date(2026, 2, 28)) == 0
    assert funded_fte([contract], *YEAR_TO_30_NOV) == pytest.approx(21 / 230)


def test_it_adds_up_agents_and_ignores_contracts_outside_the_period():
    contracts = [
        Contract(1.0),
        Contract(0.5, date(2026, 8, 1)),  # 0,5 × 85 / 230
        Contract(1.0, date(2026, 12, 1)),  # starts after the period
        Contract(1.0, None, date(2025, 12, 31)),  # ended before it
    ]
    assert funded_fte(contracts, *YEAR_TO_30_NOV) == pytest.approx(1 + 0.5 * 85 / 230)


def test_a_period_without_working_days_funds_nothing():
    # Saturday 1 and Sunday 2 August 2026.
    assert funded_fte([Contract(1.0)], date(2026, 8, 1), date(2026, 8, 2)) == 0.0
    assert funded_fte([], *YEAR_TO_30_NOV) == 0.0

"""Funded ETP of a period: each agent counts by quotité and by the working days under contract.

Pure Python (no Django). The one definition shared by the COG dashboard (production per funded
ETP) and planning (capacity): an agent at quotité q employed on d of the D working days of a
period counts q × d / D funded ETP for that period. A full-time agent employed all year counts
1; one who starts on 1 August counts only the working days from then on, so their production
is measured against the days they were under contract, not the whole year (note « Précisions »:
7 600 calls and 1 700 emails per funded ETP in 2026).

Working days are those of the platform's calendar (`engine.calendar`: Monday to Friday, French
public holidays excluded). Training days and absences are not taken out: a funded ETP is paid
on those days too (planning removes them separately when it counts phone hours).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pfspilot.engine import calendar


@dataclass(frozen=True)
class Contract:
    """One agent's employment: quotité (0 < fte ≤ 1) and contract days (both included).

    `start` None: employed before any period considered; `end` None: still employed.
    """

    fte: float
    start: date | None = None
    end: date | None = None


def _bounds(contract: Contract, start: date, end: date) -> tuple[date, date]:
    """The part of [start, end] under `contract` (empty when first > last)."""
    first = max(start, contract.start) if contract.start else start
    last = min(end, contract.end) if contract.end else end
    return first, last


def contract_working_days(contract: Contract, start: date, end: date) -> int:
    """Working days of [start, end] (both included) during which `contract` runs."""
    first, last = _bounds(contract, start, end)
    return calendar.count_working_days(first, last) if first <= last else 0


def fte_days(contracts: Iterable[Contract], start: date, end: date) -> float:
    """Σ quotité × working days under contract in [start, end]: ETP-days funded in the period."""
    days = calendar.working_days(start, end)
    total = 0.0
    for contract in contracts:
        first, last = _bounds(contract, start, end)
        if first > last:
            continue
        # Working days of the contract's part of the period, by bisection on the period's days.
        count = bisect.bisect_right(days, last) - bisect.bisect_left(days, first)
        total += contract.fte * count
    return total


def funded_fte(contracts: Iterable[Contract], start: date, end: date) -> float:
    """Funded ETP of the period [start, end] (both included), pro-rated by days under contract.

    Σ quotité × working days under contract / working days of the period. Returns 0.0 for a
    period without working days (nothing is funded on a weekend or a holiday).
    Example: 1 ETP from 1 August 2026, period 1 January – 30 November 2026: 85 of the 230
    working days under contract, 85 / 230 = 0.3696 funded ETP.
    """
    working = calendar.count_working_days(start, end)
    if not working:
        return 0.0
    return fte_days(contracts, start, end) / working

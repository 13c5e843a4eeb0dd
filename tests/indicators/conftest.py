"""The factories' year summed into the dashboard's aggregates, shared by the dashboard tests."""

import datetime as dt

import pytest
import time_machine

from pfspilot.engine.parameters import IndicatorParams, PlatformRules
from pfspilot.indicators.services import replace_aggregates

from .factories import frames, make_agents

SUMMED_AT = dt.datetime(2026, 11, 28, 9)
NOW = dt.datetime(2026, 11, 28, 10)  # an hour after the sums, so "today" is 28/11/2026


@pytest.fixture
def year_loaded(db):
    """The agents and the sums of the factories' year, the clock frozen at `NOW`."""
    make_agents()
    replace_aggregates(
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        at=SUMMED_AT,
        params=IndicatorParams(),
        rules=PlatformRules(),
        **frames(),
    )
    with time_machine.travel(NOW, tick=False):
        yield

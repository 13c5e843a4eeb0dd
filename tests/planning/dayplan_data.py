"""Shared data of the day-plan tests: a month of calls and a small platform of agents."""

import datetime as dt

from django.utils import timezone

from pfspilot.contacts.models import Call
from pfspilot.indicators.services import refresh_aggregates
from pfspilot.people.models import Role, Team
from tests.conftest import make_user

FEBRUARY = [
    d for d in (dt.date(2026, 2, 2) + dt.timedelta(days=k) for k in range(26)) if d.weekday() < 5
]
MARCH_2 = dt.date(2026, 3, 2)  # a Monday after the history
TRAINING_THURSDAY = dt.date(2026, 3, 19)  # third Thursday of March


def make_history(days=FEBRUARY):
    """Every half-hour: 8 calls answered (wait 30 s, 270 + 30 s), 1 abandon after 60 s and
    1 call ended in the IVR: 10 calls offered, AHT 300 s, patience (8×30 + 60)/1 = 300 s,
    IVR share 10 %."""
    calls = []
    for day in days:
        for slot in range(15):
            hour, minute = 9 + slot // 2, 30 * (slot % 2)
            arrival = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute + 5)))
            base = f"{day:%Y%m%d}-{slot}"
            calls += [
                Call(
                    source="test",
                    source_id=f"{base}-a{k}",
                    arrival=arrival,
                    queue_entry=arrival,
                    wait_s=30.0,
                    talk_s=270.0,
                    wrap_s=30.0,
                    outcome="answered",
                )
                for k in range(8)
            ]
            calls.append(
                Call(
                    source="test",
                    source_id=f"{base}-x",
                    arrival=arrival,
                    queue_entry=arrival,
                    wait_s=60.0,
                    outcome="abandoned",
                )
            )
            calls.append(Call(source="test", source_id=f"{base}-s", arrival=arrival, outcome="ivr"))
    Call.objects.bulk_create(calls)
    # Written directly, not imported: the half-hour sums are rebuilt as an import would.
    refresh_aggregates(days[0], days[-1])


def make_agents():
    """Three agents of team Lens besides the personas alice and bob (team Arras, group A)."""
    lens = Team.objects.create(name="Équipe Lens")
    return [
        make_user("chloe", Role.AGENT, "confirme", lens, lunch_group="B"),
        make_user("david", Role.AGENT, "confirme", lens, lunch_group="A"),
        make_user("emma", Role.AGENT, "confirme", lens, lunch_group="B", fte="0.80"),
    ]

"""A tiny hand-checkable year of records (canonical frames) shared by the dashboard tests."""

import datetime as dt
from decimal import Decimal

import polars as pl

from pfspilot.engine.indicators import ACTIVITY_DTYPES, CALL_DTYPES, EMAIL_DTYPES, SURVEY_DTYPES
from pfspilot.engine.records import INSTANT, as_instants
from pfspilot.people.models import Role, Team, User

T = dt.datetime


def call(
    cid,
    caller,
    arrival,
    outcome,
    *,
    agent=None,
    team=None,
    wait=None,
    talk=None,
    wrap=None,
    motif=None,
):
    return {
        "call_id": cid,
        "caller_id": caller,
        "arrival": arrival,
        "queue_entry": arrival if outcome != "ivr" else None,
        "answered_at": arrival + dt.timedelta(seconds=wait) if outcome == "answered" else None,
        "wait_s": wait,
        "talk_s": talk,
        "wrap_s": wrap,
        "agent": agent,
        "team": team,
        "motif": motif,
        "outcome": outcome,
    }


def frames() -> dict[str, pl.DataFrame]:
    """Five calls, three emails, four survey answers, three activity days (see the tests)."""
    calls = [
        call(
            "c1",
            "A",
            T(2026, 1, 5, 9),
            "answered",
            agent="tc001",
            team="Arras",
            wait=10,
            talk=200,
            wrap=40,
            motif="CMG",
        ),
        call(
            "c2",
            "A",
            T(2026, 1, 5, 10),
            "answered",
            agent="tc002",
            team="Lens",
            wait=30,
            talk=100,
            wrap=20,
            motif="ASF",
        ),
        call("c3", "B", T(2026, 1, 5, 11), "ivr", motif="CMG"),
        call("c4", None, T(2026, 1, 5, 12), "abandoned", team="Arras", wait=50),
        call(
            "c5",
            "B",
            T(2026, 11, 27, 9),
            "answered",
            agent="tc001",
            team="Arras",
            wait=5,
            talk=300,
            wrap=0,
            motif="CMG",
        ),
    ]
    emails = [
        {
            "email_id": "e1",
            "received_at": T(2026, 1, 5, 9),
            "kind": "niveau1",
            "motif": "CMG",
            "agent": "tc001",
            "team": "Arras",
            "answered_at": T(2026, 1, 6, 10),
        },
        {
            "email_id": "e2",
            "received_at": T(2026, 1, 5, 9),
            "kind": "niveau1",
            "motif": "ASF",
            "agent": "tc001",
            "team": "Arras",
            "answered_at": T(2026, 1, 9, 10),
        },
        {
            "email_id": "e3",
            "received_at": T(2026, 2, 2, 9),
            "kind": "reclamation",
            "motif": "CMG",
            "agent": "tc002",
            "team": "Lens",
            "answered_at": T(2026, 2, 10, 9),
        },
    ]
    surveys = [
        {
            "survey_id": "s1",
            "channel": "telephone",
            "answered_on": dt.date(2026, 1, 5),
            "score": 5.0,
            "satisfied": True,
        },
        {
            "survey_id": "s2",
            "channel": "telephone",
            "answered_on": dt.date(2026, 1, 6),
            "score": 4.0,
            "satisfied": True,
        },
        {
            "survey_id": "s3",
            "channel": "telephone",
            "answered_on": dt.date(2026, 2, 6),
            "score": 1.0,
            "satisfied": False,
        },
        {
            "survey_id": "s4",
            "channel": "courriel",
            "answered_on": dt.date(2026, 2, 6),
            "score": 5.0,
            "satisfied": True,
        },
    ]
    activity = [
        {
            "agent": "tc001",
            "team": "Arras",
            "day": dt.date(2026, 1, 5),
            "phone_s": 3600.0,
            "email_s": 1800.0,
        },
        {
            "agent": "tc001",
            "team": "Arras",
            "day": dt.date(2026, 11, 27),
            "phone_s": 3600.0,
            "email_s": 0.0,
        },
        {
            "agent": "tc002",
            "team": "Lens",
            "day": dt.date(2026, 1, 5),
            "phone_s": 7200.0,
            "email_s": 3600.0,
        },
    ]
    return {
        "calls": _local(calls, CALL_DTYPES),
        "emails": _local(emails, EMAIL_DTYPES),
        "surveys": pl.DataFrame(surveys, schema=SURVEY_DTYPES),
        "activity": pl.DataFrame(activity, schema=ACTIVITY_DTYPES),
    }


def _local(rows: list[dict], dtypes: dict) -> pl.DataFrame:
    """Rows whose datetimes are naive Paris readings, as instants (records.as_instants)."""
    naive = {n: pl.Datetime("us") if t == INSTANT else t for n, t in dtypes.items()}
    return as_instants(pl.DataFrame(rows, schema=naive))


def make_agents():
    """tc001 (Arras, 1 ETP) and tc002 (Lens, 0,5 ETP)."""
    arras = Team.objects.get_or_create(name="Arras")[0]
    lens = Team.objects.get_or_create(name="Lens")[0]
    for username, team, fte in (("tc001", arras, "1.00"), ("tc002", lens, "0.50")):
        User.objects.create(
            username=username,
            first_name=username.upper(),
            last_name="Agent",
            role=Role.AGENT,
            team=team,
            fte=Decimal(fte),
            start_date=dt.date(2020, 1, 1),
        )

"""`pfspilot supervision plan|sample`: the JSON contracts, and French refusals with status 2."""

import datetime as dt
import json
import sys

import pytest
import time_machine
from django.core.management import call_command

from pfspilot.__main__ import main
from pfspilot.people.models import Role
from pfspilot.planning.models import Absence, DayPlan
from pfspilot.supervision.models import Campaign, Supervision
from tests.conftest import make_user

from .factories import activity


def run(capsys, *args):
    call_command("supervision", *args, "--json")
    return json.loads(capsys.readouterr().out)


def fails(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["pfspilot", "supervision", *args, "--json"])
    # run_from_argv closes the connections at the end: keep the test's transaction open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    return captured.err


@pytest.fixture
def platform(personas, team):
    extra = [make_user(f"agent{i}", Role.AGENT, "confirme", team) for i in range(6)]
    late = make_user("arrivee", Role.AGENT, "confirme", team)
    late.start_date = dt.date(2027, 4, 1)
    late.save()
    return personas, extra, late


@time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False)
def test_plan_covers_every_agent_once_balanced_and_dry_run_writes_nothing(platform, capsys):
    personas, extra, late = platform
    Absence.objects.create(
        agent=personas["sam"], start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31)
    )
    # A stored day plan without alice: she is not on the platform that day.
    DayPlan.objects.create(
        day=dt.date(2027, 4, 1), payload={"agents": [{"id": personas["bob"].pk}]}
    )
    rows = run(capsys, "plan", "--semester", "2027-S1", "--dry-run")
    assert Campaign.objects.count() == 0 and Supervision.objects.count() == 0
    agents = sorted(r["agent"] for r in rows)
    assert agents == sorted(["alice", "bob", "arrivee", *(u.username for u in extra)])
    loads = {s: sum(1 for r in rows if r["supervisor"] == s) for s in ("sam", "maud")}
    assert abs(loads["sam"] - loads["maud"]) <= 1
    for r in rows:
        day = dt.date.fromisoformat(r["day"])
        assert day.weekday() < 5 and day != dt.date(2027, 3, 18)  # third Thursday: training
        if r["supervisor"] == "sam":
            assert day > dt.date(2027, 3, 31)
        if r["agent"] == "alice":
            assert day != dt.date(2027, 4, 1)
        if r["agent"] == "arrivee":
            assert day >= dt.date(2027, 4, 1)
    assert run(capsys, "plan", "--semester", "2027-S1") == rows
    assert Supervision.objects.count() == len(rows)
    # A re-plan keeps the campaign and adds an agent who arrived since.
    make_user("nouveau", Role.AGENT, "fi", personas["alice"].team).save()
    again = run(capsys, "plan", "--semester", "2027-S1")
    assert len(again) == len(rows) + 1 and {r["agent"] for r in again} >= set(agents)
    assert Supervision.objects.count() == len(rows) + 1


@time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False)
def test_plan_refuses_a_semester_without_supervisor(platform, monkeypatch, capsys):
    personas, _, _ = platform
    for name in ("sam", "maud"):
        Absence.objects.create(
            agent=personas[name], start=dt.date(2027, 1, 1), end=dt.date(2027, 6, 30)
        )
    err = fails(monkeypatch, capsys, "plan", "--semester", "2027-S1")
    assert "aucun assistant superviseur ni manager" in err
    assert "AAAA-S1" in fails(monkeypatch, capsys, "plan", "--semester", "2027-T1")
    assert Campaign.objects.count() == 0


def test_sample_contract_is_reproducible_and_says_short(personas, capsys):
    alice = personas["alice"]
    activity(alice)
    args = ["sample", "--agent", "alice", "--from", "2027-01-01", "--to", "2027-01-31"]
    sizes = ["--calls", "6", "--emails", "4", "--requests", "9", "--seed", "5"]
    first = run(capsys, *args, *sizes)
    assert set(first) == {"calls", "emails", "requests", "short"}
    assert len(first["calls"]) == 6 and len(first["emails"]) == 4
    assert len(first["requests"]) == 5 and first["short"] == {
        "calls": 0,
        "emails": 0,
        "requests": 4,
    }
    assert run(capsys, *args, *sizes) == first
    assert run(capsys, *args, "--calls", "6", "--seed", "6")["calls"] != first["calls"]


def test_sample_refusals(personas, monkeypatch, capsys):
    base = ["sample", "--from", "2027-01-01", "--to", "2027-01-31", "--calls", "3", "--seed", "1"]
    assert "aucune activité" in fails(monkeypatch, capsys, *base, "--agent", "bob")
    assert "inconnu" in fails(monkeypatch, capsys, *base, "--agent", "personne")
    assert "--calls" in fails(
        monkeypatch,
        capsys,
        "sample",
        "--agent",
        "bob",
        "--from",
        "2027-01-01",
        "--to",
        "2027-01-31",
        "--calls",
        "-1",
        "--seed",
        "1",
    )

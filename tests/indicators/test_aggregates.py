"""The daily sums give exactly the engine's figures on the raw records."""

import datetime as dt

import polars as pl
import pytest
import time_machine

from pfspilot.contacts.services import import_frame
from pfspilot.engine import indicators as engine
from pfspilot.engine.parameters import IndicatorParams, PlatformRules
from pfspilot.indicators import dashboard, selectors
from pfspilot.indicators.models import DailySatisfaction, DailyStats
from pfspilot.indicators.services import replace_aggregates

from .factories import frames, make_agents

AT = dt.datetime(2026, 11, 28, 12)
YEAR = (dt.date(2026, 1, 1), dt.date(2027, 1, 1))


def same(ours, theirs) -> bool:
    """Equal to the last floating-point digits (sums of floats are added in another order)."""
    return ours is theirs is None or ours == pytest.approx(theirs, rel=1e-12)


def _load(captured):
    make_agents()
    data = frames()
    with captured(execute=True), time_machine.travel(dt.datetime(2026, 11, 28, 11), tick=False):
        for kind in ("calls", "emails", "surveys", "activity"):
            import_frame(kind=kind, frame=data[kind], source="test")
    return data


@pytest.mark.django_db
def test_it_rebuilds_the_sums_after_each_import(django_capture_on_commit_callbacks):
    _load(django_capture_on_commit_callbacks)
    total = selectors.period_sums(year=2026)[0]
    assert total["calls_offered"] == 5
    assert total["calls_answered"] == 3
    assert total["calls_repeat"] == 1
    assert total["level1_due"] == 2
    assert total["emails_answered"] == 3
    assert DailySatisfaction.objects.count() == 4


@pytest.mark.django_db
def test_it_equals_the_engine_on_the_raw_frames(django_capture_on_commit_callbacks):
    data = _load(django_capture_on_commit_callbacks)
    start, end = YEAR
    raw = engine.call_summary(data["calls"], start=start, end=end)
    sums = dashboard.rates(selectors.period_sums(year=2026)[0])
    assert sums["calls_offered"] == raw["offered"]
    assert sums["calls_ivr"] == raw["ivr_handled"]
    assert sums["calls_abandoned"] == raw["abandoned"]
    for ours, theirs in (
        ("pickup_rate", "pickup_rate"),
        ("repeat_rate", "repeat_rate"),
        ("asa_s", "asa_s"),
        ("aht_s", "aht_s"),
        ("service_level", "service_level"),
        ("agent_answer_rate", "agent_answer_rate"),
    ):
        assert sums[ours] == pytest.approx(raw[theirs], rel=1e-12), ours
    by_team = engine.call_indicators(data["calls"], start=start, end=end, group="team")
    ours = {r["team"]: dashboard.rates(r) for r in selectors.period_sums(year=2026, by=("team",))}
    for row in by_team.iter_rows(named=True):
        mine = ours[row["team"] or ""]
        assert mine["calls_offered"] == row["offered"]
        assert same(mine["pickup_rate"], row["pickup_rate"])
        assert same(mine["aht_s"], row["aht_s"])
    by_month = engine.call_indicators(data["calls"], start=start, end=end, by="month")
    months = {
        r["month"]: dashboard.rates(r) for r in selectors.period_sums(year=2026, by=("month",))
    }
    for row in by_month.filter(pl.col("offered") > 0).iter_rows(named=True):
        mine = months[row["period"].month]
        assert same(mine["repeat_rate"], row["repeat_rate"])
        assert same(mine["asa_s"], row["asa_s"])


@pytest.mark.django_db
def test_it_equals_the_engine_for_emails_productivity_and_motifs():
    data = frames()
    params, rules = IndicatorParams(), PlatformRules()
    replace_aggregates(
        start=YEAR[0], end=dt.date(2026, 12, 31), at=AT, params=params, rules=rules, **data
    )
    start, end = YEAR
    mails = engine.email_indicators(data["emails"], at=AT, start=start, end=end).row(0, named=True)
    sums = dashboard.rates(selectors.period_sums(year=2026)[0])
    assert sums["level1_rate"] == mails["level1_within_deadline_rate"] == 0.5
    assert sums["complaints_rate"] == mails["complaint_within_deadline_rate"] == 1.0
    productivity = engine.agent_productivity(
        data["activity"], calls=data["calls"], emails=data["emails"], start=start, end=end
    )
    agents = {
        r["agent"]: dashboard.rates(r) for r in selectors.period_sums(year=2026, by=("agent",))
    }
    for row in productivity.iter_rows(named=True):
        assert same(agents[row["agent"]]["calls_per_hour"], row["calls_per_hour"])
        assert same(agents[row["agent"]]["emails_per_hour"], row["emails_per_hour"])
    assert agents["tc001"]["calls_per_hour"] == 1.0  # 2 answered calls in 2 hours
    assert agents["tc001"]["emails_per_hour"] == 4.0  # 2 emails in half an hour
    by_motif = engine.call_indicators(data["calls"], start=start, end=end, group="motif")
    motifs = {r["motif"]: r for r in selectors.period_sums(year=2026, grain="motif", by=("motif",))}
    for row in by_motif.iter_rows(named=True):
        assert motifs[row["motif"] or ""]["calls_offered"] == row["offered"]
    assert motifs["CMG"]["calls_offered"] == 3


@pytest.mark.django_db
def test_it_replaces_the_days_it_rebuilds():
    data = frames()
    params, rules = IndicatorParams(), PlatformRules()
    args = dict(start=YEAR[0], end=dt.date(2026, 12, 31), at=AT, params=params, rules=rules)
    first = replace_aggregates(**args, **data)
    second = replace_aggregates(**args, **data)
    assert first == second == DailyStats.objects.count()


def test_it_keeps_a_committed_import_when_the_rebuild_fails(monkeypatch, caplog):
    from pfspilot.indicators import services

    def broken(*args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(services, "refresh_aggregates", broken)
    services.on_records_imported(
        None, kind="calls", start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 5)
    )
    assert "agrégats du tableau de bord non recalculés du 2026-01-05 au 2026-01-05" in caplog.text


def test_it_waits_for_the_end_of_a_bulk_load(monkeypatch):
    from pfspilot.indicators import services

    calls = []
    monkeypatch.setattr(services, "refresh_aggregates", lambda *a, **k: calls.append(a))
    with services.aggregates_paused():
        services.on_records_imported(None, kind="calls", start=YEAR[0], end=YEAR[0])
    services.on_records_imported(None, kind="calls", start=YEAR[0], end=YEAR[0])
    assert calls == [(YEAR[0], YEAR[0])]

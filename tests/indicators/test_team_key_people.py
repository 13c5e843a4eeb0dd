"""Team identity by key in the daily sums: renaming a team does not split its history."""

import datetime as dt
import importlib

import polars as pl
from django.apps import apps
from django.urls import reverse

from pfspilot.engine.parameters import IndicatorParams, PlatformRules
from pfspilot.indicators import selectors
from pfspilot.indicators.models import DailyStats, Grain
from pfspilot.indicators.services import replace_aggregates
from pfspilot.people.models import Team

from .conftest import SUMMED_AT
from .factories import frames


def _rename(old, new):
    team = Team.objects.get(name=old)
    team.name = new
    team.save()
    return team


def _renamed_frames(old, new):
    """The factories' records as the contacts selector now gives them: current team names."""
    return {
        kind: frame.with_columns(pl.col("team").replace(old, new))
        if "team" in frame.columns
        else frame
        for kind, frame in frames().items()
    }


def _resum_november_as(team: str) -> None:
    """November's sums rebuilt from records whose Arras calls now carry the name `team`."""
    november = {"start": dt.date(2026, 11, 1), "end": dt.date(2026, 12, 31), "at": SUMMED_AT}
    defaults = {"params": IndicatorParams(), "rules": PlatformRules()}
    replace_aggregates(**november, **defaults, **_renamed_frames("Arras", team))


def test_a_renamed_team_keeps_its_whole_history_on_the_dashboard(client_for, year_loaded):
    # January (c1) was summed under "Arras"; the team is renamed, then November is rebuilt
    # under the new name (c5): both must be one team's history.
    arras = _rename("Arras", "Arras Centre")
    _resum_november_as("Arras Centre")
    stored = set(
        DailyStats.objects.filter(grain=Grain.AGENT, team_key=arras).values_list("team", flat=True)
    )
    assert stored == {"Arras", "Arras Centre"}  # two names, one key
    assert selectors.teams(2026) == ["Arras Centre", "Lens"]
    assert selectors.all_teams() == ["Arras Centre", "Lens"]
    (total,) = selectors.period_sums(year=2026, team="Arras Centre")
    assert total["calls_answered"] == 2  # c1 (January) + c5 (November)
    assert selectors.period_sums(year=2026, team="Arras") == []  # the old name is gone
    by_team = {row["team"]: row for row in selectors.period_sums(year=2026, by=("team",))}
    assert set(by_team) == {"", "Arras Centre", "Lens"}  # "": calls of no team (IVR, c4)
    assert by_team["Arras Centre"]["calls_answered"] == 2
    frame = selectors.period_frame(year=2026, by=("team", "agent"))
    assert set(frame["team"].to_list()) == {"", "Arras Centre", "Lens"}

    response = client_for("diane").get(reverse("indicators:dashboard"))
    rows = {row["team_label"]: row for row in response.context["tables"]["equipes"].rows}
    assert "Arras" not in rows
    arras_row = rows["Arras Centre"]
    assert arras_row["calls_answered"] == 2  # c1, c5
    assert arras_row["aht_s"] == 270.0  # (240 + 300) / 2, as before the rename
    assert arras_row["emails_answered"] == 2
    scoped = client_for("diane").get(reverse("indicators:dashboard"), {"team": "Arras Centre"})
    assert scoped.status_code == 200


def test_a_team_code_that_is_no_team_is_still_read_by_its_name(year_loaded):
    _resum_november_as("EQ-99")
    assert DailyStats.objects.filter(team="EQ-99", team_key__isnull=True).exists()
    (total,) = selectors.period_sums(year=2026, team="EQ-99")
    assert total["calls_answered"] == 1  # c5 only
    (arras,) = selectors.period_sums(year=2026, team="Arras")
    assert arras["calls_answered"] == 1  # c1 only: EQ-99 is not a known team


def test_the_migration_keys_existing_rows_by_their_team_name(year_loaded):
    DailyStats.objects.update(team_key=None)  # rows as they were before the migration
    migration = importlib.import_module("pfspilot.indicators.migrations.0005_people_team_key")
    migration.fill_team_keys(apps, None)
    arras, lens = Team.objects.get(name="Arras"), Team.objects.get(name="Lens")
    rows = DailyStats.objects.filter(grain=Grain.AGENT)
    assert set(rows.filter(team="Arras").values_list("team_key", flat=True)) == {arras.pk}
    assert set(rows.filter(team="Lens").values_list("team_key", flat=True)) == {lens.pk}
    assert not rows.filter(team="").exclude(team_key=None).exists()
    _rename("Arras", "Arras Centre")
    (total,) = selectors.period_sums(year=2026, team="Arras Centre")
    assert total["calls_answered"] == 2

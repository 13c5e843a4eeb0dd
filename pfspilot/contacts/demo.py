"""Demo step: a synthetic year of the platform (calls, emails, surveys, activity) and its sums.

Runs once: when calls exist it does nothing. The generated agents are the demo accounts
(tc001…), so records attach to them and to their teams.
"""

import datetime as dt
import time

import polars as pl
from django.db.models import Max, Min
from django.utils import timezone

from pfspilot.engine.synthetic import generate_year
from pfspilot.indicators.formatting import fr_number
from pfspilot.indicators.models import DailyStats, HalfHourStats
from pfspilot.indicators.services import (
    aggregates_paused,
    reference_parameters,
    refresh_aggregates,
    replace_aggregates,
)
from pfspilot.people.models import User

from .models import Call
from .services import import_frame

KINDS = ("calls", "emails", "surveys", "activity")
SOURCE = "demo"


def _with_demo_teams(frame: pl.DataFrame) -> pl.DataFrame:
    """Each record of a known agent takes that agent's team (the records' team otherwise)."""
    if "agent" not in frame.columns:
        return frame
    teams = pl.DataFrame(
        list(User.objects.filter(team__isnull=False).values_list("username", "team__name")),
        schema={"agent": pl.String, "_team": pl.String},
        orient="row",
    )
    joined = frame.join(teams, on="agent", how="left", maintain_order="left")
    return joined.with_columns(team=pl.coalesce("_team", "team")).drop("_team")


def load(stdout=None, *, scale: float = 1.0, year: int | None = None):
    """Generates, loads and aggregates the demo year when no call is stored yet."""
    write = stdout.write if stdout is not None else (lambda text: None)
    if Call.objects.exists():
        if not (DailyStats.objects.exists() and HalfHourStats.objects.exists()):
            # Records loaded before the dashboard (or its half-hour sums) existed: built once.
            first, last = Call.objects.aggregate(first=Min("arrival"), last=Max("arrival")).values()
            refresh_aggregates(
                dt.date(timezone.localdate(first).year, 1, 1),
                dt.date(timezone.localdate(last).year, 12, 31),
            )
            write("Données de démonstration : appels déjà présents, agrégats recalculés.")
            return None
        write("Données de démonstration : appels déjà présents, rien à charger.")
        return None
    started = time.perf_counter()
    year = year or timezone.localdate().year
    frames = {
        kind: _with_demo_teams(frame)
        for kind, frame in generate_year(year, scale=scale).items()
        if kind in KINDS
    }
    generated = time.perf_counter()
    counts = {}
    with aggregates_paused():
        for kind in KINDS:
            counts[kind] = import_frame(kind=kind, frame=frames[kind], source=SOURCE)
    loaded = time.perf_counter()
    # Sums from the frames as stored (reading a million calls back would double the time).
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    _targets, params, rules = reference_parameters(min(timezone.localdate(), last))
    replace_aggregates(
        start=first,
        end=last,
        at=timezone.localtime(),
        params=params,
        rules=rules,
        **frames,
    )
    done = time.perf_counter()
    n = {kind: fr_number(count) for kind, count in counts.items()}
    write(
        f"Données de démonstration {year} : {n['calls']} appels, {n['emails']} courriels, "
        f"{n['surveys']} réponses de satisfaction, {n['activity']} journées d'activité, "
        f"en {fr_number(done - started, 1)} s (génération {fr_number(generated - started, 1)} s, "
        f"chargement {fr_number(loaded - generated, 1)} s, agrégats {fr_number(done - loaded, 1)} s)."
    )
    return counts

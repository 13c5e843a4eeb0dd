"""Demo step: a synthetic year of the platform (calls, emails, surveys, activity) and its sums.

It lives in `indicators` because it loads the records (through `contacts`) and then builds
the sums from the frames in memory; `contacts` itself knows nothing of the indicators.

Runs once: when calls exist it does nothing. The generated agents are the demo accounts
(tc001…), so records attach to them and to their teams.
"""

import datetime as dt
import time

import polars as pl
from django.db.models import Max, Min
from django.utils import timezone

from pfspilot.contacts.models import Call
from pfspilot.contacts.services import import_frame
from pfspilot.engine import calendar
from pfspilot.engine.synthetic import generate_year
from pfspilot.formatting import fr_figure
from pfspilot.people.selectors import accounts_frame
from pfspilot.reference.selectors import parameters_in_force

from .models import DailyStats, HalfHourStats
from .services import aggregates_paused, refresh_aggregates, replace_aggregates

KINDS = ("calls", "emails", "surveys", "activity")
SOURCE = "demo"


def _with_demo_teams(frame: pl.DataFrame) -> pl.DataFrame:
    """Each record of a known agent takes that agent's team (the records' team otherwise)."""
    if "agent" not in frame.columns:
        return frame
    teams = accounts_frame().select(agent=pl.col("username"), _team=pl.col("user_team"))
    joined = frame.join(teams, on="agent", how="left", maintain_order="left")
    return joined.with_columns(team=pl.coalesce("_team", "team")).drop("_team")


def demo_period(today: dt.date, year: int | None = None) -> tuple[int | None, dt.date | None]:
    """(year, last day with records) of the demo as of `today`.

    The demo stops at the end of yesterday, the last complete day, as a nightly import of
    the telephony and email exports would: no record is ever dated today or later, so the
    dashboard shows what happened and planning forecasts the rest. Default year: the one of
    the last complete day, or the year before when it has no working day yet (2 January).
    A past year is generated whole (until None); a year still to come has nothing (None, None).
    """
    last = today - dt.timedelta(days=1)
    if year is None:
        year = last.year
        if not calendar.count_working_days(dt.date(year, 1, 1), last):
            year -= 1
    if year < last.year:
        return year, None
    if not calendar.count_working_days(dt.date(year, 1, 1), last):
        return None, None
    return year, last


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
    year, until = demo_period(timezone.localdate(), year)
    if year is None:
        write("Données de démonstration : année à venir, rien à charger.")
        return None
    frames = {
        kind: _with_demo_teams(frame)
        for kind, frame in generate_year(year, scale=scale, until=until).items()
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
    replace_aggregates(
        start=first,
        end=last,
        at=timezone.localtime(),
        in_force=parameters_in_force(first, last),
        **frames,
    )
    done = time.perf_counter()
    n = {kind: fr_figure(count, "count") for kind, count in counts.items()}
    write(
        f"Données de démonstration {year} : {n['calls']} appels, {n['emails']} courriels, "
        f"{n['surveys']} réponses de satisfaction, {n['activity']} journées d'activité, "
        f"en {fr_figure(done - started, 'seconds')} (génération "
        f"{fr_figure(generated - started, 'seconds')}, chargement "
        f"{fr_figure(loaded - generated, 'seconds')}, agrégats {fr_figure(done - loaded, 'seconds')})."
    )
    return counts

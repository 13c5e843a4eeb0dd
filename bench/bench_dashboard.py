"""COG dashboard page on the demo year (about 1 million calls) vs plain pandas on the raw records.

    .venv-bench/bin/python bench/bench_dashboard.py [--requests 15] [--warmup 3] [--pandas-runs 3]

Uses the project's database (SQLite in var/, or DATABASE_URL); loads the demo year first when the
database holds no call. The page is timed server-side with Django's test client (median of the
requests after warm-up, logged in as the direction). The baseline is a straightforward pandas
implementation of the same tables (targets of the year to date, monthly trend, per team, per agent
productivity): it must read the raw records from the database, then compute; both parts are
timed. The figures of both are compared before timing.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pfspilot.settings")

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from pfspilot.contacts.models import Call  # noqa: E402
from pfspilot.indicators import dashboard  # noqa: E402
from pfspilot.indicators.formatting import fr_number  # noqa: E402
from pfspilot.indicators.services import reference_parameters  # noqa: E402
from pfspilot.people.models import Role, User  # noqa: E402

PARIS = "Europe/Paris"
PAGES = [
    ("année (cibles, tendance, équipes, agents, motifs)", "/indicateurs/"),
    ("mois de novembre", "/indicateurs/?month=11"),
    ("équipe Arras", "/indicateurs/?team=Arras"),
    ("tendance par semaine", "/indicateurs/?by=week"),
    ("export CSV des agents", "/indicateurs/export/?table=agents&format=csv"),
    ("export XLSX des agents", "/indicateurs/export/?table=agents&format=xlsx"),
]


def ensure_demo() -> None:
    if Call.objects.exists():
        return
    from pfspilot.contacts import demo
    from pfspilot.people import demo as people_demo

    people_demo.load()
    demo.load(stdout=sys.stdout)
    print()


def time_page(client: Client, url: str, requests: int, warmup: int) -> tuple[float, float]:
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(timings), max(timings)


def _local(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True).dt.tz_convert(PARIS).dt.tz_localize(None)


def read_raw(year: int) -> dict[str, pd.DataFrame]:
    """The year's raw records, as a pandas dashboard would read them on each request."""
    # pandas warns on a plain psycopg connection (it prefers SQLAlchemy), which reads fine.
    warnings.filterwarnings("ignore", message="pandas only supports SQLAlchemy")
    start = timezone.make_aware(datetime(year, 1, 1) - timedelta(days=7))
    end = timezone.make_aware(datetime(year + 1, 1, 1))
    connection.ensure_connection()
    raw = connection.connection
    params = [
        connection.ops.adapt_datetimefield_value(start),
        connection.ops.adapt_datetimefield_value(end),
    ]
    mark = "?" if connection.vendor == "sqlite" else "%s"
    people = (
        " LEFT JOIN people_user u ON u.id = r.agent_id LEFT JOIN people_team t ON t.id = r.team_id"
    )
    calls = pd.read_sql_query(
        "SELECT r.caller_hash AS caller, r.arrival, r.outcome, r.wait_s, r.talk_s, r.wrap_s, "
        "COALESCE(u.username, r.agent_code) AS agent, COALESCE(t.name, r.team_code) AS team "
        f"FROM contacts_call r{people} WHERE r.arrival >= {mark} AND r.arrival < {mark}",
        raw,
        params=params,
    )
    # The repeat window is elapsed time (168 h) on instants; days and months are local.
    calls["arrival_utc"] = pd.to_datetime(calls["arrival"], utc=True)
    calls["arrival"] = _local(calls["arrival"])
    emails = pd.read_sql_query(
        "SELECT r.received_at, r.answered_at, r.kind, COALESCE(u.username, r.agent_code) AS agent "
        f"FROM contacts_email r{people} WHERE r.received_at < {mark}",
        raw,
        params=params[1:],
    )
    # Deadlines run in real time (UTC) across clock changes; days and months are local.
    emails["received_utc"] = pd.to_datetime(emails["received_at"], utc=True)
    emails["answered_utc"] = pd.to_datetime(emails["answered_at"], utc=True)
    emails["received_at"] = _local(emails["received_at"])
    emails["answered_at"] = _local(emails["answered_at"])
    activity = pd.read_sql_query(
        "SELECT agent_code AS agent, day, phone_s, email_s FROM contacts_agentactivity",
        raw,
    )
    activity["day"] = pd.to_datetime(activity["day"])
    surveys = pd.read_sql_query(
        "SELECT channel, answered_on, satisfied FROM contacts_surveyanswer", raw
    )
    surveys["answered_on"] = pd.to_datetime(surveys["answered_on"])
    return {"calls": calls, "emails": emails, "activity": activity, "surveys": surveys}


def pandas_tables(raw: dict[str, pd.DataFrame], as_of: date, at: datetime) -> dict:
    """Targets, monthly trend, per-team and per-agent tables, straight from the raw records."""
    calls = raw["calls"].sort_values(["caller", "arrival_utc"])
    previous = calls.groupby("caller", sort=False)["arrival_utc"].shift()
    calls["repeat"] = calls["caller"].notna() & (
        (calls["arrival_utc"] - previous) <= pd.Timedelta(7, "D")
    )
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    calls = calls[(calls["arrival"] >= pd.Timestamp(as_of.year, 1, 1)) & (calls["arrival"] < end)]
    calls = calls.assign(
        A=calls["outcome"] == "answered",
        S=calls["outcome"] == "ivr",
        X=calls["outcome"] == "abandoned",
        identified=calls["caller"].notna(),
        month=calls["arrival"].dt.month,
    )
    calls["wait"] = calls["wait_s"].fillna(0).where(calls["A"])
    calls["handle"] = (calls["talk_s"].fillna(0) + calls["wrap_s"].fillna(0)).where(calls["A"])
    calls["within"] = calls["A"] & (calls["wait"] <= 20)

    def phone(frame):
        out = frame[["A", "S", "X", "identified", "repeat", "within"]].sum()
        offered = out["A"] + out["S"] + out["X"]
        return pd.Series(
            {
                "offered": offered,
                "pickup_rate": (out["A"] + out["S"]) / offered,
                "repeat_rate": out["repeat"] / out["identified"],
                "asa_s": frame["wait"].mean(),
                "aht_s": frame["handle"].mean(),
                "service_level": out["within"] / (out["A"] + out["X"]),
            }
        )

    emails = raw["emails"]
    emails = emails[emails["received_at"] < end]
    at_utc = pd.Timestamp(at).tz_localize(PARIS).tz_convert("UTC")
    answered = emails["answered_utc"].notna() & (emails["answered_utc"] <= at_utc)
    elapsed = emails["answered_utc"] - emails["received_utc"]
    level1 = emails["kind"] == "niveau1"
    due = answered | ((at_utc - emails["received_utc"]) > pd.Timedelta(48, "h"))
    within = answered & (elapsed <= pd.Timedelta(48, "h"))
    year_emails = emails["received_at"] >= pd.Timestamp(as_of.year, 1, 1)
    surveys = raw["surveys"]
    surveys = surveys[
        (surveys["answered_on"] >= pd.Timestamp(as_of.year, 1, 1)) & (surveys["answered_on"] < end)
    ]
    satisfaction = surveys.groupby("channel")["satisfied"].mean()
    activity = raw["activity"]
    activity = activity[
        (activity["day"] >= pd.Timestamp(as_of.year, 1, 1)) & (activity["day"] < end)
    ]
    hours = activity.groupby("agent")[["phone_s", "email_s"]].sum() / 3600
    done = emails[emails["answered_at"].notna()]
    done = done[
        (done["answered_at"] >= pd.Timestamp(as_of.year, 1, 1)) & (done["answered_at"] < end)
    ]
    agents = pd.DataFrame(
        {
            "calls": calls[calls["A"]].groupby("agent").size(),
            "emails": done.groupby("agent").size(),
        }
    ).join(hours, how="outer")
    agents["calls_per_hour"] = agents["calls"] / agents["phone_s"]
    agents["emails_per_hour"] = agents["emails"] / agents["email_s"]
    return {
        "year": phone(calls),
        "level1_rate": (level1 & year_emails & within).sum() / (level1 & year_emails & due).sum(),
        "satisfaction": satisfaction,
        "months": calls.groupby("month").apply(phone, include_groups=False),
        "teams": calls.groupby(calls["team"].fillna("")).apply(phone, include_groups=False),
        "agents": agents,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pandas-runs", type=int, default=3)
    args = parser.parse_args()

    ensure_demo()
    year = timezone.localdate().year
    calls = Call.objects.count()
    print(
        f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}, base {connection.vendor}, {fr_number(calls)} appels"
    )
    direction = User.objects.filter(role__in=[Role.DIRECTION, Role.ADMIN]).first()
    client = Client()
    client.force_login(direction)

    targets, _params, rules = reference_parameters(timezone.localdate())
    scope = dashboard.Scope(year=year)
    built = dashboard.build(scope, today=timezone.localdate(), targets=targets, rules=rules)
    as_of = built["as_of"]
    # Pending emails are due as of the last rebuild of the sums: compare at that instant.
    at = timezone.localtime(built["refreshed"].refreshed_at).replace(tzinfo=None)

    # Same figures first: the pandas tables against the page's.
    raw = read_raw(year)
    reference = pandas_tables(raw, as_of, at)
    page = {row["key"]: row["value"] for row in built["targets"]}
    checks = [
        ("décroché", page["pickup_rate"], reference["year"]["pickup_rate"]),
        ("réitération", page["repeat_rate"], reference["year"]["repeat_rate"]),
        ("courriels N1 en 48 h", page["level1_rate"], reference["level1_rate"]),
        (
            "satisfaction téléphone",
            page["phone_satisfaction"],
            reference["satisfaction"]["telephone"],
        ),
    ]
    teams = {row["team_label"]: row for row in built["tables"]["equipes"].rows}
    for team, row in reference["teams"].iterrows():
        label = team or "(sans équipe)"
        checks.append((f"appels présentés {label}", teams[label]["calls_offered"], row["offered"]))
    for name, ours, theirs in checks:
        if abs(float(ours) - float(theirs)) > 1e-9 * max(1.0, abs(float(theirs))):
            raise SystemExit(f"écart sur {name} : page {ours} ≠ pandas {theirs}")
    print(f"Chiffres identiques (page = pandas) sur {len(checks)} contrôles, au {as_of:%d/%m/%Y}.")

    print("\n| page | médiane (ms) | max (ms) |\n|---|---|---|")
    results = {}
    for label, url in PAGES:
        median, worst = time_page(client, url, args.requests, args.warmup)
        results[url] = median
        print(f"| {label} | {median * 1000:.0f} | {worst * 1000:.0f} |")

    reads, computes = [], []
    for _ in range(args.pandas_runs):
        started = time.perf_counter()
        raw = read_raw(year)
        read_done = time.perf_counter()
        pandas_tables(raw, as_of, at)
        reads.append(read_done - started)
        computes.append(time.perf_counter() - read_done)
    read, compute = statistics.median(reads), statistics.median(computes)
    page_ms = results["/indicateurs/"]
    print(
        f"\npandas (médiane de {args.pandas_runs}) : lecture des enregistrements {read:.2f} s + "
        f"calcul {compute:.2f} s = {read + compute:.2f} s par affichage"
    )
    print(
        f"Rapport pandas / page : {(read + compute) / page_ms:.0f}× "
        f"(calcul seul, données déjà en mémoire : {compute / page_ms:.0f}×)"
    )


if __name__ == "__main__":
    main()

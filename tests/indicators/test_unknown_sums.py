"""Unknown is not zero in the daily sums, the dashboard and `pfspilot kpi` (issue 7 §3)."""

import csv
import datetime as dt
import io
import json

import polars as pl
import pytest
from django.core.management import call_command
from django.urls import reverse

from pfspilot.engine import indicators as engine
from pfspilot.engine.parameters import IndicatorParams, PlatformRules
from pfspilot.indicators import dashboard, selectors
from pfspilot.indicators.models import DailyStats
from pfspilot.indicators.services import replace_aggregates

T = dt.datetime
AT = T(2026, 11, 28, 12)
# id, arrival, outcome, wait, talk, wrap, agent, team, motif
ROWS = [
    # Monday 2 March: the issue's example (40 s / 300 s, and a call with both cells empty).
    ("1", T(2026, 3, 2, 9, 0), "answered", 40.0, 300.0, None, "tc001", "Arras", "CMG"),
    ("2", T(2026, 3, 2, 9, 5), "answered", None, None, None, "tc001", "Arras", "CMG"),
    # Tuesday 3 March: nothing known about the one answered call; an abandon without wait.
    ("3", T(2026, 3, 3, 9, 0), "answered", None, None, None, "tc002", "Lens", "ASF"),
    ("4", T(2026, 3, 3, 9, 10), "abandoned", None, None, None, None, None, None),
    # Wednesday 4 March: mixed.
    ("5", T(2026, 3, 4, 9, 0), "answered", 10.0, 100.0, 20.0, "tc002", "Lens", "ASF"),
    ("6", T(2026, 3, 4, 9, 5), "answered", None, 200.0, None, "tc001", "Arras", "CMG"),
    ("7", T(2026, 3, 4, 9, 6), "answered", 30.0, None, None, "tc001", "Arras", None),
    ("8", T(2026, 3, 4, 9, 7), "ivr", None, None, None, None, None, None),
]
SCHEMA = {
    "call_id": pl.String,
    "arrival": pl.Datetime("us"),
    "outcome": pl.String,
    "wait_s": pl.Float64,
    "talk_s": pl.Float64,
    "wrap_s": pl.Float64,
    "agent": pl.String,
    "team": pl.String,
    "motif": pl.String,
}
CALLS = pl.DataFrame(ROWS, schema=SCHEMA, orient="row")
START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 4)


def _store():
    replace_aggregates(
        start=START,
        end=END,
        at=AT,
        params=IndicatorParams(),
        rules=PlatformRules(),
        calls=CALLS,
        emails=None,
        surveys=None,
        activity=None,
    )


@pytest.mark.django_db
def test_the_daily_sums_store_known_counts():
    _store()
    day = {
        row["day"]: row
        for row in selectors.period_sums(year=2026, by=("day",))  # every team/agent summed
    }
    d = dt.date
    # 2 March: 1 wait known (40 s), 1 handle known (300 s), none within 20 s.
    assert (day[d(2026, 3, 2)]["calls_wait_known"], day[d(2026, 3, 2)]["wait_answered_s"]) == (
        1,
        40.0,
    )
    assert (day[d(2026, 3, 2)]["calls_handle_known"], day[d(2026, 3, 2)]["handle_s"]) == (1, 300.0)
    # 3 March: nothing known.
    assert day[d(2026, 3, 3)]["calls_wait_known"] == day[d(2026, 3, 3)]["calls_handle_known"] == 0
    # 4 March: waits 10 and 30 known; handle times 120 (100 + 20) and 200 known.
    assert (day[d(2026, 3, 4)]["calls_wait_known"], day[d(2026, 3, 4)]["wait_answered_s"]) == (
        2,
        40.0,
    )
    assert (day[d(2026, 3, 4)]["calls_handle_known"], day[d(2026, 3, 4)]["handle_s"]) == (2, 320.0)
    assert DailyStats.objects.filter(calls_within_sl__gt=0).count() == 2  # tc002 and tc001 rows


@pytest.mark.django_db
def test_the_sums_give_the_engine_figures_per_day_and_overall():
    _store()
    end = END + dt.timedelta(days=1)
    raw = engine.call_indicators(CALLS, start=START, end=end, by="day")
    ours = {r["day"]: dashboard.rates(r) for r in selectors.period_sums(year=2026, by=("day",))}
    for row in raw.iter_rows(named=True):
        mine = ours[row["period"]]
        for key in ("asa_s", "aht_s", "service_level"):
            assert mine[key] == row[key] or mine[key] == pytest.approx(row[key]), key
        for key in ("asa_known", "aht_known", "service_level_known"):
            assert mine[key] == row[key], key
    # Per day by hand: ASA 40 / unknown / 20; AHT 300 / unknown / 160; SL 0 / 0 / 0.5.
    assert [ours[d]["asa_s"] for d in sorted(ours)] == [40.0, None, 20.0]
    assert [ours[d]["aht_s"] for d in sorted(ours)] == [300.0, None, 160.0]
    # SL 3 March: the abandon counts (never within T): 0 / 1, not unknown.
    assert [ours[d]["service_level"] for d in sorted(ours)] == [0.0, 0.0, 0.5]
    whole = dashboard.rates(selectors.period_sums(year=2026)[0])
    summary = engine.call_summary(CALLS, start=START, end=end)
    # Whole period: ASA (40 + 10 + 30) / 3; AHT (300 + 120 + 200) / 3; SL 1 / (3 + 1).
    assert whole["asa_s"] == pytest.approx(80 / 3) == summary["asa_s"]
    assert whole["aht_s"] == pytest.approx(620 / 3) == summary["aht_s"]
    assert whole["service_level"] == 0.25 == summary["service_level"]
    assert (whole["asa_known"], whole["aht_known"]) == (3, 3)


@pytest.mark.django_db
def test_the_dashboard_shows_the_known_count_beside_aht(client_for):
    _store()
    response = client_for("diane").get(reverse("indicators:dashboard"), {"annee": 2026})
    teams = {row["team_label"]: row for row in response.context["tables"]["equipes"].rows}
    # Lens: calls 3 (nothing known) and 5 (100 + 20 s): AHT 120 s over 1 known, not 60 s.
    assert (teams["Lens"]["aht_s"], teams["Lens"]["aht_known"]) == (120.0, 1)
    assert "DMT : durées connues" in response.content.decode()
    listed = client_for("diane").get(reverse("indicators:agents"), {"year": 2026})
    agents = {row["agent"]: row for row in listed.context["query"].rows}
    assert (agents["tc001"]["aht_s"], agents["tc001"]["aht_known"]) == (250.0, 2)
    exported = client_for("diane").get(
        reverse("indicators:export"), {"annee": 2026, "table": "equipes", "format": "csv"}
    )
    header = exported.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert "ASA : attentes connues" in header and "DMT : durées connues" in header


CANONICAL = list(engine.CALL_DTYPES)
GIVEN = ["call_id", "arrival", "outcome", "wait_s", "talk_s"]


def _write(tmp_path, rows):
    """A canonical calls file: every column, the given ones filled, the others empty."""
    path = tmp_path / "appels.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CANONICAL)
        for row in rows:
            values = dict(zip(GIVEN, row, strict=True))
            writer.writerow([values.get(name, "") for name in CANONICAL])
    return path


def _kpi_file(tmp_path, rows) -> dict:
    out = io.StringIO()
    path = _write(tmp_path, rows)
    call_command("kpi", "--calls", str(path), "--mapping", "canonical", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_kpi_gives_the_issue_example_with_known_counts(tmp_path):
    result = _kpi_file(
        tmp_path,
        [
            ["1", "2026-03-02 09:00:00", "answered", "40", "300"],
            ["2", "2026-03-02 09:05:00", "answered", "", ""],
        ],
    )
    # ASA 40 s, AHT 300 s and SL(20 s) 0 / 1, each over the one known call.
    assert (result["asa_s"], result["asa_known"]) == (40.0, 1)
    assert (result["aht_s"], result["aht_known"]) == (300.0, 1)
    assert (result["service_level_20s"], result["service_level_known"]) == (0.0, 1)
    assert result["service_level"] == 0.0


@pytest.mark.django_db
def test_kpi_says_unknown_when_nothing_is_known(tmp_path):
    result = _kpi_file(tmp_path, [["1", "2026-03-02 09:00:00", "answered", "", ""]])
    assert (result["asa_s"], result["asa_known"]) == (None, 0)
    assert (result["aht_s"], result["aht_known"]) == (None, 0)
    assert (result["service_level_20s"], result["service_level_known"]) == (None, 0)


@pytest.mark.django_db
def test_kpi_text_says_how_many_values_were_known(tmp_path):
    path = _write(
        tmp_path,
        [
            ["1", "2026-03-02 09:00:00", "answered", "40", "300"],
            ["2", "2026-03-02 09:05:00", "answered", "", ""],
        ],
    )
    out = io.StringIO()
    call_command("kpi", "--calls", str(path), "--mapping", "canonical", stdout=out)
    text = out.getvalue()
    # One French formatting (pfspilot.indicators.formatting): seconds without decimals.
    assert (
        "Attente moyenne des appels décrochés : 40\u00a0s (sur 1 appels de valeur connue)" in text
    )
    assert "Durée moyenne de traitement : 300\u00a0s (sur 1 appels de valeur connue)" in text

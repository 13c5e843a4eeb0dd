"""The COG dashboard on a tiny year whose figures are computed by hand (factories.py)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from pfspilot.engine.parameters import CogTargets
from pfspilot.formatting import fr_number, fr_percent, fr_points
from pfspilot.indicators import dashboard
from pfspilot.indicators.scope import period_label
from pfspilot.indicators.status import (
    needed_label,
    needed_sentence,
    out_of_reach,
    status_rate,
    status_volume,
)

TODAY = dt.datetime(2026, 11, 28, 10)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def _targets(response):
    return {row["key"]: row for row in response.context["targets"]}


def test_it_formats_numbers_the_french_way():
    assert fr_percent(0.87) == "87,0\u00a0%"
    assert fr_percent(0.91234) == "91,2\u00a0%"
    assert fr_number(1234.56, 1) == "1\u202f234,6"
    assert fr_number(None) == "—"
    assert fr_points(-0.07) == "−7,0\u00a0pt"


def test_it_applies_the_status_rules():
    # The reference data's defaults: 2 points for a rate, 95 % for a production.
    points, share = 0.02, 0.95
    assert status_rate(0.87, 0.87, False, points) == dashboard.MET
    assert status_rate(0.85, 0.87, False, points) == dashboard.AT_RISK  # 2 points
    assert status_rate(0.849, 0.87, False, points) == dashboard.MISSED
    assert status_rate(0.209, 0.21, True, points) == dashboard.MET
    assert status_rate(0.21, 0.21, True, points) == dashboard.AT_RISK  # "below 21 %"
    assert status_rate(0.231, 0.21, True, points) == dashboard.MISSED
    assert status_volume(95, 100, share) == dashboard.AT_RISK
    assert status_volume(94.9, 100, share) == dashboard.MISSED
    # Another version's thresholds: 94,9 of 100 is at risk from 90 %, 0,849 within 3 points.
    assert status_volume(94.9, 100, 0.90) == dashboard.AT_RISK
    assert status_volume(89.9, 100, 0.90) == dashboard.MISSED
    assert status_rate(0.849, 0.87, False, 0.03) == dashboard.AT_RISK


def test_it_says_what_it_takes():
    # 86,8 % of 100 000 calls over 229 days; 23 days left at the same volume: 10 043,67 calls.
    # (0,87 × 110 043,67 − 86 800) / 10 043,67 = 0,88991…
    from pfspilot.engine.indicators import rate_needed

    needed = rate_needed(
        numerator=86_800, denominator=100_000, elapsed_days=229, remaining_days=23, target=0.87
    )
    assert needed == pytest.approx(0.889913, abs=1e-6)
    sentence = needed_sentence("Décroché", needed, 0.87, 23, False)
    assert sentence == (
        "Décroché nécessaire sur les 23 jours ouvrés restants pour finir l'année à "
        "87,0\u00a0% : 89,0\u00a0%"
    )
    assert needed_sentence("Réitération", 0.183, 0.21, 23, True) == (
        "Réitération à ne pas dépasser sur les 23 jours ouvrés restants pour finir l'année "
        "sous 21,0\u00a0% : 18,3\u00a0%"
    )


def test_it_never_asks_for_an_impossible_rate():
    # The example: 135,5 % needed on the remaining days cannot be done.
    sentence = needed_sentence("Décroché", 1.355, 0.87, 23, False)
    assert sentence == (
        "Décroché : cible hors d'atteinte cette année (même à 100\u00a0% sur les 23 jours "
        "ouvrés restants, l'année finirait sous 87,0\u00a0%)"
    )
    assert "135" not in sentence
    # 100,1 % is out of reach too; exactly 100 % is still possible.
    assert "hors d'atteinte cette année" in needed_sentence("Décroché", 1.001, 0.87, 5, False)
    assert needed_sentence("Décroché", 1.0, 0.87, 5, False).endswith(": 100,0\u00a0%")
    # A ceiling (réitération) would need fewer than 0 % repeats: out of reach as well.
    assert needed_sentence("Réitération", -0.04, 0.21, 10, True) == (
        "Réitération : cible hors d'atteinte cette année (même à 0\u00a0% sur les 10 jours "
        "ouvrés restants, l'année finirait au-dessus de 21,0\u00a0%)"
    )
    assert needed_label(1.355, False) == "hors d'atteinte"
    assert needed_label(-0.04, True) == "hors d'atteinte"


def test_it_says_when_a_target_is_already_secured():
    # Below 0 % needed: the year ends above target whatever happens on the remaining days.
    assert needed_sentence("Décroché", -0.12, 0.87, 23, False) == (
        "Décroché : cible déjà assurée, quel que soit le résultat sur les 23 jours ouvrés restants"
    )
    # A ceiling with more than 100 % allowed: secured too.
    assert needed_sentence("Réitération", 1.2, 0.21, 23, True).startswith(
        "Réitération : cible déjà assurée"
    )
    assert needed_label(-0.12, False) == "déjà assurée"
    assert needed_label(0.9, False) == "90,0\u00a0%"


def test_it_shows_every_target_of_the_year(client_for, year_loaded):
    response = client_for("diane").get(reverse("indicators:dashboard"))
    assert response.status_code == 200
    targets = _targets(response)
    assert list(targets) == [
        "pickup_rate",
        "repeat_rate",
        "phone_satisfaction",
        "level1_rate",
        "complaints_rate",
        "email_satisfaction",
        "calls_per_fte",
        "emails_per_fte",
    ]
    pickup = targets["pickup_rate"]
    assert pickup["value"] == 0.8  # (3 answered + 1 IVR) / 5 offered
    assert pickup["status"] == dashboard.MISSED
    # Data up to Fri 27/11: 229 working days elapsed, 23 left; 5/229×23 calls still to come.
    assert pickup["needed"] == pytest.approx((0.87 * (5 + 5 / 229 * 23) - 4) / (5 / 229 * 23))
    # 156,7 % would be needed: impossible, the sentence says so without the percentage.
    assert pickup["sentence"] == (
        "Décroché : cible hors d'atteinte cette année (même à 100\u00a0% sur les 23 jours "
        "ouvrés restants, l'année finirait sous 87,0\u00a0%)"
    )
    assert "156" not in pickup["sentence"] and pickup["needed_label"] == "hors d'atteinte"
    assert targets["repeat_rate"]["value"] == 0.25  # c2 repeats c1 (same caller, 1 h later)
    assert targets["repeat_rate"]["sentence"].startswith(
        "Réitération : cible hors d'atteinte cette année (même à 0\u00a0%"
    )
    assert targets["phone_satisfaction"]["value"] == pytest.approx(2 / 3)
    assert targets["level1_rate"]["value"] == 0.5  # e1 in 25 h, e2 in 97 h
    assert targets["complaints_rate"]["status"] == dashboard.MET  # e3 in 8 days
    assert targets["email_satisfaction"]["value_label"] == "100,0\u00a0%"
    # Funded ETP: alice and bob (1 each), tc001 (1) and tc002 (0,5) = 3,5.
    calls = targets["calls_per_fte"]
    assert calls["value"] == pytest.approx(3 / 3.5)
    assert calls["target"] == pytest.approx(7600 * 229 / 252)
    assert calls["status"] == dashboard.MISSED
    assert targets["emails_per_fte"]["value"] == pytest.approx(3 / 3.5)
    content = response.content.decode()
    assert "80,0\u00a0%" in content
    assert "à risque</strong> si elle la manque de 2 points au plus" in content
    assert "vendor/chart.umd.min.js" in content


def test_it_drills_down_to_a_team_as_an_htmx_partial(client_for, year_loaded):
    response = client_for("maud").get(
        reverse("indicators:dashboard") + "?team=Arras", HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert "<html" not in content
    # Décroché is platform-level: IVR-handled and abandoned calls belong to no team.
    pickup = _targets(response)["pickup_rate"]
    assert (pickup["value"], pickup["status"], pickup["value_label"]) == (None, None, "—")
    assert pickup["note"].startswith("Non attribuable : les appels traités par le SVI")
    assert escape(pickup["note"]) in content
    assert _targets(response)["calls_per_fte"]["value"] == 2.0  # c1, c5 for tc001's 1 ETP
    assert "pickup_rate" not in [chart["key"] for chart in response.context["charts"]]
    trend = response.context["tables"]["tendance"].rows
    assert [(row["label"], row["calls_answered"], row["pickup_rate"]) for row in trend] == [
        ("janvier", 1, None),
        ("novembre (au 27/11)", 1, None),  # data up to Friday 27/11
    ]
    # The team's agents are on the agents' list page, filtered on the team.
    assert response.context["agents_url"] == "/indicateurs/agents/?year=2026&team=Arras"
    agents = client_for("maud").get(response.context["agents_url"]).context["query"].rows
    assert [row["agent"] for row in agents] == ["tc001"]
    assert agents[0]["calls_per_hour"] == 1.0
    assert "equipes" not in response.context["tables"]


def test_it_shows_a_month_and_a_motif(client_for, year_loaded):
    client = client_for("adam")
    january = client.get(reverse("indicators:dashboard") + "?month=1")
    assert _targets(january)["pickup_rate"]["value"] == 0.75  # c1, c2, c3 of c1–c4
    assert _targets(january)["pickup_rate"]["sentence"] == ""
    motif = client.get(reverse("indicators:dashboard") + "?motif=CMG&team=Lens")
    assert motif.context["scope"].team == ""  # motif sums are platform-wide
    assert _targets(motif)["pickup_rate"]["value"] is None  # IVR and abandons have no motif
    # c1 (caller A), c3 (B), c5 (B again, but 10 months later): no repeat among 3 identified.
    assert _targets(motif)["repeat_rate"]["value"] == 0.0
    calls_per_fte = _targets(motif)["calls_per_fte"]
    assert (calls_per_fte["value"], calls_per_fte["status"]) == (None, None)
    assert calls_per_fte["note"] == (
        "Non attribuable : les ETP financés ne sont pas répartis par motif."
    )
    assert [row["calls_per_fte"] for row in motif.context["tables"]["tendance"].rows] == [
        None,
        None,
        None,
    ]
    assert [chart["key"] for chart in motif.context["charts"]] == [
        "repeat_rate",
        "phone_satisfaction",
        "level1_rate",
        "complaints_rate",
        "email_satisfaction",
    ]
    assert "agents" not in motif.context["tables"]


def test_it_drills_down_to_an_agent(client_for, year_loaded):
    response = client_for("diane").get(reverse("indicators:dashboard") + "?agent=tc002")
    targets = _targets(response)
    assert targets["pickup_rate"]["value"] is None  # platform-level, not an agent's
    assert targets["calls_per_fte"]["value"] == 2.0  # 1 call for 0,5 ETP
    assert set(response.context["tables"]) == {"cibles", "tendance"}


def _pickup_row(treated: int, best: float | None = None) -> dict:
    """The décroché row of the year's targets for `treated` of 100 000 calls on 27/11/2026."""
    totals = {"calls_offered": 100_000, "calls_answered": treated, "calls_ivr": 0}
    rows = dashboard.target_rows(
        totals=totals,
        satisfaction={},
        fte=1.0,
        targets=CogTargets(),
        as_of=dt.date(2026, 11, 27),  # 229 working days elapsed, 23 left
        scope=dashboard.Scope(year=2026),
        best={} if best is None else {"pickup_rate": best},
    )
    return rows[0]


def test_it_counts_an_unreachable_target_as_missed():
    # 85,5 %: 1,5 point short, but (0,87 × 110 043,67 − 85 500) / 10 043,67 = 101,9 % needed.
    assert _pickup_row(85_500)["status"] == dashboard.MISSED
    # 86,5 %: (0,87 × 110 043,67 − 86 500) / 10 043,67 = 92,0 % needed, still possible.
    assert _pickup_row(86_500)["status"] == dashboard.AT_RISK
    assert _pickup_row(87_000)["status"] == dashboard.MET


def test_it_draws_the_trend_against_the_target(client_for, year_loaded):
    response = client_for("diane").get(reverse("indicators:dashboard"))
    pickup = response.context["charts"][0]
    assert pickup["labels"] == ["janvier", "février", "novembre (au 27/11)"]
    assert pickup["values"] == [75.0, None, 100.0]  # February holds emails only
    assert pickup["target"] == [87.0, 87.0, 87.0]


def test_it_draws_the_trend_per_week(client_for, year_loaded):
    response = client_for("diane").get(reverse("indicators:dashboard") + "?by=week")
    pickup, calls_per_fte = response.context["charts"][0], response.context["charts"][6]
    # e3 is received the week of 2 February and answered the week of 9 February.
    assert pickup["labels"] == ["sem. du 05/01", "sem. du 02/02", "sem. du 09/02", "sem. du 23/11"]
    assert pickup["values"] == [75.0, None, None, 100.0]
    # Weekly target per ETP: 7 600 × 5 working days / 252 = 150,8.
    assert calls_per_fte["target"] == [150.8] * 4
    assert calls_per_fte["values"] == [0.6, 0.0, 0.0, 0.3]  # 2 then 1 answered calls / 3,5 ETP


def test_it_says_when_there_is_no_data(client_for, frozen):
    response = client_for("diane").get(reverse("indicators:dashboard"))
    assert response.status_code == 200
    assert "Aucune donnée d'appels ni de courriels pour 2026" in response.content.decode()


def test_it_refuses_agents(client_for, year_loaded):
    assert client_for("bob").get(reverse("indicators:dashboard")).status_code == 403


def test_it_bounds_what_is_reachable_by_the_best_month_of_the_year():
    # 86,5 %: 92,0 % needed on the 23 days left. The best month reached 93 %: at risk.
    row = _pickup_row(86_500, best=0.93)
    assert row["status"] == dashboard.AT_RISK
    assert row["sentence"].startswith("Décroché nécessaire sur les 23 jours ouvrés restants")
    assert row["sentence"].endswith(": 92,0\u00a0%")
    # The best month reached 91 %: 92,0 % was never seen this year, missed, and said so.
    row = _pickup_row(86_500, best=0.91)
    assert row["status"] == dashboard.MISSED
    assert row["sentence"] == (
        "Décroché : cible hors de portée (il faudrait 92,0\u00a0% sur les 23 jours ouvrés "
        "restants, meilleur mois de l'année : 91,0\u00a0%)"
    )


def test_it_bounds_a_maximum_by_its_lowest_month():
    assert out_of_reach(0.15, True, best=0.16)  # réitération: never that low
    assert not out_of_reach(0.17, True, best=0.16)
    assert out_of_reach(-0.01, True)
    assert out_of_reach(1.01, False)
    assert not out_of_reach(0.95, False, best=0.95)


def test_it_finds_the_best_month_of_each_rate():
    months = [
        {
            "month": 1,
            "calls_offered": 10,
            "calls_answered": 8,
            "calls_ivr": 1,
            "calls_identified": 10,
            "calls_repeat": 3,
        },
        {
            "month": 2,
            "calls_offered": 20,
            "calls_answered": 15,
            "calls_ivr": 0,
            "calls_identified": 20,
            "calls_repeat": 2,
        },
    ]
    satisfaction = [
        {"month": 1, "channel": "telephone", "answers": 4, "satisfied": 3},
        {"month": 2, "channel": "telephone", "answers": 5, "satisfied": 5},
    ]
    best = dashboard.best_months(months, satisfaction)
    assert best["pickup_rate"] == 0.9  # January 9/10 against February 15/20
    assert best["repeat_rate"] == 0.1  # lowest: February 2/20
    assert best["phone_satisfaction"] == 1.0
    assert "level1_rate" not in best  # no email due
    # A scope without calls (a motif of emails only) still has the platform's satisfaction.
    assert dashboard.best_months([], satisfaction) == {"phone_satisfaction": 1.0}


def test_it_keeps_the_target_line_inside_the_axis():
    # Réitération at 15–18 % against a 21 % ceiling: the axis goes 1 point above the target.
    assert dashboard.axis_range([15.0, 18.0], [21.0, 21.0], True) == {
        "min": 14.0,
        "suggested_max": 22.0,
    }
    # Satisfaction at 100 %: the axis stops at 100 % and still holds the 83 % target.
    assert dashboard.axis_range([100.0, None], [83.0, 83.0], True) == {
        "min": 81.3,
        "suggested_max": 100.0,
    }
    assert dashboard.axis_range([None], [], True) == {"min": 0.0, "suggested_max": None}


@pytest.mark.parametrize(
    "values,goal,percent",
    [
        ([0.0, 0.0], [0.0, 0.0], False),  # no production at all
        ([0.0, 3.0, 10.0], [5.0, 5.0, 5.0], False),  # counts from 0
        ([2500.0, 2600.0], [2400.0, 2450.0], False),  # counts far from 0 still start at 0
        ([0.0, 0.5], [1.0, 1.0], True),  # a rate at 0 %: the margin would go below
        ([None, None], [], False),
    ],
)
def test_an_axis_never_goes_below_zero(values, goal, percent):
    bounds = dashboard.axis_range(values, goal, percent)
    assert bounds["min"] >= 0.0
    if not percent:
        assert bounds["min"] == 0.0  # a count is read against zero


def test_the_chart_script_uses_the_hard_lower_bound():
    # Chart.js's `grace` widens both ends of a suggested range (0 became −5 on a 0–10 chart);
    # a hard `min` (checked with Chart.js 4 under Node: 0–25 instead of −5–25) keeps it at 0.
    script = (settings.BASE_DIR / "static" / "js" / "dashboard.js").read_text()
    assert "suggestedMin" not in script
    assert "min: Math.max(0, spec.min || 0)" in script
    assert "min: 0, beginAtZero: true" in script  # the half-hour bars


def test_it_sends_the_axis_range_with_each_chart(client_for, year_loaded):
    charts = client_for("diane").get(reverse("indicators:dashboard")).context["charts"]
    repeat = charts[1]
    assert repeat["key"] == "repeat_rate"
    assert repeat["values"] == [33.33, None, 0.0]  # c2 of c1–c3 in January; c5 alone
    # 0 to 33,33 % with the 21 % line inside; margin 10 % of the range: 0,0 to 36,7.
    assert (repeat["min"], repeat["suggested_max"]) == (0.0, 36.7)


def test_days_to_come_never_show_actual_figures(client_for, year_loaded):
    from pfspilot.indicators.models import DailyStats, Grain

    # A record dated 15/12/2026 while today is 28/11/2026 is not a fact: it is left out.
    DailyStats.objects.create(
        day=dt.date(2026, 12, 15),
        year=2026,
        month=12,
        week=dt.date(2026, 12, 14),
        grain=Grain.AGENT,
        team="Arras",
        agent="tc001",
        calls_offered=1000,
        calls_answered=1000,
    )
    response = client_for("diane").get(reverse("indicators:dashboard"))
    assert response.context["as_of"] == dt.date(2026, 11, 28)
    assert response.context["totals"]["calls_offered"] == 5  # the factories' 5 calls only
    labels = [row["label"] for row in response.context["tables"]["tendance"].rows]
    assert labels == ["janvier", "février", "novembre (au 28/11)"]
    december = client_for("diane").get(reverse("indicators:dashboard") + "?month=12")
    assert december.context["totals"].get("calls_offered") in (None, 0)


def test_a_year_to_come_has_nothing_realised(client_for, year_loaded):
    response = client_for("diane").get(reverse("indicators:dashboard") + "?year=2027")
    assert response.context["empty"] and response.context["future"]
    assert "L'année 2027 n'a pas commencé : aucun chiffre réalisé à montrer." in (
        response.content.decode().replace("&#x27;", "'")
    )


def test_a_finished_period_has_no_date_in_its_label():
    assert period_label(11, "month", 2026, dt.date(2026, 11, 30)) == "novembre"
    assert period_label(11, "month", 2026, dt.date(2026, 11, 27)) == ("novembre (au 27/11)")
    # The week of 23/11 is complete on Friday 27/11 (no working day left in it).
    week = dt.date(2026, 11, 23)
    assert period_label(week, "week", 2026, dt.date(2026, 11, 27)) == "sem. du 23/11"
    assert period_label(week, "week", 2026, dt.date(2026, 11, 25)) == ("sem. du 23/11 (au 25/11)")

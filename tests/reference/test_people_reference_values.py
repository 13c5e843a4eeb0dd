"""Training hours, lunch window, target years and « à risque » thresholds are reference data:
validated in French, versioned, and a new version changes the behaviour."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pfspilot.indicators import dashboard
from pfspilot.indicators.status import status_rate, status_volume
from pfspilot.reference import selectors as reference
from pfspilot.reference import services
from pfspilot.reference.models import IndicatorParameterSet, PlatformRuleSet
from tests.planning.dayplan_data import MARCH_2, TRAINING_THURSDAY, make_agents, make_history
from tests.reference.test_models import errors_of, rules

pytestmark = pytest.mark.django_db


def _new_rules(valid_from, **changes) -> PlatformRuleSet:
    """A new platform-rules version copied from the one in force, with `changes`."""
    source = reference.platform_rule_set(valid_from)
    version = services.platform_rules_copy(source=source, valid_from=valid_from)
    for name, value in changes.items():
        setattr(version, name, value)
    version.full_clean()
    version.save()
    return version


def test_the_seeded_versions_hold_the_values_the_code_had():
    in_force = reference.platform_rules(MARCH_2)
    assert in_force.training_hours == (dt.time(9, 0), dt.time(11, 0))
    assert (in_force.lunch_earliest, in_force.lunch_latest_end) == (
        dt.time(11, 30),
        dt.time(14, 0),
    )
    assert in_force.note_target_years == (2026, 2027)
    params = reference.indicator_params(MARCH_2)
    assert (params.risk_points, params.risk_share) == (0.02, 0.95)


@pytest.mark.parametrize(
    "changes,field,message",
    [
        (
            {"training_start": dt.time(11, 0), "training_end": dt.time(9, 0)},
            "training_end",
            "La fin de la formation doit suivre son début.",
        ),
        (
            {"lunch_earliest": dt.time(14, 0), "lunch_latest_end": dt.time(14, 0)},
            "lunch_latest_end",
            "La fin au plus tard des déjeuners doit suivre leur début au plus tôt.",
        ),
        (
            {"note_target_years": "2026,deux-mille"},
            "note_target_years",
            "Indiquez des années (ex. 2026,2027) séparées par des virgules.",
        ),
        (
            {"note_target_years": ", ,"},
            "note_target_years",
            "Indiquez des années (ex. 2026,2027) séparées par des virgules.",
        ),
    ],
)
def test_bad_rule_values_are_refused_in_french(changes, field, message):
    assert errors_of(rules(**changes))[field] == [message]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("risk_share", Decimal(120), "Un pourcentage ne peut pas dépasser 100 %."),
        ("risk_points", Decimal(-1), "L'écart ne peut pas être négatif."),
    ],
)
def test_bad_risk_thresholds_are_refused_in_french(field, value, message):
    params = IndicatorParameterSet.objects.order_by("valid_from").first()
    setattr(params, field, value)
    assert errors_of(params)[field] == [message]


@pytest.fixture
def platform(personas):
    make_history()
    return make_agents()


def test_afternoon_training_hours_move_the_training_block(client_for, platform):
    from pfspilot.planning import selectors

    _new_rules(
        TRAINING_THURSDAY - dt.timedelta(days=1),
        training_start=dt.time(14, 0),
        training_end=dt.time(16, 0),
    )
    view = selectors.day_view(TRAINING_THURSDAY)
    # Half-hours from 9:00: 14:00–16:00 are the 11th to 14th (indices 10–13); quarters 20–27.
    assert view.result.staffed[10:14] == [0.0] * 4
    assert all(s > 0 for s in view.result.staffed[:4])  # the morning is on the phone again
    assert all(a.quarters[20:28] == "T" * 8 for a in view.result.agents)
    assert not any(a.quarters.startswith("T") for a in view.result.agents)
    html = client_for("maud").get(reverse("planning:day"), {"jour": TRAINING_THURSDAY.isoformat()})
    assert "personne au téléphone de 14h00 à 16h00." in html.content.decode()


def test_a_narrower_lunch_window_is_the_one_the_plan_allows(client_for, platform):
    _new_rules(MARCH_2 - dt.timedelta(days=1), lunch_earliest=dt.time(11, 45))
    html = client_for("maud").get(reverse("planning:day"), {"jour": MARCH_2.isoformat()})
    assert "Déjeuners autorisés entre 11h45 et 14h00" in html.content.decode()


def test_a_risk_share_of_90_percent_changes_a_production_status():
    version = IndicatorParameterSet.objects.order_by("valid_from").first()
    version.pk = None
    version.valid_from = dt.date(2026, 6, 1)
    version.risk_share = Decimal(90)
    version.risk_points = Decimal(3)
    version.full_clean()
    version.save()
    before = reference.indicator_params(dt.date(2026, 5, 31))
    after = reference.indicator_params(dt.date(2026, 6, 1))
    # 94,9 calls of a pro-rated 100: below 95 % (missed), at or above 90 % (at risk).
    assert status_volume(94.9, 100, before.risk_share) == dashboard.MISSED
    assert status_volume(94.9, 100, after.risk_share) == dashboard.AT_RISK
    # A pick-up rate of 84,5 % for 87 %: 2,5 points short, at risk only within 3 points.
    assert status_rate(0.845, 0.87, False, before.risk_points) == dashboard.MISSED
    assert status_rate(0.845, 0.87, False, after.risk_points) == dashboard.AT_RISK

"""The referential as seeded from the note, read through the selectors, and its versions."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from pfspilot.engine.parameters import CogTargets, DaySlot, IndicatorParams
from pfspilot.reference import selectors
from pfspilot.reference.models import (
    CogTarget,
    IndicatorParameterSet,
    Motif,
    PlatformRuleSet,
    RoutingMatrix,
)
from pfspilot.reference.services import platform_rules_copy

from .note_table import NOTE_TABLE

PARIS = ZoneInfo("Europe/Paris")
t = dt.time


# The note's COG rates for 2026, carried over unchanged into 2027.
NOTE_RATES = {
    "pickup_rate": 0.87,
    "repeat_rate_max": 0.21,
    "phone_satisfaction": 0.83,
    "email_within_deadline": 0.80,
    "complaint_within_deadline": 0.82,
    "email_satisfaction": 0.86,
}


def test_it_seeds_the_cog_targets_of_2026(db):
    assert selectors.cog_targets(2026) == CogTargets(
        year=2026, calls_per_fte=7600, emails_per_fte=1700, **NOTE_RATES
    )


def test_it_seeds_2027_volumes_and_carries_the_2026_rates(db):
    assert selectors.cog_targets(2027) == CogTargets(
        year=2027, calls_per_fte=8000, emails_per_fte=2000, **NOTE_RATES
    )
    assert "reconduits en 2027" in CogTarget.objects.get(year=2027).comment


def test_it_uses_the_nearest_earlier_year_without_targets(db):
    assert selectors.cog_targets(2029).year == 2027
    assert selectors.cog_targets(2024).year == 2026


def test_it_reads_an_edited_target(db):
    CogTarget.objects.filter(year=2026).update(pickup_rate=88.5)
    assert selectors.cog_targets(2026).pickup_rate == 0.885


def test_it_seeds_the_platform_rules_of_the_note(db):
    rules = selectors.platform_rules(dt.date(2026, 3, 19))
    assert (rules.phone_share, rules.email_share) == (0.85, 0.15)
    assert (rules.calls_per_hour, rules.emails_per_hour) == (10.0, 10.0)
    assert (rules.opening, rules.closing) == (t(9, 0), t(16, 30))
    assert rules.phone_hours_per_day == 6.0
    assert rules.training_months == (3, 5, 6, 9, 10, 11)
    assert (rules.training_week_of_month, rules.training_weekday) == (3, 3)
    assert rules.supervisions_per_semester == 1
    assert rules.supervise_all_missions_yearly is True
    assert rules.valid_from == dt.date(2024, 7, 1)


def test_it_seeds_the_typical_day_of_both_lunch_groups(db):
    template = selectors.platform_rules(dt.date(2026, 3, 19)).day_template
    assert template == {
        "A": (
            DaySlot(t(8, 0), t(8, 50), "email"),
            DaySlot(t(8, 50), t(11, 45), "phone"),
            DaySlot(t(11, 45), t(12, 45), "lunch"),
            DaySlot(t(12, 45), t(16, 30), "phone"),
            DaySlot(t(16, 30), t(17, 0), "email"),
        ),
        "B": (
            DaySlot(t(8, 0), t(8, 50), "email"),
            DaySlot(t(8, 50), t(12, 45), "phone"),
            DaySlot(t(12, 45), t(13, 45), "lunch"),
            DaySlot(t(13, 45), t(16, 30), "phone"),
            DaySlot(t(16, 30), t(17, 0), "email"),
        ),
    }


def test_it_seeds_the_interview_steps_in_order(db):
    steps = selectors.interview_steps(dt.date(2026, 1, 5))
    assert len(steps) == 9
    assert steps[0] == "La levée de l’anonymat"
    assert steps[3] == "Le respect du secret professionnel"
    assert steps[-1] == (
        "La réalisation d'une demande de rappel / rendez-vous téléphonique pour une expertise "
        "de second niveau."
    )


def test_it_seeds_the_indicator_parameters_of_domain_md(db):
    assert selectors.indicator_params(dt.date(2026, 1, 1)) == IndicatorParams(
        short_abandon_s=0.0,
        repeat_window_days=7.0,
        repeat_unit="calls",
        service_level_threshold_s=20.0,
        email_deadline_hours=48.0,
        complaint_deadline_days=10.0,
        deadline_clock="calendar",
    )


def test_it_seeds_every_row_of_the_note_table_in_order(db):
    rows = selectors.routing_matrix(dt.date(2026, 6, 1))
    assert [(r.code, r.label, r.journey) for r in rows] == [
        (code, label, parcours) for code, label, parcours, _fi, _confirme in NOTE_TABLE
    ]


def test_it_keeps_search_aliases_for_benefit_acronyms(db):
    keywords = " ".join(Motif.objects.values_list("keywords", flat=True))
    for alias in [
        "CMG",
        "PreParE",
        "ASF",
        "ARIPA",
        "AJPP",
        "AJPA",
        "AAH",
        "AEEH",
        "AVPF",
        "RSA",
        "ETI",
        "ADI",
        "titre de séjour",
        "loyer",
        "dette",
        "créance",
        "deuil",
        "décès",
    ]:
        assert alias in keywords, alias


def test_it_starts_the_history_with_the_note(db):
    matrix = RoutingMatrix.objects.get()
    assert matrix.history.count() == 1
    assert matrix.history.get().history_change_reason.startswith("Données initiales")
    assert Motif.history.filter(history_type="+").count() == 29


def test_it_applies_a_new_platform_version_from_its_date_only(db):
    seeded = PlatformRuleSet.objects.get()
    newer = platform_rules_copy(source=seeded, valid_from=dt.date(2027, 1, 1))
    newer.opening = t(8, 30)
    newer.save()
    assert selectors.platform_rules(dt.date(2026, 12, 31)).opening == t(9, 0)
    assert selectors.platform_rules(dt.date(2027, 1, 1)).opening == t(8, 30)
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 59, tzinfo=PARIS), tick=False):
        assert selectors.platform_rules().opening == t(9, 0)
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 1, tzinfo=PARIS), tick=False):
        assert selectors.platform_rules().opening == t(8, 30)
        assert len(selectors.interview_steps()) == 9
        assert selectors.platform_rules().day_template["B"][2] == DaySlot(
            t(12, 45), t(13, 45), "lunch"
        )


def test_it_applies_new_indicator_parameters_from_their_date_only(db):
    IndicatorParameterSet.objects.create(
        valid_from=dt.date(2027, 1, 1),
        short_abandon_s=5,
        repeat_window_days=2,
        repeat_unit="callers",
        service_level_threshold_s=30,
        email_deadline_hours=48,
        complaint_deadline_days=10,
        deadline_clock="business",
    )
    with time_machine.travel(dt.datetime(2026, 12, 31, 12, 0, tzinfo=PARIS), tick=False):
        assert selectors.indicator_params().repeat_window_days == 7.0
    with time_machine.travel(dt.datetime(2027, 1, 1, 12, 0, tzinfo=PARIS), tick=False):
        params = selectors.indicator_params()
    assert (params.short_abandon_s, params.repeat_unit, params.deadline_clock) == (
        5.0,
        "callers",
        "business",
    )


def test_it_uses_the_first_version_before_any_version(db):
    assert selectors.platform_rules(dt.date(1999, 1, 4)).valid_from == dt.date(2024, 7, 1)
    assert len(selectors.routing_matrix(dt.date(1999, 1, 4))) == 29


def test_it_falls_back_to_the_note_defaults_on_an_empty_referential(db):
    CogTarget.objects.all().delete()
    IndicatorParameterSet.objects.all().delete()
    PlatformRuleSet.objects.all().delete()
    RoutingMatrix.objects.all().delete()
    assert selectors.cog_targets(2026) == CogTargets()
    assert selectors.indicator_params() == IndicatorParams()
    assert selectors.platform_rules().opening == t(9, 0)
    assert selectors.interview_steps() == ()
    assert selectors.routing_matrix() == []

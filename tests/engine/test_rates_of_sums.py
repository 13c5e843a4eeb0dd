"""Indicators of summed counts: ratios of sums, with domain.md's definitions, unknown → None."""

import pytest

from pfspilot.engine.indicators import rates_of_sums, ratio_or_none

SUMS = dict(
    offered=200,
    answered=150,
    ivr_handled=20,
    abandoned=30,
    identified=160,
    repeats=32,
    wait_answered_s=6000.0,
    wait_known=120,
    answered_within_sl=90,
    handle_s=45000.0,
    handle_known=150,
    phone_hours=25.0,
    email_hours=4.0,
    emails_answered=60,
    level1_due=50,
    level1_within=40,
    complaints_due=8,
    complaints_within=6,
)


def test_it_divides_the_sums_as_domain_md_defines_the_rates():
    r = rates_of_sums(**SUMS)
    assert r["pickup_rate"] == pytest.approx(0.85)  # (150 + 20) / 200
    assert r["agent_answer_rate"] == pytest.approx(0.833333, abs=1e-6)  # 150 / (150 + 30)
    assert r["repeat_rate"] == pytest.approx(0.2)  # 32 / 160
    assert r["asa_s"] == 50.0 and r["asa_known"] == 120  # 6000 s / 120 known waits
    assert r["aht_s"] == 300.0 and r["aht_known"] == 150  # 45 000 s / 150
    # An abandon is never answered within T: 90 / (120 known waits + 30 abandons) = 0.6.
    assert r["service_level"] == pytest.approx(0.6) and r["service_level_known"] == 150
    assert r["calls_per_hour"] == 6.0  # 150 / 25 h
    assert r["emails_per_hour"] == 15.0  # 60 / 4 h
    assert r["level1_rate"] == 0.8 and r["complaints_rate"] == 0.75  # 40 / 50, 6 / 8


def test_an_empty_denominator_is_unknown_never_zero():
    r = rates_of_sums(**{key: None for key in SUMS})
    assert r["asa_known"] == r["aht_known"] == r["service_level_known"] == 0
    rates = {k: v for k, v in r.items() if not k.endswith("_known")}
    assert set(rates.values()) == {None}
    # Only abandons known: the service level is 0 / 30 = 0, a true zero, not unknown.
    nothing = {key: None for key in SUMS}
    only_abandons = rates_of_sums(**{**nothing, "abandoned": 30, "answered_within_sl": 0})
    assert only_abandons["service_level"] == 0.0 and only_abandons["asa_s"] is None


def test_a_ratio_without_denominator_is_none():
    assert ratio_or_none(3, 0) is None and ratio_or_none(3, None) is None
    assert ratio_or_none(None, 4) is None  # an unknown count stays unknown
    assert ratio_or_none(3, 4) == 0.75

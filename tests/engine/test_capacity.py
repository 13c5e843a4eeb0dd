"""Funded ETP needed at the COG productions, and the phone-hours view."""

import pytest

from pfspilot.engine.capacity import CapacityInputError, capacity

YEAR_VOLUMES = {
    "calls_offered": 1_000_000,
    "ivr_calls": 100_000,
    "emails": 200_000,
    "pickup_target": 0.87,
    "phone_share": 0.85,
    "email_share": 0.15,
    "fte_available": 110.0,
    "phone_hours_available": 150_000.0,
    "calls_per_hour": 10.0,
}


def test_it_computes_the_2026_need_by_hand():
    result = capacity(**YEAR_VOLUMES, calls_per_fte=7600, emails_per_fte=1700)
    # Agents owe 87 % of 1 000 000 calls minus the 100 000 the IVR treats alone.
    assert result.calls_to_answer == pytest.approx(770_000)
    assert result.fte_calls == pytest.approx(770_000 / 7600)  # 101.3
    assert result.fte_emails == pytest.approx(200_000 / 1700)  # 117.6
    assert result.fte_needed == pytest.approx(117.647, abs=1e-3)
    assert result.binding == "emails"
    assert result.fte_needed_pooled == pytest.approx(
        0.85 * 770_000 / 7600 + 0.15 * 200_000 / 1700
    )  # 103.8
    assert result.fte_needed_pooled == pytest.approx(103.765, abs=1e-3)
    assert result.fte_gap == pytest.approx(110 - 117.647, abs=1e-3)
    assert result.phone_hours_needed == pytest.approx(77_000)
    assert result.phone_hours_gap == pytest.approx(73_000)


def test_it_computes_the_2027_need_by_hand():
    result = capacity(**YEAR_VOLUMES, calls_per_fte=8000, emails_per_fte=2000)
    assert result.fte_calls == pytest.approx(96.25)
    assert result.fte_emails == pytest.approx(100.0)
    assert result.fte_needed == pytest.approx(100.0)
    assert result.fte_needed_pooled == pytest.approx(0.85 * 96.25 + 0.15 * 100.0)  # 96.8125
    assert result.fte_gap == pytest.approx(10.0)


def test_it_lets_calls_set_the_need_when_they_dominate():
    volumes = YEAR_VOLUMES | {"emails": 50_000}
    result = capacity(**volumes, calls_per_fte=7600, emails_per_fte=1700)
    assert result.binding == "calls"
    assert result.fte_needed == pytest.approx(770_000 / 7600)


def test_it_owes_no_call_when_the_ivr_alone_reaches_the_target():
    volumes = YEAR_VOLUMES | {"ivr_calls": 900_000}
    result = capacity(**volumes, calls_per_fte=7600, emails_per_fte=1700)
    assert result.calls_to_answer == 0.0


@pytest.mark.parametrize(
    "change,message",
    [
        ({"calls_per_fte": 0}, "appels par ETP doit être strictement positif"),
        ({"pickup_target": 1.0}, "cible de décroché"),
        ({"emails": -1}, "courriels ne peut pas être négatif"),
        ({"phone_share": 0.9}, "totaliser 100 %"),
    ],
)
def test_it_rejects_bad_inputs_in_french(change, message):
    args = YEAR_VOLUMES | {"calls_per_fte": 7600, "emails_per_fte": 1700} | change
    with pytest.raises(CapacityInputError, match=message):
        capacity(**args)

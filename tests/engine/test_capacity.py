"""Funded ETP needed at the COG productions, and the hourly view at the décroché target."""

import datetime as dt

import pytest

from pfspilot.engine import erlang
from pfspilot.engine.capacity import CapacityInputError, capacity, hourly_need

YEAR_VOLUMES = {
    "calls_offered": 1_000_000,
    "ivr_calls": 100_000,
    "emails": 200_000,
    "pickup_target": 0.87,
    "phone_share": 0.85,
    "email_share": 0.15,
    "fte_available": 110.0,
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


MONDAY, TUESDAY = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
NINE, NINE_THIRTY = dt.time(9, 0), dt.time(9, 30)
# Queue of the hand-computed cases: AHT 180 s, patience 120 s, no IVR, target 90 %.
# Agents the (separately tested) staffing search gives at 90 % décroché:
#   40 calls/h → 4, 120 calls/h → 8, 200 calls/h → 11.
QUEUE = {"patience_s": 120.0, "ivr_share": 0.0, "pickup_target": 0.9}


def _need(offered, staffed, *, days=(MONDAY,), shrinkage=0.0, aht=180.0, **queue):
    return hourly_need(
        list(days),
        [NINE, NINE_THIRTY],
        offered=offered,
        aht_s=[aht] * len(days),
        staffed=staffed,
        shrinkage=shrinkage,
        phone_hours_per_fte_day=6.0,
        **(QUEUE | queue),
    )


def test_the_staffing_search_gives_the_agents_the_cases_use():
    assert [erlang.required_agents(lam, 180, 120, target_pickup=0.9) for lam in (40, 120, 200)] == [
        4,
        8,
        11,
    ]


def test_hours_needed_are_the_sum_of_the_half_hours_needs_not_the_average():
    # 20 then 100 calls offered per half-hour = 40/h and 200/h: 4 and 11 agents.
    need = _need([[20, 100]], [[0, 0]])
    assert need.required.tolist() == [[4, 11]]
    # Σ needs × 0.5 h = (4 + 11) × 0.5 = 7.5 h. The average load (60 per half-hour, 120/h)
    # would need 8 agents in each half-hour, 8 × 2 × 0.5 = 8 h; the old ratio, 120 calls /
    # 10 per hour, 12 h.
    assert need.total.hours_needed == pytest.approx(7.5)
    assert need.total.hours_needed not in (8.0, 12.0)


def test_hours_missing_are_counted_per_half_hour_never_netted():
    # 6 agents on the phone in both half-hours: 2 too many at 9:00, 5 missing at 9:30.
    need = _need([[20, 100]], [[6, 6]])
    row = need.total
    assert row.hours_staffed == pytest.approx(6.0)  # (6 + 6) × 0.5
    assert row.hours_needed == pytest.approx(7.5)
    # Net, 7.5 − 6 = 1.5 h would be missing; per half-hour, max(0, 11 − 6) × 0.5 = 2.5 h.
    assert row.hours_missing == pytest.approx(2.5)
    # ETP missing at least 2.5 h / (6 h × 1 day).
    assert row.fte_missing == pytest.approx(2.5 / 6)


def test_unavailability_raises_the_need():
    # 11 ready agents / (1 − 0.35) = 16.9 → 17; 4 / 0.65 = 6.2 → 7.
    need = _need([[20, 100]], [[0, 0]], shrinkage=0.35)
    assert need.required.tolist() == [[7, 17]]
    assert need.total.hours_needed == pytest.approx(12.0)  # (7 + 17) × 0.5


def test_expected_pickup_with_the_staff_in_post_is_weighted_by_calls():
    # No agent at 9:00 (everyone hangs up: décroché 0) and the 11 agents needed at 9:30.
    need = _need([[20, 100]], [[0, 11]])
    at_930 = 1 - erlang.metrics(200, 180, 11, patience_s=120)["p_abandon"]
    assert need.pickups[0].tolist() == pytest.approx([0.0, at_930])
    assert at_930 >= 0.9
    # Weighted: (20 × 0 + 100 × at_930) / 120.
    assert need.total.expected_pickup == pytest.approx(100 * at_930 / 120)


def test_ready_agents_are_staffed_times_availability_interpolated():
    # 3 agents at 50 % availability = 1.5 ready: halfway between 1 and 2 ready agents.
    need = _need([[20, 0]], [[3, 0]], shrinkage=0.5, ivr_share=0.1, pickup_target=0.5)
    p1 = erlang.metrics(40 * 0.9, 180, 1, patience_s=120)["p_abandon"]
    p2 = erlang.metrics(40 * 0.9, 180, 2, patience_s=120)["p_abandon"]
    expected = 0.1 + 0.9 * (1 - (p1 + p2) / 2)
    assert need.pickups[0, 0] == pytest.approx(expected)
    assert need.pickups[0, 1] == 1.0  # no call: nothing missed


def test_it_sums_by_month_and_by_half_hour():
    days = (MONDAY, TUESDAY, dt.date(2026, 4, 1))
    need = _need([[20, 100], [20, 100], [0, 0]], [[4, 11], [4, 5], [1, 1]], days=days)
    march, april = need.by_month()
    assert (march.key, march.days, april.key, april.days) == (3, 2, 4, 1)
    # March: needs 2 × (4 + 11) × 0.5 = 15 h; missing only Tuesday 9:30: (11 − 5) × 0.5 = 3 h.
    assert march.hours_needed == pytest.approx(15.0)
    assert march.hours_missing == pytest.approx(3.0)
    assert march.fte_missing == pytest.approx(3.0 / (6 * 2))
    assert april.hours_needed == 0 and april.hours_missing == 0 and april.expected_pickup == 1.0
    nine, half_past = need.by_slot()
    # 9:30 band over 3 days: agents needed (11 + 11 + 0) / 3, missing (0 + 6 + 0) / 3 = 2.
    assert half_past.key == NINE_THIRTY
    assert half_past.agents_needed == pytest.approx(22 / 3)
    assert half_past.agents_missing == pytest.approx(2.0)
    assert half_past.calls_per_day == pytest.approx(200 / 3)
    assert nine.hours_missing == 0


def test_the_ivr_alone_reaching_the_target_needs_no_agent():
    need = _need([[20, 100]], [[0, 0]], ivr_share=0.95)
    assert need.total.hours_needed == 0.0
    assert need.total.expected_pickup == pytest.approx(0.95)  # the IVR's share only


@pytest.mark.parametrize(
    "change,message",
    [
        ({"staffed": [[1, 1, 1]]}, "mêmes jours et demi-heures"),
        ({"staffed": [[-1, 1]]}, "ne peuvent pas être négatifs"),
        ({"offered": [[-1, 1]]}, "ne peuvent pas être négatifs"),
    ],
)
def test_the_hourly_view_rejects_bad_inputs_in_french(change, message):
    args = {"offered": [[20, 100]], "staffed": [[1, 1]]} | change
    with pytest.raises(CapacityInputError, match=message):
        _need(args["offered"], args["staffed"])


def test_every_call_in_the_ivr_needs_no_agent_and_misses_nothing():
    need = _need([[20, 100]], [[0, 0]], ivr_share=1.0)
    assert need.total.hours_needed == 0.0 and need.total.hours_missing == 0.0
    assert need.total.expected_pickup == 1.0

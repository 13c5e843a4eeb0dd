"""Every indicator of domain.md on small frames whose values are computed by hand below."""

from datetime import date, datetime, time, timedelta

import polars as pl
import pytest

from pfspilot.engine import deadlines, indicators
from pfspilot.engine.parameters import CogTargets, IndicatorParams

D = datetime

# Monday 2 March 2026. c1 calls 4 times, c2 twice, c3 twice; call 3 has no caller id.
CALLS = [
    # id, caller, arrival, outcome, wait, talk, wrap, agent, team, motif
    ("1", "c1", D(2026, 3, 2, 9, 0), "answered", 10.0, 100.0, 20.0, "ana", "T1", "CMG"),
    ("2", "c1", D(2026, 3, 2, 9, 10), "answered", 30.0, 200.0, 40.0, "bob", "T2", "ASF"),
    ("3", None, D(2026, 3, 2, 9, 40), "ivr", None, None, None, None, None, None),
    ("4", "c2", D(2026, 3, 2, 10, 5), "abandoned", 5.0, None, None, None, None, None),
    ("5", "c2", D(2026, 3, 3, 10, 0), "abandoned", 60.0, None, None, None, None, None),
    ("6", "c3", D(2026, 3, 9, 9, 0), "answered", 20.0, 300.0, None, "ana", "T1", None),
    # Exactly 168 h after call 2 of c1: a repeat.
    ("7", "c1", D(2026, 3, 9, 9, 10), "answered", 0.0, 60.0, 0.0, "bob", "T2", None),
    # 168 h and 1 s after call 6 of c3: not a repeat.
    ("8", "c3", D(2026, 3, 16, 9, 0, 1), "ivr", None, None, None, None, None, None),
]
COLUMNS = [
    "call_id",
    "caller_id",
    "arrival",
    "outcome",
    "wait_s",
    "talk_s",
    "wrap_s",
    "agent",
    "team",
    "motif",
]


@pytest.fixture
def calls():
    return pl.DataFrame(CALLS, schema=COLUMNS, orient="row")


def summary(frame, **kwargs):
    return indicators.call_summary(frame, **kwargs)


def test_it_counts_offered_answered_ivr_and_abandoned(calls):
    s = summary(calls)
    assert (s["offered"], s["answered"], s["ivr_handled"], s["abandoned"]) == (8, 4, 2, 2)
    assert s["short_abandons"] == 0


def test_it_computes_the_pickup_rate_with_the_ivr(calls):
    assert summary(calls)["pickup_rate"] == 6 / 8


def test_it_computes_agent_answer_and_abandonment_rates(calls):
    s = summary(calls)
    assert s["agent_answer_rate"] == 4 / 6
    assert s["abandonment_rate"] == 2 / 6


def test_it_computes_asa_aht_and_service_level(calls):
    s = summary(calls, service_thresholds_s=(30,))
    assert s["asa_s"] == (10 + 30 + 20 + 0) / 4
    assert s["aht_s"] == (120 + 240 + 300 + 60) / 4  # a missing wrap-up counts 0
    # Waits 10, 20 (the threshold itself counts) and 0 of the 4 answered, over A + X = 6.
    assert s["service_level_20s"] == 3 / 6
    assert s["service_level"] == 3 / 6
    assert s["answered_within_sl"] == 3
    assert s["service_level_30s"] == 4 / 6


def test_it_follows_the_service_level_threshold_parameter(calls):
    s = summary(calls, params=IndicatorParams(service_level_threshold_s=5))
    assert s["service_level"] == 1 / 6  # only call 7 (0 s)
    assert s["service_level_5s"] == 1 / 6


def test_it_counts_repeat_calls_up_to_exactly_168_hours(calls):
    s = summary(calls)
    # Identified: 1, 2, 4, 5, 6, 7, 8. Repeats: 2 (10 min), 5 (23 h 55), 7 (exactly 168 h).
    assert (s["identified_calls"], s["repeat_calls"]) == (7, 3)
    assert s["repeat_rate"] == 3 / 7


def test_it_follows_the_repeat_window_parameter(calls):
    s = summary(calls, params=IndicatorParams(repeat_window_days=6))
    assert s["repeat_calls"] == 2  # call 7 is now 7 days after its predecessor
    assert s["repeat_rate"] == 2 / 7


def test_it_counts_repeat_callers_with_the_callers_unit(calls):
    s = summary(calls, params=IndicatorParams(repeat_unit="callers"))
    assert (s["identified_callers"], s["repeat_callers"]) == (3, 2)  # c1 and c2, not c3
    assert s["repeat_rate"] == 2 / 3


def test_it_rejects_an_unknown_repeat_unit(calls):
    with pytest.raises(ValueError):
        summary(calls, params=IndicatorParams(repeat_unit="people"))


def test_it_uses_calls_before_the_period_as_repeat_predecessors(calls):
    s = summary(calls, start=date(2026, 3, 3))
    # Period calls 5, 6, 7, 8; 5 follows call 4 and 7 follows call 2, both before the period.
    assert (s["offered"], s["answered"], s["ivr_handled"], s["abandoned"]) == (4, 2, 1, 1)
    assert (s["identified_calls"], s["repeat_calls"]) == (4, 2)
    assert s["repeat_rate"] == 0.5
    without_lookback = calls.filter(pl.col("arrival") >= D(2026, 3, 3))
    assert summary(without_lookback, start=date(2026, 3, 3))["repeat_rate"] == 0.0


def test_it_ignores_calls_after_the_period(calls):
    s = summary(calls, start=date(2026, 3, 2), end=date(2026, 3, 3))
    assert (s["offered"], s["answered"], s["ivr_handled"], s["abandoned"]) == (4, 2, 1, 1)
    assert s["repeat_rate"] == 1 / 3  # identified 1, 2, 4; repeat 2


def test_it_removes_short_abandons_from_x_and_o(calls):
    s = summary(calls, params=IndicatorParams(short_abandon_s=10))
    assert (s["offered"], s["abandoned"], s["short_abandons"]) == (7, 1, 1)  # call 4 waited 5 s
    assert s["pickup_rate"] == 6 / 7
    assert s["agent_answer_rate"] == 4 / 5
    assert s["service_level"] == 3 / 5
    # Call 4 is no call at all: call 5 of c2 has no predecessor left.
    assert (s["identified_calls"], s["repeat_calls"]) == (6, 2)


def test_it_measures_short_abandons_from_queue_timestamps_without_wait():
    frame = pl.DataFrame(
        {
            "call_id": ["1", "2", "3"],
            "arrival": [D(2026, 3, 2, 9, 0)] * 3,
            "queue_entry": [D(2026, 3, 2, 9, 0, 10)] * 3,
            "queue_exit": [D(2026, 3, 2, 9, 0, 13), D(2026, 3, 2, 9, 0, 50), None],
            "answered_at": [None, None, D(2026, 3, 2, 9, 0, 20)],
            "outcome": ["abandoned", "abandoned", "answered"],
        }
    )
    s = summary(frame, params=IndicatorParams(short_abandon_s=5))
    assert (s["offered"], s["abandoned"], s["short_abandons"]) == (2, 1, 1)
    assert s["asa_s"] == 10.0  # from queue entry to answer


def test_it_leaves_an_answered_call_without_wait_nor_queue_time_out_of_asa():
    frame = pl.DataFrame(
        {"call_id": ["1", "2"], "arrival": [D(2026, 3, 2, 9)] * 2, "outcome": ["answered"] * 2}
    ).with_columns(wait_s=pl.Series([None, 40.0]))
    s = summary(frame)
    # Call 1's wait is unknown (empty, no timestamps): ASA = 40 / 1; SL(20 s) = 0 / 1.
    assert (s["asa_s"], s["asa_known"]) == (40.0, 1)
    assert (s["service_level"], s["service_level_known"]) == (0.0, 1)


def test_it_gives_none_for_empty_denominators(calls):
    s = summary(calls.clear())
    assert (s["offered"], s["answered"], s["repeat_calls"]) == (0, 0, 0)
    for key in ("pickup_rate", "agent_answer_rate", "repeat_rate", "asa_s", "aht_s"):
        assert s[key] is None
    assert s["service_level_20s"] is None
    only_ivr = calls.filter(pl.col("outcome") == "ivr").with_columns(caller_id=pl.lit(None))
    s = summary(only_ivr)
    assert s["pickup_rate"] == 1.0
    assert s["agent_answer_rate"] is None and s["service_level"] is None
    assert s["repeat_rate"] is None


def test_it_groups_by_week_with_iso_labels(calls):
    rows = indicators.call_indicators(
        calls, by="week", start=date(2026, 3, 2), end=date(2026, 3, 23)
    ).to_dicts()
    assert [r["label"] for r in rows] == ["2026-W10", "2026-W11", "2026-W12"]
    assert [r["period"] for r in rows] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert [r["offered"] for r in rows] == [5, 2, 1]
    assert [r["pickup_rate"] for r in rows] == [3 / 5, 1.0, 1.0]
    # Week 11: call 7 repeats call 2 of week 10; week 12: call 8 is past the window.
    assert [r["repeat_rate"] for r in rows] == [2 / 4, 1 / 2, 0.0]
    assert [r["asa_s"] for r in rows] == [20.0, 10.0, None]


def test_it_groups_by_day_and_shows_empty_days(calls):
    rows = indicators.call_indicators(
        calls, by="day", start=date(2026, 3, 2), end=date(2026, 3, 5)
    ).to_dicts()
    assert [(r["label"], r["offered"]) for r in rows] == [
        ("2026-03-02", 4),
        ("2026-03-03", 1),
        ("2026-03-04", 0),
    ]
    assert rows[2]["pickup_rate"] is None and rows[2]["answered"] == 0


def test_it_groups_by_month_and_year(calls):
    rows = indicators.call_indicators(
        calls, by="month", start=date(2026, 2, 1), end=date(2026, 4, 1)
    ).to_dicts()
    assert [(r["label"], r["offered"], r["pickup_rate"]) for r in rows] == [
        ("2026-02", 0, None),
        ("2026-03", 8, 0.75),
    ]
    (year,) = indicators.call_indicators(calls, by="year").to_dicts()
    assert (year["label"], year["offered"], year["repeat_rate"]) == ("2026", 8, 3 / 7)


def test_it_rejects_an_unknown_period(calls):
    with pytest.raises(ValueError):
        indicators.call_indicators(calls, by="quarter")


def test_it_groups_by_agent(calls):
    rows = {r["agent"]: r for r in indicators.call_indicators(calls, group="agent").to_dicts()}
    assert set(rows) == {"ana", "bob", None}
    assert (rows["ana"]["answered"], rows["ana"]["asa_s"], rows["ana"]["aht_s"]) == (2, 15.0, 210.0)
    assert (rows["bob"]["answered"], rows["bob"]["asa_s"], rows["bob"]["aht_s"]) == (2, 15.0, 150.0)
    assert rows["bob"]["repeat_rate"] == 1.0  # calls 2 and 7 both repeat a c1 call
    assert (rows[None]["offered"], rows[None]["pickup_rate"], rows[None]["asa_s"]) == (4, 0.5, None)


def test_it_groups_by_team_and_motif_per_month(calls):
    rows = indicators.call_indicators(calls, by="month", group="team").to_dicts()
    assert [(r["label"], r["team"], r["answered"]) for r in rows] == [
        ("2026-03", "T1", 2),
        ("2026-03", "T2", 2),
        ("2026-03", None, 0),
    ]
    motifs = {
        r["motif"]: r["offered"]
        for r in indicators.call_indicators(calls, group="motif").to_dicts()
    }
    assert motifs == {"CMG": 1, "ASF": 1, None: 6}


def test_it_counts_volumes_per_half_hour(calls):
    rows = indicators.half_hour_volumes(calls).to_dicts()
    assert [
        (r["slot"], r["offered"], r["answered"], r["ivr_handled"], r["abandoned"]) for r in rows
    ] == [
        (time(9, 0), 5, 4, 1, 0),
        (time(9, 30), 1, 0, 1, 0),
        (time(10, 0), 2, 0, 0, 2),
    ]
    per_day = indicators.half_hour_volumes(
        calls, by="day", start=date(2026, 3, 2), end=date(2026, 3, 3)
    )
    assert [(r["label"], r["slot"], r["offered"]) for r in per_day.to_dicts()] == [
        ("2026-03-02", time(9, 0), 2),
        ("2026-03-02", time(9, 30), 1),
        ("2026-03-02", time(10, 0), 1),
    ]


def test_it_returns_json_ready_records(calls):
    (row,) = indicators.to_records(indicators.call_indicators(calls, by="month"))
    assert row["period"] == "2026-03-01" and row["label"] == "2026-03"


# --- productivity -------------------------------------------------------------------------


ACTIVITY = pl.DataFrame(
    {
        "agent": ["ana", "ana", "bob", "eve"],
        "team": ["T1", "T1", "T2", "T2"],
        "day": [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 2), date(2026, 3, 2)],
        "phone_s": [3600.0, 1800.0, 7200.0, 0.0],
        "email_s": [0.0, 0.0, 3600.0, 1800.0],
    }
)
ANSWERED_EMAILS = pl.DataFrame(
    {
        "email_id": ["m1", "m2", "m3", "m4"],
        "received_at": [D(2026, 3, 1, 10)] * 4,
        "kind": ["niveau1"] * 4,
        "agent": ["bob", "bob", "bob", "eve"],
        "team": ["T2"] * 4,
        "answered_at": [D(2026, 3, 2, 8), D(2026, 3, 2, 8, 10), D(2026, 3, 2, 16, 40), None],
    }
)


def test_it_computes_calls_and_emails_per_hour_per_agent(calls):
    rows = {
        r["agent"]: r
        for r in indicators.agent_productivity(
            ACTIVITY, calls=calls, emails=ANSWERED_EMAILS
        ).to_dicts()
    }
    assert rows["ana"]["answered_calls"] == 2 and rows["ana"]["phone_hours"] == 1.5
    assert rows["ana"]["calls_per_hour"] == 2 / 1.5
    assert rows["bob"]["calls_per_hour"] == 1.0
    assert rows["bob"]["answered_emails"] == 3 and rows["bob"]["emails_per_hour"] == 3.0
    assert rows["ana"]["emails_per_hour"] is None  # no hour on emails
    assert rows["eve"]["answered_emails"] == 0 and rows["eve"]["emails_per_hour"] == 0.0
    assert rows["eve"]["calls_per_hour"] is None


def test_it_computes_productivity_per_team_and_week(calls):
    rows = indicators.agent_productivity(
        ACTIVITY,
        calls=calls,
        by="week",
        group="team",
        start=date(2026, 3, 2),
        end=date(2026, 3, 16),
    ).to_dicts()
    assert [(r["label"], r["team"], r["answered_calls"], r["phone_hours"]) for r in rows] == [
        ("2026-W10", "T1", 1, 1.0),
        ("2026-W10", "T2", 1, 2.0),
        ("2026-W11", "T1", 1, 0.5),
        ("2026-W11", "T2", 1, 0.0),
    ]
    assert rows[2]["calls_per_hour"] == 2.0 and rows[3]["calls_per_hour"] is None


# --- emails ---------------------------------------------------------------------------------

AT = D(2026, 11, 12, 12)  # Thursday; Wednesday 11 November is a public holiday
EMAILS = pl.DataFrame(
    [
        # Level 1. Calendar hours / working hours (11/11 and the weekend do not run).
        ("e1", D(2026, 11, 9, 10), "niveau1", D(2026, 11, 10, 9)),  # 23 h / 23 h
        ("e2", D(2026, 11, 6, 15), "niveau1", D(2026, 11, 10, 14)),  # 95 h / 47 h
        ("e3", D(2026, 11, 10, 10), "niveau1", None),  # age 50 h / 26 h
        ("e4", D(2026, 11, 11, 9), "niveau1", None),  # age 27 h / 12 h
        ("e5", D(2026, 11, 10, 11), "niveau1", D(2026, 11, 12, 11, 30)),  # 48.5 h / 24.5 h
        ("e6", D(2026, 11, 10, 12), "niveau1", D(2026, 11, 12, 12)),  # exactly 48 h / 24 h
        ("e7", D(2026, 11, 9, 8), "niveau1", D(2026, 11, 13, 9)),  # after AT: age 76 h / 52 h
        # Complaints. Calendar days / working days.
        ("r1", D(2026, 10, 26, 10), "reclamation", D(2026, 11, 5, 10)),  # exactly 10 d / 8 d
        ("r2", D(2026, 10, 30, 10), "reclamation", D(2026, 11, 12, 9)),  # 12 d 23 h / 7 d 23 h
        ("r3", D(2026, 11, 2, 9), "reclamation", None),  # age 10 d 3 h / 7 d 3 h
    ],
    schema=["email_id", "received_at", "kind", "answered_at"],
    orient="row",
)


def test_it_computes_level1_emails_within_48_calendar_hours():
    (row,) = indicators.email_indicators(EMAILS, at=AT).to_dicts()
    assert (row["level1_received"], row["level1_answered"]) == (7, 4)
    # Due: answered e1 e2 e5 e6, plus e3 and e7 older than 48 h; within: e1 and e6.
    assert (row["level1_due"], row["level1_within"]) == (6, 2)
    assert row["level1_within_deadline_rate"] == 2 / 6


def test_it_computes_level1_emails_on_the_business_clock():
    params = IndicatorParams(deadline_clock="business")
    (row,) = indicators.email_indicators(EMAILS, at=AT, params=params).to_dicts()
    # e3 (26 h) and e4 (12 h) are not due yet; e7 (52 h) is; every answer took at most 48 h.
    assert (row["level1_due"], row["level1_within"]) == (5, 4)
    assert row["level1_within_deadline_rate"] == 4 / 5


def test_it_computes_level1_emails_on_the_opening_hours_clock():
    params = IndicatorParams(deadline_clock="opening")
    (row,) = indicators.email_indicators(EMAILS, at=AT, params=params).to_dicts()
    # e7 counts 7.5 + 7.5 + 3 = 18 opening hours: not due; answers took 6.5 to 14 h.
    assert (row["level1_due"], row["level1_within"]) == (4, 4)


def test_it_computes_complaints_within_10_days():
    (row,) = indicators.email_indicators(EMAILS, at=AT).to_dicts()
    assert (row["complaint_received"], row["complaint_due"], row["complaint_within"]) == (3, 3, 1)
    assert row["complaint_within_deadline_rate"] == 1 / 3
    params = IndicatorParams(deadline_clock="business")
    (row,) = indicators.email_indicators(EMAILS, at=AT, params=params).to_dicts()
    assert (row["complaint_due"], row["complaint_within"]) == (2, 2)  # r3 at 7 working days
    assert row["complaint_within_deadline_rate"] == 1.0


def test_it_follows_the_email_deadline_parameters():
    params = IndicatorParams(email_deadline_hours=24, complaint_deadline_days=14)
    (row,) = indicators.email_indicators(EMAILS, at=AT, params=params).to_dicts()
    # 24 h: e4 (27 h) becomes due; within: only e1 (23 h).
    assert (row["level1_due"], row["level1_within"]) == (7, 1)
    # 14 days: r3 (10 d 3 h) is not due; r1 and r2 within.
    assert (row["complaint_due"], row["complaint_within"]) == (2, 2)


def test_it_takes_the_cohort_by_receipt_and_week():
    rows = indicators.email_indicators(
        EMAILS, at=AT, by="week", start=date(2026, 11, 2), end=date(2026, 11, 16)
    ).to_dicts()
    assert [(r["label"], r["level1_received"], r["complaint_received"]) for r in rows] == [
        ("2026-W45", 1, 1),  # e2 (6 Nov), r3
        ("2026-W46", 6, 0),
    ]
    assert rows[1]["complaint_within_deadline_rate"] is None
    assert rows[0]["level1_within_deadline_rate"] == 0.0  # e2 took 95 calendar hours


def test_it_counts_real_hours_across_the_change_to_summer_time():
    # Sunday 29 March 2026 has 23 hours: 48 h 30 on the wall clock, 47 h 30 really elapsed.
    emails = pl.DataFrame(
        {
            "email_id": ["e1"],
            "received_at": [D(2026, 3, 28, 12)],
            "kind": ["niveau1"],
            "answered_at": [D(2026, 3, 30, 12, 30)],
        }
    )
    (row,) = indicators.email_indicators(emails, at=D(2026, 4, 1)).to_dicts()
    assert (row["level1_due"], row["level1_within"]) == (1, 1)


@pytest.mark.parametrize("clock", ["business", "opening"])
def test_it_agrees_with_the_calendar_module_on_every_clock(clock):
    # Every hour of November 2026 as receipt, answered 0 to 299 h later: within 48 h or not.
    received = [D(2026, 11, 1) + timedelta(hours=h) for h in range(24 * 30)]
    answered = [r + timedelta(hours=(i * 37) % 300) for i, r in enumerate(received)]
    emails = pl.DataFrame(
        {
            "email_id": [str(i) for i in range(len(received))],
            "received_at": received,
            "kind": ["niveau1"] * len(received),
            "answered_at": answered,
        }
    )
    rows = indicators.email_indicators(
        emails, at=D(2027, 1, 1), params=IndicatorParams(deadline_clock=clock), group="email_id"
    )
    kind = deadlines.Clock(clock)
    expected = [
        int(deadlines.elapsed(r, a, kind) <= 48 * 3600)
        for r, a in zip(received, answered, strict=True)
    ]
    by_id = dict(zip(rows["email_id"], rows["level1_within"], strict=True))
    assert [by_id[str(i)] for i in range(len(received))] == expected
    assert 0 < sum(expected) < len(expected)


def test_it_gives_none_when_no_email_is_due():
    (row,) = indicators.email_indicators(EMAILS.clear(), at=AT).to_dicts()
    assert row["level1_due"] == 0 and row["level1_within_deadline_rate"] is None


# --- satisfaction -------------------------------------------------------------------------


def test_it_computes_satisfaction_per_channel():
    surveys = pl.DataFrame(
        {
            "survey_id": [str(i) for i in range(8)],
            "channel": ["telephone"] * 3 + ["courriel"] * 5,
            "answered_on": [date(2026, 3, 2)] * 2 + [date(2026, 4, 1)] + [date(2026, 3, 5)] * 5,
            "satisfied": [True, True, False, True, True, True, False, None],
        }
    )
    rows = {r["channel"]: r for r in indicators.satisfaction_rates(surveys).to_dicts()}
    assert (rows["telephone"]["answers"], rows["telephone"]["satisfaction_rate"]) == (3, 2 / 3)
    assert (rows["courriel"]["answers"], rows["courriel"]["satisfaction_rate"]) == (4, 0.75)
    monthly = indicators.satisfaction_rates(surveys, by="month", end=date(2026, 4, 1)).to_dicts()
    assert [(r["label"], r["channel"], r["satisfaction_rate"]) for r in monthly] == [
        ("2026-03", "courriel", 0.75),
        ("2026-03", "telephone", 1.0),
    ]


# --- year targets ---------------------------------------------------------------------------


def test_it_pro_rates_production_per_funded_fte_by_working_days():
    # 30 June 2026: 123 of the year's 252 working days elapsed, 129 remaining.
    result = indicators.production_per_fte(
        answered_calls=456_000, answered_emails=102_000, funded_fte=120, as_of=date(2026, 6, 30)
    )
    assert result["working_days_elapsed"] == 123 and result["working_days_remaining"] == 129
    assert result["calls_per_fte"] == 3800
    assert result["calls_target_to_date"] == pytest.approx(7600 * 123 / 252)
    assert result["calls_progress"] == pytest.approx(3800 / (7600 * 123 / 252))
    assert result["calls_projected_per_fte"] == pytest.approx(3800 * 252 / 123)
    assert result["calls_needed_per_fte_per_day"] == pytest.approx((7600 - 3800) / 129)
    assert result["emails_per_fte"] == 850
    assert result["emails_projected_per_fte"] == pytest.approx(850 * 252 / 123)
    assert result["emails_target_to_date"] == pytest.approx(1700 * 123 / 252)


def test_it_uses_the_targets_of_the_year():
    targets = CogTargets(year=2027, calls_per_fte=8000, emails_per_fte=2000)
    result = indicators.production_per_fte(
        answered_calls=0,
        answered_emails=0,
        funded_fte=100,
        as_of=date(2026, 12, 31),
        targets=targets,
    )
    assert result["working_days_elapsed"] == 0
    assert result["calls_target_to_date"] == 0
    assert result["calls_projected_per_fte"] is None and result["calls_progress"] is None
    assert result["calls_needed_per_fte_per_day"] == pytest.approx(
        8000 / result["working_days_total"]
    )


def test_it_gives_none_without_funded_fte():
    result = indicators.production_per_fte(
        answered_calls=10, answered_emails=1, funded_fte=0, as_of=date(2026, 6, 30)
    )
    assert result["calls_per_fte"] is None and result["calls_projected_per_fte"] is None


def test_it_computes_the_pickup_rate_needed_on_the_remaining_days():
    result = indicators.pickup_rate_needed(
        offered=1_000_000, treated=850_000, as_of=date(2026, 6, 30)
    )
    assert result["pickup_rate"] == 0.85 and result["projected_year_end"] == 0.85
    # Remaining volume 1 000 000 / 123 × 129; missing 0.02 × 1 000 000 treated calls.
    assert result["needed_remaining"] == pytest.approx(0.87 + 20_000 * 123 / (1_000_000 * 129))


def test_it_says_when_the_target_is_out_of_reach_or_secured():
    # 50 % so far over 9 days, one day left: the last day would need far above 100 %.
    out_of_reach = indicators.rate_needed(
        numerator=50, denominator=100, elapsed_days=9, remaining_days=1, target=0.87
    )
    assert out_of_reach == pytest.approx((0.87 * (100 + 100 / 9) - 50) / (100 / 9))
    assert out_of_reach > 1
    # 100 % so far over 9 days against 50 %: any rate on the last day will do.
    secured = indicators.rate_needed(
        numerator=100, denominator=100, elapsed_days=9, remaining_days=1, target=0.5
    )
    assert secured == pytest.approx((0.5 * (100 + 100 / 9) - 100) / (100 / 9))
    assert secured < 0
    assert (
        indicators.rate_needed(
            numerator=0, denominator=100, elapsed_days=252, remaining_days=0, target=0.87
        )
        is None
    )

"""The synthetic demo year: canonical columns, seasonality, staffing-driven décroché, determinism."""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest

from pfspilot.engine import records
from pfspilot.engine.synthetic import (
    DEMO_TEAMS,
    _caller_roots,
    _presence,
    default_agents,
    generate_year,
    training_days,
    working_days,
)

DTYPES = {
    "datetime": records.INSTANT,
    "date": pl.Date,
    "str": pl.String,
    "float": pl.Float64,
    "bool": pl.Boolean,
}


@pytest.fixture(scope="module")
def year():
    return generate_year(2026, seed=2026, scale=0.1)


@pytest.fixture(scope="module")
def calls(year):
    return year["calls"]


def _expected_dtype(description: str):
    return DTYPES[description.split(" ")[0]]


@pytest.mark.parametrize(
    ("key", "columns"),
    [
        ("calls", records.CALL_COLUMNS),
        ("emails", records.EMAIL_COLUMNS),
        ("surveys", records.SURVEY_COLUMNS),
        ("activity", records.ACTIVITY_COLUMNS),
    ],
)
def test_it_uses_the_canonical_columns_and_types(year, key, columns):
    frame = year[key]
    assert frame.columns == list(columns)
    for name, description in columns.items():
        assert frame.schema[name] == _expected_dtype(description), name
    assert frame.height > 0


def test_it_lists_the_working_days_and_training_thursdays_of_2026():
    days = working_days(2026)
    # 261 weekdays minus 9 public holidays falling on a weekday.
    assert len(days) == 252
    assert dt.date(2026, 7, 14) not in days
    assert dt.date(2026, 5, 14) not in days  # Ascension
    assert sorted(training_days(days)) == [
        dt.date(2026, 3, 19),
        dt.date(2026, 5, 21),
        dt.date(2026, 6, 18),
        dt.date(2026, 9, 17),
        dt.date(2026, 10, 15),
        dt.date(2026, 11, 19),
    ]


def test_it_only_has_calls_on_working_days_within_opening_hours(calls):
    days = set(working_days(2026))
    assert set(calls["arrival"].dt.date().unique().to_list()) <= days
    assert calls["arrival"].dt.time().min() >= dt.time(9, 0)
    assert calls["arrival"].dt.time().max() < dt.time(16, 30)


def test_it_keeps_records_consistent_with_their_outcome(calls):
    answered = calls.filter(pl.col("outcome") == records.ANSWERED)
    ivr = calls.filter(pl.col("outcome") == records.IVR)
    abandoned = calls.filter(pl.col("outcome") == records.ABANDONED)
    assert answered.height + ivr.height + abandoned.height == calls.height
    assert (
        answered.select(
            pl.col("answered_at", "agent", "team", "motif").null_count()
        ).sum_horizontal()[0]
        == 0
    )
    # A few answered calls lost their detail record: durations unknown (empty), never 0.
    lost = answered.filter(pl.col("talk_s").is_null())
    assert 0 < lost.height < 0.01 * answered.height
    assert (
        lost.select(pl.col("wait_s", "wrap_s", "queue_entry").null_count()).row(0)
        == (lost.height,) * 3
    )
    assert ivr["queue_entry"].null_count() == ivr.height
    assert ivr["agent"].null_count() == ivr.height
    assert (ivr["ended_at"] == ivr["ivr_exit"]).all()
    assert abandoned["answered_at"].null_count() == abandoned.height
    assert abandoned["agent"].null_count() == abandoned.height
    queued = calls.filter((pl.col("outcome") != records.IVR) & pl.col("wait_s").is_not_null())
    gap = (queued["queue_exit"] - queued["queue_entry"]).dt.total_microseconds() / 1e6
    assert (gap - queued["wait_s"]).abs().max() < 0.1
    assert (answered["ended_at"] > answered["answered_at"]).drop_nulls().all()
    assert calls["call_id"].n_unique() == calls.height
    assert calls["call_id"][0] == "APP2026-0000001"


def test_it_assigns_agents_of_the_demo_platform_to_their_team(calls):
    pairs = calls.filter(pl.col("agent").is_not_null()).select("agent", "team").unique()
    for code, team in pairs.iter_rows():
        assert team == DEMO_TEAMS[int(code[2:]) % 8]
    assert pairs.height > 90


def test_it_follows_the_seasonality_of_a_caf(calls):
    per_day = calls.group_by(pl.col("arrival").dt.date().alias("day")).len()
    per_day = per_day.with_columns(
        pl.col("day").dt.weekday().alias("weekday"), pl.col("day").dt.month().alias("month")
    )
    by_weekday = dict(per_day.group_by("weekday").agg(pl.col("len").mean()).iter_rows())
    by_month = dict(per_day.group_by("month").agg(pl.col("len").mean()).iter_rows())
    assert by_weekday[1] > by_weekday[5] * 1.3  # Monday vs Friday
    assert by_month[9] > by_month[7] * 1.3  # back to school vs July
    by_half_hour = dict(
        calls.group_by(pl.col("arrival").dt.truncate("30m").dt.time()).len().iter_rows()
    )
    assert by_half_hour[dt.time(9, 30)] > 2 * by_half_hour[dt.time(16, 0)]


def test_it_lands_the_pickup_rate_below_the_target_through_staffing(calls):
    shares = calls["outcome"].value_counts(normalize=True)
    share = dict(shares.iter_rows())
    pickup = share[records.ANSWERED] + share[records.IVR]
    assert 0.80 <= pickup <= 0.86
    assert 0.10 <= share[records.IVR] <= 0.15
    answered = calls.filter(pl.col("outcome") == records.ANSWERED)
    aht = (answered["talk_s"] + answered["wrap_s"]).mean()
    assert 300 <= aht <= 360
    # Abandons come from the queue: the half-hours of the morning rush lose the most.
    by_time = calls.group_by(pl.col("arrival").dt.truncate("30m").dt.time().alias("t")).agg(
        (pl.col("outcome") == records.ABANDONED).mean().alias("lost")
    )
    lost = dict(by_time.iter_rows())
    assert lost[dt.time(10, 0)] > 5 * lost[dt.time(16, 0)]


def test_it_links_about_a_fifth_of_calls_to_a_caller_of_the_previous_week():
    rng = np.random.default_rng(1)
    times = np.sort(rng.random(50_000) * 60 * 86400)
    roots = _caller_roots(times, rng)
    frame = pl.DataFrame({"t": times, "caller": roots}).with_columns(
        pl.col("t").shift(1).over("caller").alias("previous")
    )
    repeat = ((frame["t"] - frame["previous"]) <= 7 * 86400).fill_null(False).mean()
    assert repeat == pytest.approx(0.205, abs=0.01)
    assert (roots <= np.arange(times.size)).all()


def test_it_generates_emails_with_deadlines_near_the_platform_s(year):
    emails = year["emails"].with_columns(
        ((pl.col("answered_at") - pl.col("received_at")).dt.total_hours()).alias("delay_h")
    )
    level1 = emails.filter(pl.col("kind") == records.EMAIL_LEVEL1)
    complaints = emails.filter(pl.col("kind") == records.EMAIL_COMPLAINT)
    assert level1.height / emails.height == pytest.approx(0.85, abs=0.02)
    assert 0.70 <= (level1["delay_h"] < 48).mean() <= 0.80
    assert 0.72 <= (complaints["delay_h"] < 240).mean() <= 0.84
    assert (emails["answered_at"].drop_nulls() > emails["received_at"].min()).all()


def test_it_has_satisfaction_answers_per_channel(year):
    surveys = year["surveys"]
    rates = dict(surveys.group_by("channel").agg(pl.col("satisfied").mean()).iter_rows())
    assert 0.75 <= rates[records.PHONE] <= 0.85
    assert 0.80 <= rates[records.EMAIL] <= 0.88
    assert surveys.filter(pl.col("satisfied"))["score"].min() == 4.0
    assert surveys.filter(~pl.col("satisfied"))["score"].max() == 3.0


def test_it_logs_six_hours_of_phone_per_full_time_agent_day(year):
    activity = year["activity"]
    fte = {a.code: a.fte for a in default_agents()}
    full = activity.filter(pl.col("agent").is_in([c for c, f in fte.items() if f == 1.0]))
    assert full["phone_s"].max() <= 6 * 3600
    assert full["phone_s"].min() >= 0.96 * 6 * 3600
    half = activity.filter(pl.col("agent").is_in([c for c, f in fte.items() if f == 0.5]))
    assert half["phone_s"].max() <= 3 * 3600
    assert activity.select("agent", "day").is_unique().all()


def test_it_takes_agents_off_the_phone_on_training_thursdays():
    days = working_days(2026)
    present, on_phone = _presence(default_agents(), days, np.random.default_rng(3))
    training = np.array([d in training_days(days) for d in days])
    phone_share = on_phone.sum(axis=0) / present.sum(axis=0)
    assert (phone_share[~training] == 1.0).all()
    assert phone_share[training].max() < 0.7


def test_it_leaves_trainees_out_before_their_start_date():
    days = working_days(2026)
    agents = default_agents()
    present, _ = _presence(agents, days, np.random.default_rng(3))
    trainees = [i for i, a in enumerate(agents) if a.start_date == dt.date(2026, 9, 1)]
    before = [i for i, d in enumerate(days) if d < dt.date(2026, 9, 1)]
    assert trainees
    assert not present[np.ix_(trainees, before)].any()


def test_it_is_deterministic_with_a_seed():
    first = generate_year(scale=0.02, seed=7)
    again = generate_year(scale=0.02, seed=7)
    other = generate_year(scale=0.02, seed=8)
    for key in ("calls", "emails", "surveys", "activity"):
        assert first[key].equals(again[key])
    assert not first["calls"].equals(other["calls"])


def test_it_refuses_a_scale_outside_0_1():
    with pytest.raises(ValueError, match="scale"):
        generate_year(scale=0)


@pytest.mark.django_db
def test_it_draws_the_same_agents_as_the_demo_accounts():
    from pfspilot.people import demo
    from pfspilot.people.models import User

    assert DEMO_TEAMS == demo.DEMO_TEAMS
    demo.load()
    users = {
        u.username: u for u in User.objects.filter(username__startswith="tc").select_related("team")
    }
    agents = default_agents()
    assert len(agents) == len(users) == demo.DEMO_AGENTS
    for agent in agents:
        user = users[agent.code]
        assert (agent.team, agent.fte, agent.lunch_group, agent.start_date) == (
            user.team.name,
            float(user.fte),
            user.lunch_group,
            user.start_date,
        )


def test_a_year_still_running_has_no_record_after_its_last_day():
    frames = generate_year(2026, seed=2026, scale=0.05, until=dt.date(2026, 3, 31))
    cutoff = dt.datetime(2026, 4, 1, tzinfo=ZoneInfo("Europe/Paris"))
    assert frames["calls"]["arrival"].max() < cutoff
    for column in ("ivr_exit", "queue_exit", "answered_at", "ended_at"):
        last = frames["calls"][column].max()
        assert last is None or last < cutoff, column
    emails = frames["emails"]
    assert emails["received_at"].max() < cutoff and emails["answered_at"].max() < cutoff
    # Emails received by the 31st and answered later are pending, with no answering agent.
    pending = emails.filter(pl.col("answered_at").is_null())
    assert pending.height > 0 and pending["agent"].null_count() == pending.height
    assert frames["surveys"]["answered_on"].max() <= dt.date(2026, 3, 31)
    assert frames["activity"]["day"].max() <= dt.date(2026, 3, 31)
    with pytest.raises(ValueError, match="aucun jour ouvré"):
        generate_year(2026, scale=0.05, until=dt.date(2026, 1, 1))  # a holiday

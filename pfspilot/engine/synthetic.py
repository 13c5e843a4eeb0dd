"""A synthetic but true-to-life year of the platform, for the demo and for tests.

Volumes follow a CAF's seasonality (payment dates early in the month, back to school, quiet
summer and December, Monday peaks, morning peaks); agents follow the note's A/B day (6 h of
phone, staggered lunches, emails before 8:50 and after 16:30, training on third Thursdays),
with part-time, leave and sickness. Abandonment is not drawn: each day's calls go through the
queue simulator with that day's staffing, so waits, abandons and who answered are consistent
with the agents on the phone. Everything is vectorised with NumPy except the queue itself.
Deterministic for a given seed. Pure Python + NumPy + Polars, no Django.

Like a real switch, a small share of answered calls lose their detail record (`LOST_DETAIL`):
their wait and talk are unknown (empty), never 0, so the demo shows means over known values.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from . import calendar as engine_calendar
from . import simulation as sim
from .records import (
    ABANDONED,
    ANSWERED,
    EMAIL,
    EMAIL_COMPLAINT,
    EMAIL_LEVEL1,
    IVR,
    PHONE,
    TIMEZONE,
)

# Mirrors pfspilot/people/demo.py (the engine may not import Django); a test checks they agree.
DEMO_TEAMS = ["Arras", "Béthune", "Calais", "Lens", "Lille", "Roubaix", "Boulogne", "Dunkerque"]
DEMO_AGENTS = 124
_DEMO_FIRST_NAMES, _DEMO_LAST_NAMES = 18, 15
_DEMO_FTES = [1.0] * 7 + [0.8, 0.5]

CALLS_PER_YEAR = 1_000_000
EMAILS_PER_YEAR = 200_000

OPENING_S = 9 * 3600  # 9:00, time origin of the simulated day
DAY_S = 7.5 * 3600  # 9:00 - 16:30
STAFF_SLOT_S = 300.0  # agents' timelines on a 5-minute grid
STAFF_SLOTS = int(DAY_S / STAFF_SLOT_S)
HALF_HOURS = 15

# Calls reaching the platform per half-hour from 9:00 (relative): the morning rush.
INTRADAY = np.array(
    [1.35, 1.55, 1.5, 1.35, 1.1, 0.95, 0.85, 0.85, 0.95, 1.0, 0.95, 0.85, 0.75, 0.65, 0.5]
)
WEEKDAY = np.array([1.3, 1.05, 0.95, 0.9, 0.8])  # Monday .. Friday
# January .. December: back to school (Aug/Sept), quiet July and December.
MONTH = np.array([1.1, 0.95, 1.0, 0.95, 0.9, 0.95, 0.78, 1.0, 1.3, 1.1, 1.0, 0.75])
# Share of agents on leave for a whole week, by month (summer and Christmas holidays).
LEAVE = np.array([0.08, 0.12, 0.07, 0.12, 0.1, 0.07, 0.24, 0.3, 0.04, 0.1, 0.08, 0.2])
SICK = 0.07  # daily probability of an unplanned absence
# Share of logged phone time an agent is not ready for calls (PIRA entry, urgencies, meetings).
NOT_READY = 0.40
TRAINING_SHARE = 0.45  # agents in training on a training Thursday

IVR_SHARE = 0.10  # plus a payment-date surge (payment date asked to the IVR)
PATIENCE_S = 100.0
TALK_MEAN_S, TALK_SIGMA = 295.0, 0.55  # log-normal talk time
WRAP_BASE_S, WRAP_MEAN_S = 15.0, 30.0
REPEAT_SHARE = 0.205  # calls whose caller called within the previous 7 days
HIDDEN_CALLER = 0.04  # calls without a caller identifier
SURVEY_SHARE = {PHONE: 0.05, EMAIL: 0.08}
LOST_DETAIL = 0.004  # answered calls whose switch detail (queue and talk times) was lost

# Note §B.1 table (labels as in the note), weight within the ~15 % of calls they represent.
NOTE_MOTIFS = {
    "Le CMG": 16,
    "Le décès d'un membre du foyer": 4,
    "Le cumul CMG": 3,
    "La PREPARE": 8,
    "La PREPARE : Adoption - Ass Mat - ETI": 1,
    "La résidence alternée": 6,
    "L'ASF": 10,
    "L'ARIPA": 6,
    "La validation des titres de séjour": 4,
    "Le droit au séjour": 3,
    "ADI": 1,
    "L'AJPP": 2,
    "L'AJPA": 1,
    "Le calcul AAH": 9,
    "Les compléments AEEH": 3,
    "L'accession à la propriété": 1,
    "Les impayés de loyer": 4,
    "Le surendettement": 2,
    "L'indécence du logement": 1,
    "La réponse aux tiers (bailleurs, tutelles, AS...)": 4,
    "L'explication du motif de la créance": 8,
    "Les contestations en cours": 3,
    "Les modifications de modalité de recouvrement": 3,
    "Le placement d'enfants": 1,
    "Les ETI": 1,
    "L'AVPF": 1,
    "Le RSA jeune": 2,
    "Usager en détresse": 1,
}
NOTE_MOTIF_SHARE = 0.15
LEVEL1_MOTIFS = {
    "Paiement": 26,
    "Attestation": 14,
    "Changement de situation": 15,
    "Prime d'activité": 14,
    "Logement (APL)": 12,
    "Mot de passe caf.fr": 7,
    "RSA": 7,
    "Allocations familiales": 5,
}
IVR_MOTIFS = {"Paiement": 55, "Attestation": 30, "Mot de passe caf.fr": 15}
TEMPLATES = {
    "Paiement": "MOD-PAIEMENT",
    "Attestation": "MOD-ATTESTATION",
    "Changement de situation": "MOD-SITUATION",
    "Prime d'activité": "MOD-PRIME-ACTIVITE",
    "Logement (APL)": "MOD-APL",
    "Mot de passe caf.fr": "MOD-CAF-FR",
    "RSA": "MOD-RSA",
    "Allocations familiales": "MOD-AF",
}
QUEUES = ("Nord", "Pas-de-Calais")
QUEUE_SHARE = 0.58  # Nord's share of calls and emails

PARIS = ZoneInfo(TIMEZONE)


@dataclass(frozen=True)
class SyntheticAgent:
    code: str
    team: str
    fte: float
    lunch_group: str  # "A" or "B"
    start_date: dt.date


def default_agents() -> list[SyntheticAgent]:
    """The demo platform's agents tc001…tc124, drawn exactly as `people.demo.load` draws them."""
    rng = random.Random(2026)
    agents = []
    for i in range(1, DEMO_AGENTS + 1):
        trainee = rng.random() < 0.2
        rng.choice(range(_DEMO_FIRST_NAMES))
        rng.choice(range(_DEMO_LAST_NAMES))
        fte = rng.choice(_DEMO_FTES)
        agents.append(
            SyntheticAgent(
                code=f"tc{i:03d}",
                team=DEMO_TEAMS[i % len(DEMO_TEAMS)],
                fte=fte,
                lunch_group="A" if i % 2 else "B",
                start_date=dt.date(2026, 9, 1) if trainee else dt.date(2015 + i % 10, 1, 5),
            )
        )
    return agents


def working_days(year: int) -> list[dt.date]:
    """Monday to Friday outside French public holidays."""
    return engine_calendar.working_days(dt.date(year, 1, 1), dt.date(year, 12, 31))


def training_days(days: list[dt.date]) -> set[dt.date]:
    """Third Thursday of the note's training months."""
    years = {day.year for day in days}
    return {d for year in years for d in engine_calendar.training_days(year)}.intersection(days)


def _payment_surge(day_of_month: np.ndarray) -> np.ndarray:
    """Extra calls around the monthly payment (5th) and the days after it."""
    return 0.5 * np.exp(-0.5 * ((day_of_month - 6.0) / 2.5) ** 2)


def daily_call_volumes(days: list[dt.date], calls_per_year: float) -> np.ndarray:
    """Expected calls per working day, summing to `calls_per_year`."""
    month = np.array([d.month for d in days]) - 1
    weekday = np.array([d.weekday() for d in days])
    dom = np.array([d.day for d in days], dtype=float)
    weight = MONTH[month] * WEEKDAY[weekday] * (1.0 + _payment_surge(dom))
    return calls_per_year * weight / weight.sum()


def _phone_templates(agents: list[SyntheticAgent]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each agent's phone slots on the 5-minute grid from 9:00, plus phone and email seconds.

    Note §F: phone 8:50-11:45 and 12:45-16:30 (A) or 8:50-12:45 and 13:45-16:30 (B), two
    20-minute breaks staggered across agents, hence 6 h of phone; emails 8:00-8:50 and
    16:30-17:00. Half-time agents work mornings (3 h of phone, emails before 8:50).
    """
    n = len(agents)
    table = np.zeros((n, STAFF_SLOTS), dtype=bool)
    phone_s = np.zeros(n)
    email_s = np.zeros(n)

    def slot(hour, minute):
        return int(((hour * 60 + minute) * 60 - OPENING_S) / STAFF_SLOT_S)

    for i, agent in enumerate(agents):
        morning_break = slot(10, 0) + i % 12
        if agent.fte <= 0.5:
            table[i, : slot(12, 10)] = True
            table[i, morning_break : morning_break + 4] = False
            phone_s[i] = 3 * 3600.0  # 8:50-12:10 less the break
            email_s[i] = 50 * 60.0
            continue
        table[i, :] = True
        lunch = slot(11, 45) if agent.lunch_group == "A" else slot(12, 45)
        table[i, lunch : lunch + 12] = False
        afternoon_break = slot(14, 15) + i % 13
        table[i, morning_break : morning_break + 4] = False
        table[i, afternoon_break : afternoon_break + 4] = False
        phone_s[i] = 6 * 3600.0
        email_s[i] = 80 * 60.0
    return table, phone_s, email_s


def _select_days(days: list[dt.date], scale: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of the days generated: all of them, or a share per month (at least one)."""
    if scale >= 1.0:
        return np.arange(len(days))
    months = np.array([d.month for d in days])
    picked = []
    for month in range(1, 13):
        idx = np.flatnonzero(months == month)
        if idx.size:
            k = max(1, round(scale * idx.size))
            picked.extend(rng.permutation(idx)[:k].tolist())
    return np.sort(np.array(picked, dtype=np.int64))


def _presence(agents, days, rng):
    """Agents × days: at work, and on the phone (at work and not in training)."""
    n, m = len(agents), len(days)
    start = np.array([a.start_date for a in agents], dtype="datetime64[D]")
    day_arr = np.array(days, dtype="datetime64[D]")
    active = start[:, None] <= day_arr[None, :]
    # Weeks counted from the Monday of the first day (leave is taken by whole weeks).
    first = days[0].toordinal() - days[0].weekday()
    week = np.array([(d.toordinal() - first) // 7 for d in days])
    week_month = np.zeros(week.max() + 1, dtype=np.int64)
    for d, w in zip(days, week, strict=True):
        week_month[w] = d.month - 1
    leave_weekly = rng.random((n, week.max() + 1)) < LEAVE[week_month][None, :]
    sick = rng.random((n, m)) < SICK
    fte = np.array([a.fte for a in agents])
    # Four-day weeks: mostly Wednesdays off, some Mondays or Fridays.
    day_off = rng.choice(np.array([2, 2, 2, 0, 4]), size=n)
    weekday = np.array([d.weekday() for d in days])
    off = (fte[:, None] > 0.5) & (fte[:, None] < 1.0) & (day_off[:, None] == weekday[None, :])
    present = active & ~leave_weekly[:, week] & ~sick & ~off
    thursdays = training_days(days)
    is_training = np.array([d in thursdays for d in days])
    trained = is_training[None, :] & (rng.random((n, m)) < TRAINING_SHARE)
    return present, present & ~trained


def _hex_ids(values: np.ndarray, seed: int) -> np.ndarray:
    """Hashed-looking 16-hex-digit strings (a splitmix64 mix of the values)."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15) * np.uint64(seed + 1)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    text = z.astype(">u8").tobytes().hex().encode()
    return np.frombuffer(text, dtype="S16").astype("U16")


def _weighted_index(rng, table: dict[str, float], size: int) -> np.ndarray:
    weights = np.array(list(table.values()), dtype=float)
    return rng.choice(weights.size, size=size, p=weights / weights.sum())


def _caller_roots(abs_s: np.ndarray, rng) -> np.ndarray:
    """Each call's first call of the same caller: a repeat links to a call of the past 7 days."""
    n = abs_s.size
    lo = np.searchsorted(abs_s, abs_s - 7 * 86400.0, side="left")
    span = np.arange(n) - lo
    repeat = (rng.random(n) < REPEAT_SHARE) & (span > 0)
    parent = np.arange(n)
    parent[repeat] = lo[repeat] + (rng.random(int(repeat.sum())) * span[repeat]).astype(np.int64)
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            return parent
        parent = nxt


def generate_year(
    year: int = 2026,
    *,
    seed: int = 2026,
    agents: list[SyntheticAgent] | None = None,
    scale: float = 1.0,
    calls_per_year: float = CALLS_PER_YEAR,
    emails_per_year: float = EMAILS_PER_YEAR,
    until: dt.date | None = None,
) -> dict[str, pl.DataFrame]:
    """Calls, emails, surveys and agents' activity of a year, as frames of `records.py` columns.

    `scale` < 1 generates that share of the working days of each month (at least one day per
    month) with their full volumes and staffing, so a small sample keeps the year's queueing
    behaviour; emails are thinned to that share on every calendar day.
    `until`: last day with records (included), for a year still running: nothing happens
    after it, so no call, email, answer, survey or activity is ever dated in the future (an
    email received by then and answered later is still pending). None: the whole year.
    """
    if not 0 < scale <= 1:
        raise ValueError("scale doit être compris entre 0 (exclu) et 1.")
    agents = list(agents) if agents is not None else default_agents()
    rng = np.random.default_rng(seed)
    days = working_days(year)
    selected = _select_days(days, scale, rng)
    if until is not None:
        selected = selected[np.array([days[d] <= until for d in selected], dtype=bool)]
        if not selected.size:
            raise ValueError(f"aucun jour ouvré de {year} jusqu'au {until:%d/%m/%Y}.")
    volumes = daily_call_volumes(days, calls_per_year)
    present, on_phone = _presence(agents, days, rng)
    table, phone_s, email_s = _phone_templates(agents)

    calls = _simulate_calls(days, selected, volumes, on_phone, table, rng)
    frames = {
        "calls": _calls_frame(calls, agents, days, year, seed, rng),
    }
    frames["calls"] = _instants(frames["calls"])
    emails = _instants(_emails_frame(year, days, scale, present, agents, emails_per_year, rng))
    frames["emails"] = emails if until is None else _emails_until(emails, until)
    frames["surveys"] = _surveys_frame(year, frames["calls"], frames["emails"], rng)
    if until is not None:
        frames["surveys"] = frames["surveys"].filter(pl.col("answered_on") <= until)
    frames["activity"] = _activity_frame(agents, days, selected, on_phone, phone_s, email_s, rng)
    # Drawn from a stream of its own, so the rest of the year stays the same for a given seed.
    frames["calls"] = _lose_details(frames["calls"], np.random.default_rng([seed, 1]))
    return frames


def _emails_until(emails: pl.DataFrame, until: dt.date) -> pl.DataFrame:
    """Emails received by the end of `until`; those answered after it are still pending."""
    cutoff = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=PARIS)
    pending = pl.col("answered_at").is_null() | (pl.col("answered_at") >= cutoff)
    return emails.filter(pl.col("received_at") < cutoff).with_columns(
        pl.when(pending).then(None).otherwise(pl.col(name)).alias(name)
        for name in ("answered_at", "agent", "team", "template")
    )


def _lose_details(calls: pl.DataFrame, rng) -> pl.DataFrame:
    """Blanks the queue and talk times of `LOST_DETAIL` of the answered calls (unknown values).

    The answer itself is still known (`answered_at`, agent): only the durations and the
    timestamps they could be rebuilt from are lost, as when a switch drops a detail record.
    """
    lost = pl.Series(rng.random(calls.height) < LOST_DETAIL) & (pl.col("outcome") == ANSWERED)
    return calls.with_columns(
        pl.when(lost).then(None).otherwise(pl.col(name)).alias(name)
        for name in ("queue_entry", "queue_exit", "ended_at", "wait_s", "talk_s", "wrap_s")
    )


def _instants(frame: pl.DataFrame) -> pl.DataFrame:
    """The generated wall-clock readings as instants (records.INSTANT).

    The model draws readings of the Paris clock; a reading the spring change skips is read one
    hour later, as the clock shows, and one the autumn change repeats is its first occurrence
    (a generator's choice: only emails fall at night). Delays between them are then elapsed time.
    """
    columns = [name for name, dtype in frame.schema.items() if dtype == pl.Datetime("us")]

    def instant(name: str) -> pl.Expr:
        wall = pl.col(name)
        exists = wall.dt.replace_time_zone(TIMEZONE, ambiguous="earliest", non_existent="null")
        later = (wall + pl.duration(hours=1)).dt.replace_time_zone(
            TIMEZONE, ambiguous="earliest", non_existent="null"
        )
        return pl.coalesce(exists, later).alias(name)

    return frame.with_columns(instant(name) for name in columns)


def _simulate_calls(days, selected, volumes, on_phone, table, rng) -> dict[str, np.ndarray]:
    """Runs each selected day through the queue; returns per-call arrays for the whole sample."""
    parts = []
    slot_s = DAY_S / HALF_HOURS
    shape = INTRADAY / INTRADAY.mean()
    for d in selected:
        dom = float(days[d].day)
        expected = volumes[d] / HALF_HOURS * shape  # calls per half-hour
        counts = rng.poisson(expected)
        n = int(counts.sum())
        t = np.repeat(np.arange(HALF_HOURS) * slot_s, counts) + rng.random(n) * slot_s
        t.sort()
        ivr_share = IVR_SHARE + 0.08 * _payment_surge(np.array(dom))
        is_ivr = rng.random(n) < ivr_share
        ivr_s = np.where(is_ivr, 45.0 + rng.exponential(50.0, n), 20.0 + rng.exponential(15.0, n))
        entry = t + ivr_s
        queued = np.flatnonzero(~is_ivr)
        order = queued[np.argsort(entry[queued], kind="stable")]
        m = order.size
        talk = rng.lognormal(np.log(TALK_MEAN_S) - TALK_SIGMA**2 / 2, TALK_SIGMA, m)
        wrap = WRAP_BASE_S + rng.exponential(WRAP_MEAN_S, m)
        patience = rng.exponential(PATIENCE_S, m)
        staff = np.flatnonzero(on_phone[:, d])
        ready = table[staff] & (rng.random((staff.size, STAFF_SLOTS)) >= NOT_READY)
        result = sim.run_queue(entry[order], talk + wrap, patience, ready, STAFF_SLOT_S)
        wait = np.full(n, np.nan)
        outcome = np.full(n, sim.IVR, dtype=np.int8)
        agent = np.full(n, -1, dtype=np.int32)
        talk_all = np.full(n, np.nan)
        wrap_all = np.full(n, np.nan)
        wait[order] = result.wait_s
        outcome[order] = result.outcome
        answered = result.agent >= 0
        agent[order[answered]] = staff[result.agent[answered]]
        talk_all[order[answered]] = np.round(talk[answered])
        wrap_all[order[answered]] = np.round(wrap[answered])
        parts.append(
            {
                "day": np.full(n, d, dtype=np.int32),
                "t": t,
                "ivr_s": ivr_s,
                "wait": wait,
                "outcome": outcome,
                "agent": agent,
                "talk": talk_all,
                "wrap": wrap_all,
            }
        )
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _datetimes(days, day_idx: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """datetime64[us] of `seconds` after 9:00 on days[day_idx] (NaN gives NaT)."""
    base = np.array(days, dtype="datetime64[D]").astype("datetime64[us]")[day_idx]
    us = np.round((seconds + OPENING_S) * 1e6)
    out = base + np.nan_to_num(us).astype(np.int64).astype("timedelta64[us]")
    out[np.isnan(seconds)] = np.datetime64("NaT")
    return out


def _calls_frame(calls, agents, days, year, seed, rng) -> pl.DataFrame:
    n = calls["t"].size
    day = calls["day"]
    t = calls["t"]
    outcome = calls["outcome"]
    is_answered = outcome == sim.ANSWERED
    is_ivr = outcome == sim.IVR
    queued = ~is_ivr
    ordinal = np.array([d.toordinal() for d in days], dtype=float)
    abs_s = ordinal[day] * 86400.0 + t  # ordered: days ascending, times sorted per day
    roots = _caller_roots(abs_s, rng)
    caller = pl.Series(_hex_ids(roots, seed), dtype=pl.String)
    caller = pl.select(
        pl.when(pl.Series(rng.random(n) < HIDDEN_CALLER)).then(None).otherwise(caller)
    ).to_series()

    # Motif codes index one label list; the last entry stands for "no motif" (abandons).
    note_labels, level1_labels, ivr_labels = (
        list(NOTE_MOTIFS),
        list(LEVEL1_MOTIFS),
        list(IVR_MOTIFS),
    )
    labels = note_labels + level1_labels + ivr_labels
    motif_idx = np.full(n, len(labels), dtype=np.int64)
    n_ans = int(is_answered.sum())
    note = rng.random(n_ans) < NOTE_MOTIF_SHARE
    motif_idx[is_answered] = np.where(
        note,
        _weighted_index(rng, NOTE_MOTIFS, n_ans),
        len(note_labels) + _weighted_index(rng, LEVEL1_MOTIFS, n_ans),
    )
    motif_idx[is_ivr] = (
        len(note_labels) + len(level1_labels) + _weighted_index(rng, IVR_MOTIFS, int(is_ivr.sum()))
    )
    motif = pl.Series(labels + [None], dtype=pl.String).gather(motif_idx)

    agent_idx = np.where(calls["agent"] >= 0, calls["agent"], len(agents))
    codes = pl.Series([a.code for a in agents] + [None], dtype=pl.String).gather(agent_idx)
    teams = pl.Series([a.team for a in agents] + [None], dtype=pl.String).gather(agent_idx)

    wait = calls["wait"]
    entry_s = np.where(queued, t + calls["ivr_s"], np.nan)
    exit_s = entry_s + wait
    answer_s = np.where(is_answered, exit_s, np.nan)
    talk, wrap = calls["talk"], calls["wrap"]
    ended_s = np.where(is_answered, answer_s + talk, np.where(is_ivr, t + calls["ivr_s"], exit_s))
    ivr_exit_s = t + calls["ivr_s"]
    queue = np.where(rng.random(n) < QUEUE_SHARE, QUEUES[0], QUEUES[1])
    labels_by_code = {sim.ANSWERED: ANSWERED, sim.ABANDONED: ABANDONED, sim.IVR: IVR}
    outcome_label = np.array([labels_by_code[code] for code in range(3)])[outcome]

    frame = pl.DataFrame(
        {
            "call_id": np.arange(1, n + 1),
            "caller_id": caller,
            "arrival": _datetimes(days, day, t),
            "ivr_exit": _datetimes(days, day, ivr_exit_s),
            "queue_entry": _datetimes(days, day, entry_s),
            "queue_exit": _datetimes(days, day, exit_s),
            "answered_at": _datetimes(days, day, answer_s),
            "ended_at": _datetimes(days, day, ended_s),
            "wait_s": np.round(wait, 1),
            "talk_s": talk,
            "wrap_s": wrap,
            "agent": codes,
            "team": teams,
            "queue": queue,
            "motif": motif,
            "outcome": outcome_label,
        },
        nan_to_null=True,
    )
    return frame.with_columns(
        pl.format("APP{}-{}", pl.lit(year), pl.col("call_id").cast(pl.String).str.zfill(7)).alias(
            "call_id"
        )
    )


EMAIL_WEEKDAY = np.array([1.25, 1.05, 1.0, 0.95, 0.9, 0.5, 0.45])  # Monday .. Sunday
# Hour of receipt of emails (0 h .. 23 h): office hours and evenings.
EMAIL_HOURS = np.array(
    [
        1,
        0.5,
        0.3,
        0.3,
        0.3,
        0.5,
        1,
        2.5,
        4.5,
        6,
        6.5,
        6,
        4.5,
        5,
        5.5,
        5.5,
        5,
        4.5,
        4,
        4,
        3.5,
        3,
        2.5,
        1.5,
    ]
)
COMPLAINT_SHARE = 0.15
COMPLAINT_MOTIFS = {
    "Indu / créance": 30,
    "Délai de traitement": 25,
    "Paiement": 20,
    "Prime d'activité": 10,
    "Logement (APL)": 10,
    "Accueil / qualité de service": 5,
}
# Emails are answered in the 8:00-8:50 and 16:30-17:00 blocks; delays counted in blocks.
EMAIL_BLOCKS = ((8 * 3600, 50 * 60), (16 * 3600 + 1800, 30 * 60))
LEVEL1_BLOCK_P = 0.46  # geometric delay in blocks after the first block following receipt
COMPLAINT_BLOCKS_N, COMPLAINT_BLOCKS_P = 3, 0.24  # negative binomial delay in blocks


def _emails_frame(year, days, scale, present, agents, emails_per_year, rng):
    start = np.datetime64(f"{year}-01-01", "D")
    calendar = np.arange(start, np.datetime64(f"{year + 1}-01-01", "D"))
    weekday = (calendar.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    month = calendar.astype("datetime64[M]").astype(np.int64) % 12
    work = np.array(days, dtype="datetime64[D]")
    is_work = np.isin(calendar, work)
    factor = np.where(is_work | (weekday >= 5), EMAIL_WEEKDAY[weekday], EMAIL_WEEKDAY[5])
    expected = emails_per_year * factor * MONTH[month] / (factor * MONTH[month]).sum()
    # A small scale thins every day's emails, keeping the weekday mix that drives the delays.
    kept_days = calendar
    counts = rng.poisson(expected * scale)
    n = int(counts.sum())
    hour_p = EMAIL_HOURS / EMAIL_HOURS.sum()
    seconds = rng.choice(24, size=n, p=hour_p) * 3600 + rng.random(n) * 3600
    received_day = np.repeat(kept_days, counts)
    received = received_day.astype("datetime64[us]") + (seconds * 1e6).astype("timedelta64[us]")
    order = np.argsort(received, kind="stable")
    received = received[order]

    complaint = rng.random(n) < COMPLAINT_SHARE
    level1_labels, complaint_labels = list(LEVEL1_MOTIFS), list(COMPLAINT_MOTIFS)
    labels = level1_labels + complaint_labels
    motif_idx = np.where(
        complaint,
        len(level1_labels) + _weighted_index(rng, COMPLAINT_MOTIFS, n),
        _weighted_index(rng, LEVEL1_MOTIFS, n),
    )

    # Answer blocks of all working days, in time order.
    block_day = np.repeat(np.arange(len(days)), len(EMAIL_BLOCKS))
    block_offset = np.tile([b[0] for b in EMAIL_BLOCKS], len(days))
    block_len = np.tile([b[1] for b in EMAIL_BLOCKS], len(days))
    block_start = work.astype("datetime64[us]")[block_day] + (block_offset * 1_000_000).astype(
        "timedelta64[us]"
    )
    first = np.searchsorted(block_start, received, side="right")
    delay = np.where(
        complaint,
        rng.negative_binomial(COMPLAINT_BLOCKS_N, COMPLAINT_BLOCKS_P, n),
        rng.geometric(LEVEL1_BLOCK_P, n) - 1,
    )
    block = first + delay
    answered = block < block_start.size
    block = np.minimum(block, block_start.size - 1)
    answered_at = block_start[block] + (rng.random(n) * block_len[block] * 1_000_000).astype(
        "timedelta64[us]"
    )
    answered_at[~answered] = np.datetime64("NaT")

    # The answering agent: one of those at work that day.
    answer_day = block_day[block]
    roster = [np.flatnonzero(present[:, d]) for d in range(len(days))]
    sizes = np.array([r.size for r in roster])
    padded = np.full((len(days), max(1, sizes.max())), len(agents), dtype=np.int64)
    for d, r in enumerate(roster):
        padded[d, : r.size] = r
    pick = (rng.random(n) * sizes[answer_day]).astype(np.int64)
    agent_idx = np.where(answered & (sizes[answer_day] > 0), padded[answer_day, pick], len(agents))
    codes = pl.Series([a.code for a in agents] + [None], dtype=pl.String).gather(agent_idx)
    teams = pl.Series([a.team for a in agents] + [None], dtype=pl.String).gather(agent_idx)
    template_labels = [TEMPLATES[m] for m in level1_labels] + ["MOD-RECLAMATION"] * len(
        complaint_labels
    )
    template_idx = np.where(answered, motif_idx, len(labels))
    return pl.DataFrame(
        {
            "email_id": np.arange(1, n + 1),
            "received_at": received,
            "kind": np.where(complaint, EMAIL_COMPLAINT, EMAIL_LEVEL1),
            "motif": pl.Series(labels, dtype=pl.String).gather(motif_idx),
            "agent": codes,
            "team": teams,
            "answered_at": answered_at,
            "template": pl.Series(template_labels + [None], dtype=pl.String).gather(template_idx),
        }
    ).with_columns(
        pl.format("CRL{}-{}", pl.lit(year), pl.col("email_id").cast(pl.String).str.zfill(7)).alias(
            "email_id"
        )
    )


PHONE_SATISFIED, PHONE_LONG_WAIT_S, PHONE_LONG_WAIT_PENALTY = 0.82, 120.0, 0.2
EMAIL_SATISFIED, EMAIL_LATE_PENALTY = 0.885, 0.2


def _scores(rng, satisfied: np.ndarray) -> np.ndarray:
    """Answers on a 1-5 scale: 4 or 5 when satisfied, 1 to 3 otherwise."""
    n = satisfied.size
    happy = np.where(rng.random(n) < 0.55, 5.0, 4.0)
    unhappy = rng.choice(np.array([1.0, 2.0, 3.0]), size=n, p=[0.3, 0.3, 0.4])
    return np.where(satisfied, happy, unhappy)


def _surveys_frame(year: int, calls: pl.DataFrame, emails: pl.DataFrame, rng) -> pl.DataFrame:
    answered = calls.filter(pl.col("outcome") == ANSWERED).select("answered_at", "wait_s")
    phone = answered.filter(pl.Series(rng.random(answered.height) < SURVEY_SHARE[PHONE]))
    p_phone = PHONE_SATISFIED - PHONE_LONG_WAIT_PENALTY * (
        phone["wait_s"].to_numpy() > PHONE_LONG_WAIT_S
    )
    phone_ok = rng.random(phone.height) < p_phone
    done = emails.filter(pl.col("answered_at").is_not_null())
    late = (
        (done["answered_at"] - done["received_at"]).dt.total_seconds().to_numpy() > 48 * 3600
    ) & (done["kind"] == EMAIL_LEVEL1).to_numpy()
    pick = rng.random(done.height) < SURVEY_SHARE[EMAIL]
    email_when = done["answered_at"].filter(pl.Series(pick))
    p_email = EMAIL_SATISFIED - EMAIL_LATE_PENALTY * late[pick]
    email_ok = rng.random(email_when.len()) < p_email
    satisfied = np.concatenate([phone_ok, email_ok])
    lag = rng.integers(0, 3, satisfied.size).astype("timedelta64[D]")
    when = np.concatenate(
        [
            phone["answered_at"].dt.date().to_numpy().astype("datetime64[D]"),
            email_when.dt.date().to_numpy().astype("datetime64[D]"),
        ]
    )
    frame = pl.DataFrame(
        {
            "survey_id": np.arange(1, satisfied.size + 1),
            "channel": np.array([PHONE] * phone.height + [EMAIL] * email_when.len()),
            # An answer given after the year's last day still counts for that year's survey.
            "answered_on": np.minimum(when + lag, np.datetime64(f"{year}-12-31", "D")),
            "score": _scores(rng, satisfied),
            "satisfied": satisfied,
        }
    ).sort("answered_on", maintain_order=True)
    return frame.with_columns(
        pl.format("ENQ-{}", pl.col("survey_id").cast(pl.String).str.zfill(7)).alias("survey_id")
    )


def _activity_frame(agents, days, selected, on_phone, phone_s, email_s, rng):
    """One row per agent and day at work on the phone: logged phone and email seconds."""
    works = on_phone[:, selected]
    agent_idx, col = np.nonzero(works)
    order = np.lexsort((agent_idx, col))
    agent_idx, col = agent_idx[order], col[order]
    n = agent_idx.size
    # Log-in slack: a few minutes of the planned phone time are lost some days.
    phone = np.round(phone_s[agent_idx] * (1.0 - 0.04 * rng.random(n)))
    email = np.round(email_s[agent_idx] * (0.9 + 0.2 * rng.random(n)))
    return pl.DataFrame(
        {
            "agent": pl.Series([a.code for a in agents], dtype=pl.String).gather(agent_idx),
            "team": pl.Series([a.team for a in agents], dtype=pl.String).gather(agent_idx),
            "day": np.array(days, dtype="datetime64[D]")[selected][col],
            "phone_s": phone,
            "email_s": email,
        }
    )

"""Canonical columns of contact records as the engine reads them (Polars frames).

Timestamps are naive Europe/Paris wall-clock datetimes (the periods of domain.md are local);
durations are seconds (Float64). The `contacts` app converts from and to the database.
An empty (null) value is unknown, never 0.
"""

import polars as pl

# Outcome of a call (domain.md): answered by an agent, handled by the IVR only, abandoned in queue.
ANSWERED, IVR, ABANDONED = "answered", "ivr", "abandoned"
OUTCOMES = (ANSWERED, IVR, ABANDONED)

CALL_COLUMNS = {
    "call_id": "str — source identifier, unique per source",
    "caller_id": "str | null — hashed caller identifier (allocataire number or phone)",
    "arrival": "datetime — call reached the platform",
    "ivr_exit": "datetime | null",
    "queue_entry": "datetime | null — entered an agent queue",
    "queue_exit": "datetime | null — left the queue (answer or hang-up)",
    "answered_at": "datetime | null",
    "ended_at": "datetime | null",
    "wait_s": "float | null — seconds waited in the agent queue",
    "talk_s": "float | null",
    "wrap_s": "float | null — after-call work",
    "agent": "str | null — agent identifier (username in the platform)",
    "team": "str | null",
    "queue": "str | null — queue / skill",
    "motif": "str | null",
    "outcome": "str — answered | ivr | abandoned",
}

EMAIL_LEVEL1, EMAIL_COMPLAINT = "niveau1", "reclamation"
EMAIL_COLUMNS = {
    "email_id": "str",
    "received_at": "datetime",
    "kind": "str — niveau1 | reclamation",
    "motif": "str | null",
    "agent": "str | null",
    "team": "str | null",
    "answered_at": "datetime | null",
    "template": "str | null — response template used",
}

PHONE, EMAIL = "telephone", "courriel"
SURVEY_COLUMNS = {
    "survey_id": "str",
    "channel": "str — telephone | courriel",
    "answered_on": "date",
    "score": "float | null — the answer on its own scale",
    "satisfied": "bool",
}

ACTIVITY_COLUMNS = {
    "agent": "str",
    "team": "str | null",
    "day": "date",
    "phone_s": "float — seconds logged on the phone (denominator of calls/hour)",
    "email_s": "float — seconds on emails (denominator of emails/hour)",
}


def handle_seconds() -> pl.Expr:
    """A call's handle time, talk + wrap-up seconds: null (unknown) when the talk time is.

    A missing wrap-up counts 0: many switches record no after-call work at all. The one
    definition of a known handle time, shared by the indicators' AHT and the forecast's.
    """
    return pl.col("talk_s") + pl.col("wrap_s").fill_null(0.0)

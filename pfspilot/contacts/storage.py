"""Table layout of the canonical frames in the database, shared by the loader and the selectors."""

from dataclasses import dataclass

from .models import AgentActivity, Call, Email, SurveyAnswer


@dataclass(frozen=True)
class Layout:
    model: type
    # (database column, canonical frame column or None when computed by the loader)
    columns: tuple[tuple[str, str | None], ...]
    conflict: tuple[str, ...]
    period_field: str  # canonical column that dates a record (for the signal and selectors)


LAYOUTS = {
    "calls": Layout(
        model=Call,
        columns=(
            ("source", None),
            ("source_id", "call_id"),
            ("caller_hash", "caller_id"),
            ("arrival", "arrival"),
            ("ivr_exit", "ivr_exit"),
            ("queue_entry", "queue_entry"),
            ("queue_exit", "queue_exit"),
            ("answered_at", "answered_at"),
            ("ended_at", "ended_at"),
            ("wait_s", "wait_s"),
            ("talk_s", "talk_s"),
            ("wrap_s", "wrap_s"),
            ("agent_id", None),
            ("agent_code", "agent"),
            ("team_id", None),
            ("team_code", "team"),
            ("queue", "queue"),
            ("motif", "motif"),
            ("outcome", "outcome"),
        ),
        conflict=("source", "source_id"),
        period_field="arrival",
    ),
    "emails": Layout(
        model=Email,
        columns=(
            ("source", None),
            ("source_id", "email_id"),
            ("received_at", "received_at"),
            ("kind", "kind"),
            ("motif", "motif"),
            ("agent_id", None),
            ("agent_code", "agent"),
            ("team_id", None),
            ("team_code", "team"),
            ("answered_at", "answered_at"),
            ("template", "template"),
        ),
        conflict=("source", "source_id"),
        period_field="received_at",
    ),
    "surveys": Layout(
        model=SurveyAnswer,
        columns=(
            ("source", None),
            ("source_id", "survey_id"),
            ("channel", "channel"),
            ("answered_on", "answered_on"),
            ("score", "score"),
            ("scale", None),
            ("satisfied", "satisfied"),
        ),
        conflict=("source", "source_id"),
        period_field="answered_on",
    ),
    "activity": Layout(
        model=AgentActivity,
        columns=(
            ("agent_id", None),
            ("agent_code", "agent"),
            ("team_id", None),
            ("team_code", "team"),
            ("day", "day"),
            ("phone_s", "phone_s"),
            ("email_s", "email_s"),
        ),
        conflict=("agent_code", "day"),
        period_field="day",
    ),
}

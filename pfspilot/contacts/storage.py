"""Table layout of the canonical frames in the database, shared by the loader and the selectors.

Derived from the record schema (`pfspilot.engine.records.SCHEMA`): each canonical field is stored
under its own name, except the renames of `STORED_AS`; the loader fills the `COMPUTED` columns.
"""

from dataclasses import dataclass

from pfspilot.engine import records

from .models import AgentActivity, Call, Email, SurveyAnswer

MODELS = {"calls": Call, "emails": Email, "surveys": SurveyAnswer, "activity": AgentActivity}
# Canonical field → database column, where they differ: the source's identifier of a record, the
# caller's fingerprint, and the source's codes of agent and team (beside the linked accounts).
STORED_AS = {
    "call_id": "source_id",
    "email_id": "source_id",
    "survey_id": "source_id",
    "caller_id": "caller_hash",
    "agent": "agent_code",
    "team": "team_code",
}
# Columns the loader computes: the file's source, the linked agent and team, the survey's scale,
# the import batch that added the record.
COMPUTED = {
    "calls": ("source", "agent_id", "team_id", "batch_id"),
    "emails": ("source", "agent_id", "team_id", "batch_id"),
    "surveys": ("source", "scale", "batch_id"),
    "activity": ("agent_id", "team_id", "batch_id"),
}


@dataclass(frozen=True)
class Layout:
    model: type
    # (database column, canonical frame column or None when computed by the loader)
    columns: tuple[tuple[str, str | None], ...]
    conflict: tuple[str, ...]
    period_field: str  # canonical column that dates a record (for the signal and selectors)


def stored_as(name: str) -> str:
    """The database column of canonical field `name`."""
    return STORED_AS.get(name, name)


def _layout(kind: str) -> Layout:
    schema = records.SCHEMA[kind]
    computed = COMPUTED[kind]
    # Records are unique per source when the file carries one (calls, emails, surveys).
    source = ("source",) if "source" in computed else ()
    return Layout(
        model=MODELS[kind],
        columns=(
            *((column, None) for column in computed),
            *((stored_as(name), name) for name in schema.names),
        ),
        conflict=(*source, *(stored_as(name) for name in schema.identifiers)),
        period_field=schema.period,
    )


LAYOUTS = {kind: _layout(kind) for kind in records.SCHEMA}

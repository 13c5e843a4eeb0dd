"""The record schema (`engine/records.SCHEMA`) is the one description of the contact records.

Every model of `contacts` must agree with it field by field (name, required, type, length,
allowed values), and the mapping, the reader and the storage layouts are derived from it. Adding a
field to emails is one edit of records.py plus a migration: this test names what is missing.
"""

import dataclasses
import re
from pathlib import Path

import polars as pl
import pytest

from pfspilot.contacts import mapping, reader, storage
from pfspilot.contacts.models import AgentActivity, Call, Email, SurveyAnswer
from pfspilot.engine import indicators, records

MODELS = {"calls": Call, "emails": Email, "surveys": SurveyAnswer, "activity": AgentActivity}
# Database columns with no canonical field, declared one by one: Django's key, the source of the
# file (records are unique per source), the accounts linked to the source's agent and team codes,
# the survey's scale (given by the mapping profile, not by the file's rows) and the import batch.
BOOKKEEPING = {
    "calls": {"id", "source", "agent_id", "team_id", "batch_id"},
    "emails": {"id", "source", "agent_id", "team_id", "batch_id"},
    "surveys": {"id", "source", "scale", "batch_id"},
    "activity": {"id", "agent_id", "team_id", "batch_id"},
}
# Schema type → Django field type (get_internal_type) that stores it.
STORED_TYPES = {
    "str": {"CharField", "TextField"},
    "datetime": {"DateTimeField"},
    "date": {"DateField"},
    "duration": {"FloatField"},
    "float": {"FloatField"},
    "bool": {"BooleanField"},
}


def disagreements(schema: records.RecordKind, fields, bookkeeping: set[str]) -> list[str]:
    """What differs between a record kind and a model's concrete fields (empty: they agree)."""
    by_column = {f.column: f for f in fields}
    problems = []
    expected = {storage.stored_as(name): name for name in schema.names}
    for column in sorted(set(by_column) - set(expected) - bookkeeping):
        problems.append(f"{schema.name}: model column {column} has no schema field")
    for column, name in expected.items():
        spec = schema.field(name)
        field = by_column.get(column)
        if field is None:
            problems.append(f"{schema.name}.{name}: no model column {column}")
            continue
        if field.null == spec.required:
            problems.append(f"{schema.name}.{name}: null={field.null}, required={spec.required}")
        if field.get_internal_type() not in STORED_TYPES[spec.type]:
            problems.append(f"{schema.name}.{name}: {field.get_internal_type()} for {spec.type}")
        elif getattr(field, "max_length", None) != spec.max_length:
            problems.append(
                f"{schema.name}.{name}: max_length {field.max_length} != {spec.max_length}"
            )
        choices = tuple(value for value, _ in field.choices or ())
        if choices != spec.vocabulary:
            problems.append(f"{schema.name}.{name}: choices {choices} != {spec.vocabulary}")
    return problems


@pytest.mark.parametrize("kind", list(records.SCHEMA))
def test_each_model_agrees_with_the_schema(kind):
    model = MODELS[kind]
    assert disagreements(records.SCHEMA[kind], model._meta.concrete_fields, BOOKKEEPING[kind]) == []


@pytest.mark.parametrize("kind", list(records.SCHEMA))
def test_the_storage_layout_writes_every_column_of_the_model(kind):
    layout = storage.LAYOUTS[kind]
    columns = {f.column for f in MODELS[kind]._meta.concrete_fields}
    assert layout.model is MODELS[kind]
    assert {c for c, _ in layout.columns} == columns - {"id"}
    assert {c for c, canonical in layout.columns if canonical is None} == BOOKKEEPING[kind] - {"id"}


def test_a_new_email_field_in_the_schema_names_the_missing_model_column():
    # The one edit: a field added to EMAILS (here a hypothetical « priority » text).
    added = records.Field("priority", "str", max_length=20)
    schema = dataclasses.replace(records.EMAILS, fields=(*records.EMAILS.fields, added))
    problems = disagreements(schema, Email._meta.concrete_fields, BOOKKEEPING["emails"])
    assert problems == ["emails.priority: no model column priority"]


def test_a_model_column_without_schema_field_is_named():
    schema = dataclasses.replace(
        records.EMAILS, fields=tuple(f for f in records.EMAILS.fields if f.name != "template")
    )
    problems = disagreements(schema, Email._meta.concrete_fields, BOOKKEEPING["emails"])
    assert problems == ["emails: model column template has no schema field"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"required": True}, "emails.motif: null=True, required=True"),
        ({"max_length": 100}, "emails.motif: max_length 200 != 100"),
        ({"type": "date", "max_length": None}, "emails.motif: CharField for date"),
        ({"vocabulary": ("a", "b")}, "emails.motif: choices () != ('a', 'b')"),
    ],
)
def test_a_field_that_disagrees_with_its_column_is_named(change, problem):
    motif = dataclasses.replace(records.EMAILS.field("motif"), **change)
    schema = dataclasses.replace(
        records.EMAILS,
        fields=tuple(motif if f.name == "motif" else f for f in records.EMAILS.fields),
    )
    assert disagreements(schema, Email._meta.concrete_fields, BOOKKEEPING["emails"]) == [problem]


def test_the_mapping_is_derived_from_the_schema():
    # The values the profiles were written against before the schema (behaviour kept).
    assert mapping.KINDS == ("calls", "emails", "surveys", "activity")
    assert mapping.REQUIRED == {
        "calls": ("call_id", "arrival"),
        "emails": ("email_id", "received_at", "kind"),
        "surveys": ("survey_id", "channel", "answered_on", "satisfied"),
        "activity": ("agent", "day", "phone_s", "email_s"),
    }
    assert mapping.ID_FIELDS == {
        "calls": ("call_id",),
        "emails": ("email_id",),
        "surveys": ("survey_id",),
        "activity": ("agent", "day"),
    }
    assert mapping.ALLOWED_VALUES == {
        ("calls", "outcome"): ("answered", "ivr", "abandoned", "unanswered"),
        ("emails", "kind"): ("niveau1", "reclamation"),
        ("surveys", "channel"): ("telephone", "courriel"),
    }
    assert mapping.FIELD_TYPES["calls"]["wait_s"] == "duration"
    assert list(mapping.FIELD_TYPES["activity"]) == ["agent", "team", "day", "phone_s", "email_s"]


def test_the_engine_and_the_reader_use_the_schema_dtypes():
    assert indicators.EMAIL_DTYPES == reader.canonical_schema("emails") == records.EMAILS.dtypes
    assert records.CALLS.dtypes["arrival"] == pl.Datetime("us", "Europe/Paris")
    assert records.CALLS.dtypes["wait_s"] == pl.Float64
    assert records.SURVEYS.dtypes["satisfied"] == pl.Boolean


def test_the_storage_keys_are_the_schema_identifiers():
    assert storage.LAYOUTS["calls"].conflict == ("source", "source_id")
    assert storage.LAYOUTS["activity"].conflict == ("agent_code", "day")
    assert storage.LAYOUTS["emails"].period_field == "received_at"


def test_durations_are_seconds_under_a_day_and_texts_have_a_length():
    # Issue 12 checks values against these ranges: 0 ≤ duration ≤ 24 × 3600 = 86 400 s.
    for schema in records.SCHEMA.values():
        for field in schema.fields:
            if field.type == "duration":
                assert (field.unit, field.range) == ("s", (0.0, 86_400.0)), field.name
            else:
                assert field.unit is None
            assert (field.type == "str") == (field.max_length is not None)
    with pytest.raises(ValueError, match="max_length"):
        records.Field("note", "str")
    with pytest.raises(ValueError, match="unknown field type"):
        records.Field("note", "text", max_length=10)


def _section(text: str, kind: str) -> str:
    start = text.index(f"(`{kind}`)\n")
    return re.split(r"\n##", text[start:], maxsplit=1)[0]


@pytest.mark.parametrize("kind", list(records.SCHEMA))
def test_the_canonical_format_documents_every_field_and_what_is_required(kind):
    text = (Path(mapping.__file__).parent / "mappings" / "README.md").read_text(encoding="utf-8")
    section = _section(text, kind)
    documented = set(re.findall(r"`([a-z_]+)`", section))
    assert set(records.SCHEMA[kind].names) <= documented
    # « | `call_id` | oui | » in the calls table, « `email_id` (oui » in the prose of the others.
    required = set(re.findall(r"`([a-z_]+)` (?:\| oui \||\(oui)", section))
    assert required == set(mapping.REQUIRED[kind])

"""Issue 12, item 11: fuzzing the readers and the mapping profiles (hypothesis).

Random rows, cell values, encodings, delimiters and profiles: the reader never raises (bad
input is a French RowError), a profile either loads or raises MappingError, and an import
either writes every row of a file or none (never a partial write). Bounded and derandomized:
the same examples every run, a few seconds in all.
"""

import json
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pfspilot.contacts.mapping import MappingError, load_mapping
from pfspilot.contacts.models import Call, ImportBatch
from pfspilot.contacts.reader import RowError, read_file
from pfspilot.contacts.services import import_files

from .helpers import CALL_HEADER

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
COLUMNS = CALL_HEADER.split(",")

# Cells that are plausible, and the kinds of garbage the issue names.
cells = st.one_of(
    st.sampled_from(
        [
            "",
            "c1",
            "0601020304",
            "2026-03-02 09:00:00",
            "2026-03-02T09:00:00+02:00",
            "2026-10-25 02:30:00",
            "2026-03-29 02:30:00",
            "31/02/2026",
            "30",
            "-5",
            "1e400",
            "inf",
            "NaN",
            "1e308",
            "99999999999",
            "answered",
            "ivr",
            "abandoned",
            "peut-être",
            "Équipe é",
            "x" * 300,
            'a "quoted" value',
            "a\x00b",
            "2999-01-01 00:00:00",
        ]
    ),
    st.text(max_size=12),
)
rows = st.lists(st.lists(cells, min_size=14, max_size=17), min_size=1, max_size=6)
delimiters = st.sampled_from([",", ";", "\t", "|"])
encodings = st.sampled_from(["utf-8", "latin-1", "cp1252", "utf-16", "mixed"])


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "mixed":
        half = len(text) // 2
        return text[:half].encode("utf-8") + text[half:].encode("latin-1", errors="replace")
    return text.encode(encoding, errors="replace")


def _csv(header, body, delimiter) -> str:
    def line(values):
        return delimiter.join(
            f'"{v}"' if (delimiter in v or "\n" in v) and '"' not in v else v for v in values
        )

    return "\n".join([line(header), *(line(r) for r in body)]) + "\n"


@FUZZ
@given(body=rows, delimiter=delimiters, encoding=encodings)
def test_the_reader_never_raises_on_random_files(tmp_path_factory, body, delimiter, encoding):
    path = tmp_path_factory.mktemp("fuzz") / "appels.csv"
    path.write_bytes(_encode(_csv(COLUMNS, body, delimiter), encoding))
    result = read_file("calls", path, "canonical")
    assert all(isinstance(e, RowError) and e.message_fr for e in result.errors)
    assert all("Traceback" not in str(e) for e in result.errors)
    if not result.errors:
        assert result.frame.height == len([r for r in body if any(v.strip() for v in r)])


@pytest.mark.django_db
@FUZZ
@given(body=rows, delimiter=delimiters, encoding=encodings)
def test_an_import_writes_every_row_or_none(tmp_path_factory, body, delimiter, encoding):
    Call.objects.all().delete()
    ImportBatch.objects.all().delete()
    path = tmp_path_factory.mktemp("fuzz") / "appels.csv"
    path.write_bytes(_encode(_csv(COLUMNS, body, delimiter), encoding))
    report = import_files(kind="calls", paths=[path], mapping="canonical")
    (file,) = report.files
    if report.ok:
        assert Call.objects.count() == file.inserted == file.rows_read
    else:
        assert Call.objects.count() == 0 and file.errors
    assert ImportBatch.objects.get().is_finished


toml_values = st.one_of(
    st.text(max_size=10),
    st.integers(-5, 5),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
    st.sampled_from(["%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%z", "%Q", "Europe/Paris", "Mars/Base"]),
)
options = st.fixed_dictionaries(
    {},
    optional={
        "delimiter": st.sampled_from([",", ";", "tab", "|", "", "ab"]),
        "encoding": st.sampled_from(["auto", "utf-8", "latin-1", "klingon"]),
        "null_values": st.lists(st.sampled_from(["", "NULL", "0", "-"]), max_size=3),
        "ambiguous": st.sampled_from(["infer", "earliest", "latest", "refuse", "guess"]),
        "timezone": st.sampled_from(["Europe/Paris", "Asia/Jerusalem", "Mars/Base", ""]),
        "duration_tolerance_s": st.sampled_from([0, 2, -1, "deux"]),
        "formats": st.fixed_dictionaries(
            {}, optional={k: toml_values for k in ("datetime", "date", "time")}
        ),
        "constants": st.dictionaries(st.sampled_from(["wait_s", "team", "nope"]), toml_values),
        "values": st.dictionaries(
            st.sampled_from(["outcome", "nope"]),
            st.dictionaries(st.text(max_size=4), st.sampled_from(["answered", "ivr", "x"])),
        ),
    },
)
columns = st.dictionaries(
    st.sampled_from([*COLUMNS, "unknown_field"]),
    st.one_of(
        st.sampled_from(COLUMNS),
        st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=2),
        st.fixed_dictionaries({"date": st.sampled_from(COLUMNS)}),
        toml_values,
    ),
    min_size=1,
    max_size=6,
)


def _toml(value) -> str:
    # JSON scalars and arrays are TOML too; tables are written inline.
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(k, ensure_ascii=False)} = {_toml(v)}" for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


@FUZZ
@given(table=options, mapped=columns, body=rows)
def test_a_profile_loads_or_is_refused_in_french_and_reads_without_raising(
    tmp_path_factory, table, mapped, body
):
    directory = tmp_path_factory.mktemp("profil")
    lines = ['name = "essai"', "[calls]"]
    lines += [f"{k} = {_toml(v)}" for k, v in table.items()]
    lines += [
        "[calls.columns]",
        *(f"{json.dumps(k, ensure_ascii=False)} = {_toml(v)}" for k, v in mapped.items()),
    ]
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # the generator writes valid TOML: the profile's content is fuzzed
    profile = directory / "essai.toml"
    profile.write_text(text, encoding="utf-8")
    try:
        mapping = load_mapping(str(profile))
    except MappingError as exc:
        assert str(exc)
        return
    path = directory / "appels.csv"
    path.write_text(_csv(COLUMNS, body, ","), encoding="utf-8")
    result = read_file("calls", path, mapping)
    assert all(isinstance(e, RowError) for e in result.errors)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_random_bytes_as_a_profile_are_refused_in_french(tmp_path_factory, raw):
    profile = tmp_path_factory.mktemp("profil") / "essai.toml"
    profile.write_bytes(raw)
    try:
        load_mapping(str(profile))
    except MappingError as exc:
        assert str(exc)

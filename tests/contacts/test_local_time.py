"""Issue 7 §2 on reading exports: durations are elapsed time between instants, offsets are
honoured, Paris readings skipped by the spring change are refused, readings repeated by the
autumn change follow the profile's `ambiguous` option and are never silently wrong."""

import datetime as dt

import pytest

from pfspilot.contacts.mapping import MappingError, load_mapping
from pfspilot.contacts.reader import read_records
from tests.timeutil import utc

from .helpers import CALL_HEADER, write

COLUMNS = CALL_HEADER.split(",")
UTC = dt.UTC


def row(**values) -> str:
    return ",".join(str(values.get(c, "")) for c in COLUMNS)


def read(tmp_path, *rows, mapping="canonical"):
    path = write(tmp_path, "appels.csv", "\n".join([CALL_HEADER, *rows]) + "\n")
    return read_records("calls", [path], mapping)


def profile(tmp_path, ambiguous=None, datetime_format=None) -> str:
    """The canonical calls columns with an `ambiguous` option and/or a datetime format."""
    lines = ['name = "essai"', "[calls]"]
    if ambiguous:
        lines.append(f'ambiguous = "{ambiguous}"')
    if datetime_format:
        lines += ["[calls.formats]", f'datetime = "{datetime_format}"']
    lines.append("[calls.columns]")
    lines += [f'{c} = "{c}"' for c in COLUMNS]
    path = tmp_path / "essai.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def messages(result):
    return [(e.line, e.field, e.message_fr) for e in result.errors]


# --- spring: 29 March 2026, 02:00 CET → 03:00 CEST ------------------------------------------


def test_it_counts_a_wait_across_the_spring_change_in_elapsed_seconds(tmp_path):
    result = read(
        tmp_path,
        row(
            call_id="c1",
            arrival="2026-03-29 01:55:00",
            queue_entry="2026-03-29 01:55:10",
            answered_at="2026-03-29 03:05:00",
            ended_at="2026-03-29 03:10:00",
        ),
    )
    assert result.errors == []
    (call,) = result.frame.to_dicts()
    # 01:55:10 CET = 00:55:10 UTC, 03:05:00 CEST = 01:05:00 UTC: 9 min 50 s = 590 s
    # (the wall clock says 1 h 09 min 50 s = 4 190 s).
    assert call["wait_s"] == 590.0
    assert call["talk_s"] == 300.0


def test_it_accepts_a_talk_duration_matching_the_elapsed_time_across_the_spring_change(tmp_path):
    result = read(
        tmp_path,
        row(
            call_id="c2",
            arrival="2026-03-29 01:58:00",
            queue_entry="2026-03-29 01:58:30",
            answered_at="2026-03-29 01:59:00",
            ended_at="2026-03-29 03:01:00",
            talk_s=120,
        ),
        row(
            call_id="c3",
            arrival="2026-03-29 01:58:00",
            answered_at="2026-03-29 01:59:00",
            ended_at="2026-03-29 03:01:00",
            talk_s=3720,
        ),
    )
    # 01:59 CET = 00:59 UTC, 03:01 CEST = 01:01 UTC: 120 s. The wall-clock 1 h 02 min
    # (3 720 s) contradicts the instants.
    assert messages(result) == [
        (3, "talk_s", "durée de 3720 s contredite par les horodatages (120 s)"),
    ]
    assert result.frame["talk_s"].to_list()[0] == 120.0


@pytest.mark.parametrize("reading", ["2026-03-29 02:30:00", "2026-03-29 02:00:00"])
def test_it_refuses_a_reading_the_spring_change_skips_naming_line_and_column(tmp_path, reading):
    result = read(
        tmp_path,
        row(call_id="ok", arrival="2026-03-29 01:59:59"),
        row(call_id="gap", arrival="2026-03-29 03:00:00", queue_entry=reading),
    )
    ((line, field, message),) = messages(result)
    assert (line, field) == (3, "queue_entry")
    assert message.startswith(f"heure inexistante à Paris « 29/03/2026 {reading[11:]} »")


def test_it_refuses_the_skipped_hour_in_a_profile_of_date_and_time_columns(tmp_path):
    path = tmp_path / "dh.toml"
    path.write_text(
        'name = "dh"\n[calls]\n[calls.formats]\ndate = "%d/%m/%Y"\n[calls.columns]\n'
        'call_id = "ID"\narrival = { date = "JOUR", time = "HEURE" }\n',
        encoding="utf-8",
    )
    csv = write(tmp_path, "dh.csv", "ID;JOUR;HEURE\na;29/03/2026;02:15:00\nb;29/03/2026;03:15:00\n")
    result = read_records("calls", [csv], str(path))
    assert [(e.line, e.field) for e in result.errors] == [(2, "JOUR + HEURE")]
    assert "heure inexistante" in result.errors[0].message_fr


# --- autumn: 25 October 2026, 03:00 CEST → 02:00 CET ----------------------------------------

AUTUMN_CALL = dict(
    call_id="c4",
    arrival="2026-10-25 02:49:00",
    queue_entry="2026-10-25 02:50:00",
    answered_at="2026-10-25 02:05:00",
    ended_at="2026-10-25 02:10:00",
)


def test_it_infers_the_clock_went_back_inside_one_call(tmp_path):
    result = read(tmp_path, row(**AUTUMN_CALL))
    assert result.errors == []
    (call,) = result.frame.to_dicts()
    # Queued 02:50 CEST = 00:50 UTC, answered 02:05 CET = 01:05 UTC: 15 min = 900 s.
    assert call["wait_s"] == 900.0
    assert utc(call["queue_entry"]) == dt.datetime(2026, 10, 25, 0, 50, tzinfo=UTC)
    assert utc(call["answered_at"]) == dt.datetime(2026, 10, 25, 1, 5, tzinfo=UTC)
    assert call["talk_s"] == 300.0


def test_it_reads_the_autumn_call_from_its_offsets_whatever_the_option(tmp_path):
    result = read(
        tmp_path,
        row(
            call_id="c4",
            arrival="2026-10-25 02:49:00+02:00",
            queue_entry="2026-10-25 02:50:00+02:00",
            answered_at="2026-10-25 02:05:00+01:00",
            ended_at="2026-10-25 02:10:00+01:00",
        ),
        mapping=profile(tmp_path, ambiguous="refuse"),
    )
    assert result.errors == []
    assert result.frame["wait_s"].to_list() == [900.0]


def test_it_refuses_an_option_that_contradicts_the_order_of_the_call(tmp_path):
    # Both readings in summer time: answered 45 min before being queued, never silently.
    result = read(tmp_path, row(**AUTUMN_CALL), mapping=profile(tmp_path, ambiguous="earliest"))
    assert messages(result) == [(2, "answered_at", "horodatage antérieur à « queue_entry »")]


def test_it_refuses_repeated_readings_when_the_profile_says_so(tmp_path):
    result = read(tmp_path, row(**AUTUMN_CALL), mapping=profile(tmp_path, ambiguous="refuse"))
    assert [(line, field) for line, field, _ in messages(result)] == [
        (2, "answered_at"),
        (2, "arrival"),
        (2, "ended_at"),
        (2, "queue_entry"),
    ]
    assert messages(result)[0][2].startswith(
        "heure ambiguë « 25/10/2026 02:05:00 » : elle a lieu deux fois à Paris"
    )


@pytest.mark.parametrize(
    ("ambiguous", "expected_utc_hour"),
    [("earliest", 0), ("latest", 1)],  # 02:30 CEST = 00:30 UTC, 02:30 CET = 01:30 UTC
)
def test_it_reads_a_lone_repeated_reading_as_the_profile_chooses(
    tmp_path, ambiguous, expected_utc_hour
):
    result = read(
        tmp_path,
        row(call_id="x", arrival="2026-10-25 02:30:00"),
        mapping=profile(tmp_path, ambiguous=ambiguous),
    )
    assert result.errors == []
    moment = utc(result.frame["arrival"][0])
    assert (moment.hour, moment.minute) == (expected_utc_hour, 30)


def test_it_refuses_a_lone_repeated_reading_without_evidence(tmp_path):
    result = read(tmp_path, row(call_id="x", arrival="2026-10-25 02:30:00"))
    ((line, field, message),) = messages(result)
    assert (line, field) == (2, "arrival")
    assert "rien dans le fichier ne dit laquelle" in message


def test_it_infers_from_the_file_order_like_pandas(tmp_path):
    # Arrivals in file order 02:10, 02:40, 02:20, 02:55: the clock steps back after 02:40,
    # so 02:10 and 02:40 are summer time (00:10, 00:40 UTC), 02:20 and 02:55 winter time.
    result = read(
        tmp_path,
        *(
            row(call_id=f"r{k}", arrival=f"2026-10-25 02:{minute}:00", outcome="ivr")
            for k, minute in enumerate(("10", "40", "20", "55"))
        ),
    )
    assert result.errors == []
    assert [(utc(v).hour, utc(v).minute) for v in result.frame["arrival"]] == [
        (0, 10),
        (0, 40),
        (1, 20),
        (1, 55),
    ]


def test_it_infers_from_an_instant_given_with_its_offset(tmp_path):
    result = read(
        tmp_path,
        # Arrival at 02:40 winter time: the answer at 02:45 can only be winter time too.
        row(
            call_id="a",
            arrival="2026-10-25 02:40:00+01:00",
            queue_entry="2026-10-25 02:41:00",
            answered_at="2026-10-25 02:45:00",
        ),
        # Answered at 02:05 winter time: queued at 02:50 can only be summer time.
        row(
            call_id="b",
            arrival="2026-10-25 02:49:00+02:00",
            queue_entry="2026-10-25 02:50:00",
            answered_at="2026-10-25 02:05:00+01:00",
        ),
    )
    assert result.errors == []
    assert result.frame["wait_s"].to_list() == [240.0, 900.0]


def test_it_refuses_an_unknown_ambiguity_option(tmp_path):
    with pytest.raises(MappingError, match="ambiguous = « parfois » inconnu"):
        load_mapping(profile(tmp_path, ambiguous="parfois"))


def test_the_builtin_profiles_infer_by_default():
    assert load_mapping("canonical").for_kind("calls").ambiguous == "infer"


# --- offsets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2026-06-15 10:00:00+02:00", "2026-06-15 08:00:00Z", "2026-06-15T09:00:00+0100"]
)
def test_it_converts_a_timestamp_carrying_its_offset(tmp_path, text):
    result = read(tmp_path, row(call_id="o", arrival=text, outcome="ivr"))
    assert result.errors == []
    arrival = result.frame["arrival"][0]
    # +02:00 → 08:00 UTC, shown 10:00 in Paris (summer time): the 10:00 half-hour.
    assert utc(arrival) == dt.datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
    assert (arrival.hour, arrival.minute) == (10, 0)


def test_it_reads_a_profile_format_with_the_offset(tmp_path):
    result = read(
        tmp_path,
        row(
            call_id="z",
            arrival="2026-06-15 10:00:00+02:00",
            queue_entry="2026-06-15 10:00:10+02:00",
            answered_at="2026-06-15 08:00:40Z",
        ),
        mapping=profile(tmp_path, datetime_format="%Y-%m-%d %H:%M:%S%z"),
    )
    assert result.errors == []
    (call,) = result.frame.to_dicts()
    assert utc(call["arrival"]) == dt.datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
    assert call["wait_s"] == 30.0


def test_it_infers_an_email_answered_after_the_clock_went_back(tmp_path):
    path = write(
        tmp_path,
        "courriels.csv",
        "email_id,received_at,kind,motif,agent,team,answered_at,template\n"
        "m1,2026-10-25 02:50:00,niveau1,,,,2026-10-25 02:10:00,\n",
    )
    result = read_records("emails", [path], "canonical")
    assert result.errors == []
    (email,) = result.frame.to_dicts()
    # Received 02:50 CEST (00:50 UTC), answered 02:10 CET (01:10 UTC): 20 min later.
    assert utc(email["answered_at"]) - utc(email["received_at"]) == dt.timedelta(minutes=20)


def test_it_refuses_a_skipped_reading_in_an_email_export(tmp_path):
    path = write(
        tmp_path,
        "courriels.csv",
        "email_id,received_at,kind,motif,agent,team,answered_at,template\n"
        "m1,2026-03-29 02:10:00,niveau1,,,,,\n",
    )
    result = read_records("emails", [path], "canonical")
    assert [(e.line, e.field) for e in result.errors] == [(2, "received_at")]


# --- the export's own clock ----------------------------------------------------------------


def _zoned_profile(tmp_path, zone: str) -> str:
    path = tmp_path / "zone.toml"
    path.write_text(
        f'name = "zone"\n[calls]\ntimezone = "{zone}"\n[calls.columns]\n'
        + "".join(f'{c} = "{c}"\n' for c in COLUMNS),
        encoding="utf-8",
    )
    return str(path)


def test_it_reads_an_export_on_its_own_clock(tmp_path):
    mapping = _zoned_profile(tmp_path, "Asia/Jerusalem")
    result = read(
        tmp_path,
        # 28/03/1999 02:53:18 does not exist in Paris but does in Israel (UTC+2): 00:53:18 UTC,
        # 01:53:18 on the Paris clock (still winter time there).
        row(call_id="a", arrival="1999-03-28 02:53:18", outcome="ivr"),
        # Israel moved its clocks on 2 April 1999 at 02:00: 02:30 never happened there.
        row(call_id="b", arrival="1999-04-02 02:30:00", outcome="ivr"),
        mapping=mapping,
    )
    ((line, field, message),) = messages(result)
    assert (line, field) == (3, "arrival")
    assert message.startswith("heure inexistante dans le fuseau Asia/Jerusalem « 02/04/1999")
    arrival = result.frame["arrival"][0]
    assert utc(arrival) == dt.datetime(1999, 3, 28, 0, 53, 18, tzinfo=UTC)
    assert (arrival.hour, arrival.minute) == (1, 53)


def test_it_refuses_an_unknown_time_zone(tmp_path):
    with pytest.raises(MappingError, match="fuseau horaire « Mars/Olympus » inconnu"):
        load_mapping(_zoned_profile(tmp_path, "Mars/Olympus"))


@pytest.mark.parametrize("with_format", [False, True])
def test_it_stores_an_offset_timestamp_at_its_instant(tmp_path, db, with_format):
    from pfspilot.contacts.models import Call
    from pfspilot.contacts.services import import_files

    path = write(
        tmp_path,
        "appels.csv",
        "\n".join(
            [
                CALL_HEADER,
                row(call_id="o", arrival="2026-06-15 10:00:00+02:00", outcome="ivr"),
                row(call_id="w", arrival="2026-10-25 02:30:00+01:00", outcome="ivr"),
            ]
        )
        + "\n",
    )
    fmt = "%Y-%m-%d %H:%M:%S%z" if with_format else None
    report = import_files(
        kind="calls", paths=[path], mapping=profile(tmp_path, datetime_format=fmt)
    )
    assert report.ok, report.errors
    # +02:00 → 08:00 UTC; 02:30 winter time (+01:00) → 01:30 UTC.
    assert Call.objects.get(source_id="o").arrival == dt.datetime(2026, 6, 15, 8, tzinfo=UTC)
    assert Call.objects.get(source_id="w").arrival == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)

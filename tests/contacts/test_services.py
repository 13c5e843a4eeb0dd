"""Loading files and frames: transactional per file, idempotent, linked to people, signalled."""

import datetime as dt

import polars as pl
import pytest

from pfspilot.contacts.models import AgentActivity, Call, Email, ImportBatch, SurveyAnswer
from pfspilot.contacts.reader import hash_caller
from pfspilot.contacts.selectors import activity_frame, calls_frame, emails_frame, surveys_frame
from pfspilot.contacts.services import import_files, import_frame
from pfspilot.contacts.signals import records_imported
from pfspilot.engine.records import LocalTimeError
from pfspilot.people.models import Team
from tests.timeutil import paris, utc

from .helpers import CALL_ROWS, calls_csv, write


@pytest.fixture
def received():
    events = []

    def listener(sender, **kwargs):
        events.append(kwargs)

    records_imported.connect(listener, dispatch_uid="test_listener")
    yield events
    records_imported.disconnect(dispatch_uid="test_listener")


def test_it_imports_a_file_links_people_and_signals_after_commit(
    tmp_path, personas, received, django_capture_on_commit_callbacks
):
    path = write(tmp_path, "appels.csv", calls_csv())
    with django_capture_on_commit_callbacks(execute=True):
        report = import_files(
            kind="calls", paths=[path], mapping="canonical", user=personas["maud"]
        )
    assert report.ok and report.inserted == 3
    call = Call.objects.get_by_call_id("c1")
    assert call.source == "pfspilot"
    assert call.agent == personas["bob"]
    assert call.team == personas["bob"].team  # the agent's team when the file gives none
    assert call.caller_hash == hash_caller("0601020304")
    assert call.arrival == dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # 09:00 in Paris
    assert sorted(Call.objects.values_list("outcome", flat=True)) == [
        "abandoned",
        "answered",
        "ivr",
    ]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows, batch.rows_read, batch.created_by) == (
        "done",
        3,
        3,
        personas["maud"],
    )
    assert received == [
        {
            "signal": records_imported,
            "kind": "calls",
            "start": dt.date(2026, 3, 2),
            "end": dt.date(2026, 3, 2),
            "batch_id": batch.pk,
        }
    ]


def test_it_adds_nothing_when_the_same_file_or_the_same_records_come_again(tmp_path, db):
    first = write(tmp_path, "appels.csv", calls_csv())
    assert import_files(kind="calls", paths=[first], mapping="canonical").inserted == 3
    again = import_files(kind="calls", paths=[first], mapping="canonical")
    assert again.inserted == 0 and again.files[0].status == "duplicate"
    # A different file holding the same calls plus one new: only the new one is added.
    rows = [*CALL_ROWS, CALL_ROWS[2].replace("c3,", "c4,", 1)]
    overlapping = write(tmp_path, "appels-bis.csv", calls_csv(rows))
    assert import_files(kind="calls", paths=[overlapping], mapping="canonical").inserted == 1
    assert Call.objects.count() == 4


def test_it_writes_nothing_from_a_file_with_a_bad_row(tmp_path, db):
    rows = [
        *CALL_ROWS,
        CALL_ROWS[2].replace("c3,", "c4,", 1).replace("2026-03-02 11:00:00", "demain"),
    ]
    bad = write(tmp_path, "mauvais.csv", calls_csv(rows))
    good = write(tmp_path, "bon.csv", calls_csv([CALL_ROWS[0].replace("c1,", "g1,", 1)]))
    report = import_files(kind="calls", paths=[bad, good], mapping="canonical")
    assert not report.ok
    assert [(f.file, f.status, f.inserted) for f in report.files] == [
        ("mauvais.csv", "failed", 0),
        ("bon.csv", "done", 1),
    ]
    assert list(Call.objects.values_list("source_id", flat=True)) == ["g1"]
    failed = ImportBatch.objects.get(file_name="mauvais.csv")
    assert failed.errors == [
        {
            "file": "mauvais.csv",
            "line": 5,
            "field": "arrival",
            "message": "date/heure illisible « demain » (format attendu %Y-%m-%d %H:%M:%S)",
        }
    ]


def test_it_reports_progress_in_french(tmp_path, db):
    steps = []
    import_files(
        kind="calls",
        paths=[write(tmp_path, "a.csv", calls_csv())],
        mapping="canonical",
        progress=lambda fraction, message: steps.append((fraction, message)),
    )
    assert steps[0] == (0.1, "a.csv : lecture")
    assert steps[-1] == (1.0, "a.csv : 3 / 3 lignes écrites")


def canonical_calls(rows):
    frame = pl.DataFrame(rows)
    for name in [c for c in ("arrival", "queue_entry", "answered_at") if c in frame.columns]:
        zone = getattr(frame.schema[name], "time_zone", None)
        frame = frame.with_columns(pl.col(name).cast(pl.Datetime("us", zone)))
    from pfspilot.engine.records import CALLS

    return frame.with_columns(
        pl.lit(None, dtype=pl.String).alias(c) for c in CALLS.names if c not in frame.columns
    )


def test_it_round_trips_local_times_across_daylight_saving_changes(db):
    frame = canonical_calls(
        {
            "call_id": ["w", "s", "spring", "autumn", "late"],
            "arrival": [
                paris(2026, 1, 15, 9, 0),
                paris(2026, 7, 15, 9, 0),
                paris(2026, 3, 29, 3, 30),  # first hour of summer time
                paris(2026, 10, 25, 2, 30, fold=1),  # the second 02:30 (winter time)
                paris(2026, 7, 16, 23, 59, 59),
            ],
            "queue_entry": [None, paris(2026, 7, 15, 9, 0, 10), None, None, None],
            "answered_at": [None, paris(2026, 7, 15, 9, 0, 40), None, None, None],
            "outcome": ["ivr", "answered", "ivr", "ivr", "ivr"],
        }
    )
    assert import_frame(kind="calls", frame=frame, source="demo") == 5
    assert Call.objects.get(source_id="s").arrival == dt.datetime(2026, 7, 15, 7, 0, tzinfo=dt.UTC)
    # 02:30 CET = 01:30 UTC; 03:30 CEST = 01:30 UTC.
    for source_id in ("spring", "autumn"):
        assert Call.objects.get(source_id=source_id).arrival.hour == 1
    back = calls_frame(dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    assert back["call_id"].to_list() == ["w", "spring", "s", "late", "autumn"]  # arrival order
    assert [utc(v) for v in back["arrival"].to_list()] == [
        dt.datetime(2026, 1, 15, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 15, 7, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 16, 21, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
    ]
    assert back["answered_at"].to_list()[2] == paris(2026, 7, 15, 9, 0, 40)
    assert calls_frame(dt.date(2026, 7, 17), dt.date(2026, 7, 17), lookback_days=1)[
        "call_id"
    ].to_list() == ["late"]
    assert calls_frame(dt.date(2026, 7, 17), dt.date(2026, 7, 17)).is_empty()


@pytest.mark.parametrize(
    "reading",
    [dt.datetime(2026, 3, 29, 2, 30), dt.datetime(2026, 10, 25, 2, 30)],
    ids=["skipped", "repeated"],
)
def test_it_refuses_a_naive_reading_that_is_not_one_instant(db, reading):
    frame = canonical_calls({"call_id": ["x"], "arrival": [reading], "outcome": ["ivr"]})
    with pytest.raises(LocalTimeError):
        import_frame(kind="calls", frame=frame, source="demo")
    assert Call.objects.count() == 0


def test_it_looks_back_in_elapsed_hours_across_the_spring_change(db):
    # From 2026-04-04 00:00 CEST, 7 × 24 h back is 2026-03-27 23:00 CET (the 29th had 23 h):
    # a call at 23:30 on the 27th is 168 h - 30 min before midnight, inside the look-back.
    frame = canonical_calls(
        {
            "call_id": ["before", "in"],
            "arrival": [paris(2026, 3, 27, 22, 30), paris(2026, 3, 27, 23, 30)],
            "outcome": ["ivr", "ivr"],
        }
    )
    import_frame(kind="calls", frame=frame, source="demo")
    looked = calls_frame(dt.date(2026, 4, 4), dt.date(2026, 4, 4), lookback_days=7)
    assert looked["call_id"].to_list() == ["in"]


def test_it_loads_and_selects_emails_surveys_and_activity(tmp_path, personas):
    emails = write(
        tmp_path,
        "m.csv",
        "email_id,received_at,kind,motif,agent,team,answered_at,template\n"
        "m1,2026-03-02 09:00:00,niveau1,RSA,bob,,2026-03-03 10:00:00,T1\n"
        "m2,2026-03-02 09:30:00,reclamation,,,,,\n",
    )
    surveys = write(
        tmp_path,
        "s.csv",
        "survey_id,channel,answered_on,score,satisfied\ns1,telephone,2026-03-02,4,oui\n",
    )
    activity = write(
        tmp_path,
        "act.csv",
        "agent,team,day,phone_s,email_s\nbob,,2026-03-02,21600,3600\nzoe,Renfort,2026-03-02,600,0\n",
    )
    # Teams are created by an administrator before an import names them (issue 12).
    Team.objects.create(name="Renfort")
    for kind, path in (("emails", emails), ("surveys", surveys), ("activity", activity)):
        assert import_files(kind=kind, paths=[path], mapping="canonical").ok
    assert Email.objects.get(source_id="m1").agent == personas["bob"]
    assert SurveyAnswer.objects.get().satisfied is True
    assert AgentActivity.objects.get(agent_code="bob").agent == personas["bob"]
    day = dt.date(2026, 3, 2)
    mails = emails_frame(day, day)
    assert mails["email_id"].to_list() == ["m1", "m2"]
    assert mails["answered_at"].to_list() == [paris(2026, 3, 3, 10), None]
    assert mails["team"].to_list() == ["Équipe Arras", None]
    answers = surveys_frame(day, day)
    assert answers.rows() == [("s1", "telephone", day, 4.0, True)]
    work = activity_frame(day, day)
    assert work.rows() == [
        ("bob", "Équipe Arras", day, 21600.0, 3600.0),
        ("zoe", "Renfort", day, 600.0, 0.0),
    ]
    assert emails_frame(dt.date(2026, 3, 3), dt.date(2026, 3, 3)).is_empty()


def test_it_finds_the_telephony_record_by_call_id(db):
    frame = canonical_calls(
        {
            "call_id": ["42", "42"],
            "arrival": [dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 5, 9)],
            "outcome": ["ivr", "ivr"],
        }
    )
    import_frame(kind="calls", frame=frame.slice(0, 1), source="site-a")
    import_frame(kind="calls", frame=frame.slice(1, 1), source="site-b")
    assert Call.objects.get_by_call_id("42", source="site-b").source == "site-b"
    with pytest.raises(Call.MultipleObjectsReturned):
        Call.objects.get_by_call_id("42")


def test_it_rebuilds_the_secondary_indexes_after_a_bulk_load(db):
    from django.db import connection

    from pfspilot.contacts.services import BULK_THRESHOLD

    n = BULK_THRESHOLD
    frame = canonical_calls(
        {
            "call_id": [str(i) for i in range(n)],
            "arrival": [dt.datetime(2026, 2, 1) + dt.timedelta(seconds=i) for i in range(n)],
            "outcome": ["ivr"] * n,
        }
    )
    assert import_frame(kind="calls", frame=frame, source="demo") == n
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, Call._meta.db_table))
    assert {"call_arrival", "call_caller_arrival", "call_unique_source_id"} <= names
    assert calls_frame(dt.date(2026, 2, 1), dt.date(2026, 2, 1)).height == n


def test_it_keeps_fractions_of_seconds(db):
    arrival = paris(2026, 5, 4, 9, 0, 0, 250000)
    frame = canonical_calls({"call_id": ["f"], "arrival": [arrival], "outcome": ["ivr"]})
    import_frame(kind="calls", frame=frame, source="demo")
    assert calls_frame(dt.date(2026, 5, 4), dt.date(2026, 5, 4))["arrival"].to_list() == [arrival]
    assert (
        Call.objects.filter(arrival__lte=dt.datetime(2026, 5, 4, 7, 0, 1, tzinfo=dt.UTC)).count()
        == 1
    )


def test_it_refuses_a_too_large_file_without_hashing_it(tmp_path, db, settings, monkeypatch):
    settings.IMPORT_MAX_BYTES = 100
    monkeypatch.setattr(
        "pfspilot.contacts.services.file_sha256",
        lambda path: pytest.fail("a refused file must not be read"),
    )
    report = import_files(
        kind="calls", paths=[write(tmp_path, "gros.csv", calls_csv())], mapping="canonical"
    )
    assert report.files[0].status == "failed"
    assert report.errors[0].message_fr.startswith("fichier trop volumineux (")
    assert Call.objects.count() == 0


def test_it_marks_the_batch_failed_when_the_database_write_breaks(tmp_path, db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr("pfspilot.contacts.services.import_frame", broken)
    report = import_files(
        kind="calls", paths=[write(tmp_path, "a.csv", calls_csv())], mapping="canonical"
    )
    assert not report.ok
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.step) == ("failed", "Échec : rien n'est enregistré.")
    assert batch.errors[0]["message"].startswith(
        "Erreur inattendue pendant l'écriture en base (RuntimeError) : rien n'est enregistré."
    )
    assert "disque plein" not in batch.errors[0]["message"]


def test_it_reads_back_every_value_as_stored_on_a_whole_table_scan(db):
    # The whole stored period: SQLite scans the table instead of the arrival index.
    frame = canonical_calls(
        {
            "call_id": ["a", "b", "c"],
            "caller_id": [hash_caller("0102030405"), None, hash_caller("0102030405")],
            "arrival": [
                paris(2026, 10, 25, 2, 30),  # twice on the clock: the first one (CEST)
                paris(2026, 10, 25, 12, 0),
                paris(2026, 12, 31, 23, 59, 59, 500000),
            ],
            "queue_entry": [None, paris(2026, 10, 25, 12, 0, 5), None],
            "answered_at": [None, paris(2026, 10, 25, 12, 1, 5), None],
            "wait_s": pl.Series([None, 60.0, 0.1], dtype=pl.Float64),
            "talk_s": pl.Series([None, 86_399.987654, 12.25], dtype=pl.Float64),
            "motif": ['Décès "urgent"\nrappel', None, "RSA\x1fAAH"],
            "outcome": ["ivr", "answered", "ivr"],
        }
    )
    assert import_frame(kind="calls", frame=frame, source="demo") == 3
    assert Call.objects.get(source_id="a").arrival == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=dt.UTC
    )
    back = calls_frame(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert back["call_id"].to_list() == ["a", "b", "c"]
    assert [utc(v) for v in back["arrival"].to_list()] == [
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 11, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 22, 59, 59, 500000, tzinfo=dt.UTC),
    ]
    assert back["answered_at"].to_list() == [None, paris(2026, 10, 25, 12, 1, 5), None]
    assert back["wait_s"].to_list() == [None, 60.0, 0.1]
    assert back["talk_s"].to_list() == [None, 86_399.987654, 12.25]
    assert back["caller_id"].to_list() == [
        hash_caller("0102030405"),
        None,
        hash_caller("0102030405"),
    ]
    assert back["motif"].to_list() == ['Décès "urgent"\nrappel', None, "RSA\x1fAAH"]
    assert back.schema == calls_frame(dt.date(2027, 1, 1), dt.date(2027, 1, 1)).schema


def test_it_counts_only_new_rows_across_full_and_partial_statements(db):
    from pfspilot.contacts.services import SQLITE_ROWS_PER_STATEMENT

    n = 2 * SQLITE_ROWS_PER_STATEMENT + 7
    frame = canonical_calls(
        {
            "call_id": [f"k{i}" for i in range(n)],
            "arrival": [dt.datetime(2026, 4, 1) + dt.timedelta(seconds=i) for i in range(n)],
            "outcome": ["ivr"] * n,
        }
    )
    assert import_frame(kind="calls", frame=frame.slice(0, 3), source="demo") == 3
    assert import_frame(kind="calls", frame=frame, source="demo") == n - 3
    assert import_frame(kind="calls", frame=frame, source="demo") == 0
    assert Call.objects.filter(source="demo").count() == n
    assert sorted(Call.objects.values_list("source_id", flat=True)) == sorted(
        frame["call_id"].to_list()
    )

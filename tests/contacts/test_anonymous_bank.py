"""The real Anonymous Bank export (Guedj & Mandelbaum, Technion SEE Lab, 1999) through its profile.

Expected figures are recounted here straight from the gzip files with the standard library.
"""

import datetime as dt
import gzip

import pytest
from django.core.management import call_command

from pfspilot.contacts.models import Call, ImportBatch
from pfspilot.contacts.reader import read_records
from pfspilot.contacts.selectors import calls_frame

pytestmark = pytest.mark.realdata

JANUARY = "anonymous_bank_1999-01_january.tsv.gz"
JULY = "anonymous_bank_1999-07_july.tsv.gz"


def recount(path):
    """Outcome counts and totals by hand: split on white space, PHANTOM left out."""
    counts = {"answered": 0, "ivr": 0, "abandoned": 0, "phantom": 0}
    talk = wait_abandoned = 0
    with gzip.open(path, "rt", encoding="ascii") as handle:
        header = handle.readline().split()
        col = {name: i for i, name in enumerate(header)}
        for line in handle:
            f = line.split()
            if f[col["outcome"]] == "PHANTOM":
                counts["phantom"] += 1
            elif f[col["outcome"]] == "AGENT":
                counts["answered"] += 1
                talk += int(f[col["ser_time"]])
            elif f[col["q_start"]] == "0:00:00":
                counts["ivr"] += 1
            else:
                counts["abandoned"] += 1
                wait_abandoned += int(f[col["q_time"]])
    return counts, talk, wait_abandoned


def test_it_imports_january_through_the_command_with_exact_counts(bank_dataset_dir, db, capsys):
    path = bank_dataset_dir / JANUARY
    counts, talk, wait_abandoned = recount(path)
    call_command("import", "calls", str(path), "--mapping", "anonymous-bank")
    total = counts["answered"] + counts["ivr"] + counts["abandoned"]
    shown = f"{total:,}".replace(",", "\u202f")  # French thousands: a narrow no-break space
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{JANUARY} : {shown} appels ajouté(e)s sur {shown} lu(e)s "
        f"({counts['phantom']} ligne(s) ignorée(s) par le profil)."
    )
    assert Call.objects.filter(source="anonymous-bank").count() == total
    for outcome in ("answered", "ivr", "abandoned"):
        assert Call.objects.filter(outcome=outcome).count() == counts[outcome], outcome
    # Israel's clock (UTC+2 in January) read on the Paris clock (UTC+1): the calls of the
    # bank's first hour of 1 January fall on 31 December in Paris.
    frame = calls_frame(dt.date(1998, 12, 31), dt.date(1999, 1, 31))
    assert frame.height == total
    assert calls_frame(dt.date(1998, 12, 31), dt.date(1998, 12, 31)).height == 11
    first_arrival = Call.objects.get_by_call_id("AA0101-33118").arrival
    assert first_arrival.utcoffset() == dt.timedelta(0)  # stored in UTC
    answered = frame.filter(frame["outcome"] == "answered")
    assert answered["talk_s"].sum() == talk
    abandoned = frame.filter(frame["outcome"] == "abandoned")
    assert abandoned["wait_s"].sum() == wait_abandoned
    first = Call.objects.get_by_call_id("AA0101-33118")
    assert first.agent_code == "MICHAL" and first.queue == "PS"
    # Importing the month again adds nothing.
    call_command("import", "calls", str(path), "--mapping", "anonymous-bank")
    assert Call.objects.count() == total
    assert list(ImportBatch.objects.values_list("status", flat=True)) == ["duplicate", "done"]


def test_it_reads_the_rows_with_spaces_instead_of_a_tab(bank_dataset_dir):
    path = bank_dataset_dir / JULY
    counts, talk, _ = recount(path)
    result = read_records("calls", [path], "anonymous-bank")
    assert result.errors == []
    assert result.ignored == counts["phantom"]
    assert result.frame.height == counts["answered"] + counts["ivr"] + counts["abandoned"]
    assert result.frame.filter(result.frame["outcome"] == "answered")["talk_s"].sum() == talk


def test_it_reads_the_months_of_the_clock_changes_on_the_bank_s_own_clock(bank_dataset_dir):
    # Israel's clock: 28/03/1999 02:53 (a Paris spring-gap reading) exists, and so on.
    for month in ("anonymous_bank_1999-03_march.tsv.gz", "anonymous_bank_1999-10_october.tsv.gz"):
        path = bank_dataset_dir / month
        counts, _, _ = recount(path)
        result = read_records("calls", [path], "anonymous-bank")
        assert result.errors == [], month
        assert result.frame.height == counts["answered"] + counts["ivr"] + counts["abandoned"]

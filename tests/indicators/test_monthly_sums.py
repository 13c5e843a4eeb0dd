"""The dashboard's year reads the monthly rows, which sum exactly the daily ones."""

import datetime as dt

import polars as pl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pfspilot.indicators import selectors
from pfspilot.indicators.models import DailyStats, Grain, MonthlyStats

BY = ("team", "agent", "month")


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(*BY, *selectors.SUM_FIELDS).sort(BY)


def _reads_monthly(**kwargs) -> tuple[pl.DataFrame, bool]:
    with CaptureQueriesContext(connection) as queries:
        frame = selectors.period_frame(year=2026, by=BY, **kwargs)
    table = MonthlyStats._meta.db_table
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    return frame, any(f'FROM "{table}"' in sql for sql in grouped)


def _daily(**kwargs) -> pl.DataFrame:
    # From the first day: a period with a start reads the daily rows.
    rows = selectors.period_sums(year=2026, by=BY, since=dt.date(2026, 1, 1), **kwargs)
    return pl.DataFrame(rows, infer_schema_length=None)


def test_the_monthly_rows_give_the_daily_rows_sums(year_loaded):
    assert MonthlyStats.objects.exists()
    last = selectors.last_day(2026)
    for kwargs in ({}, {"until": last}, {"team": "Arras"}, {"month": 1}, {"agent": "tc001"}):
        frame, monthly = _reads_monthly(**kwargs)
        assert monthly, kwargs
        assert _sorted(frame).equals(_sorted(_daily(**kwargs))), kwargs


def test_the_motifs_read_the_monthly_rows_too(year_loaded):
    def motifs(**kwargs):
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.period_sums(year=2026, grain=Grain.MOTIF, by=("motif",), **kwargs)
        return rows, [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]

    rows, grouped = motifs()
    assert rows and grouped and all(MonthlyStats._meta.db_table in sql for sql in grouped)
    assert rows == motifs(since=dt.date(2026, 1, 1))[0]


def test_a_period_ending_before_the_last_day_reads_the_daily_rows(year_loaded):
    until = selectors.last_day(2026) - dt.timedelta(days=1)
    frame, monthly = _reads_monthly(until=until)
    assert not monthly
    assert _sorted(frame).equals(_sorted(_daily(until=until)))


def test_daily_rows_written_outside_the_rebuild_are_still_counted(year_loaded):
    # A row the monthly rows do not sum (written by hand): the read falls back to the days.
    DailyStats.objects.create(
        day=dt.date(2026, 1, 5),
        year=2026,
        month=1,
        week=dt.date(2026, 1, 5),
        grain=Grain.AGENT,
        team="Arras",
        agent="zoe",
        calls_offered=7,
        calls_answered=7,
    )
    frame, monthly = _reads_monthly()
    assert not monthly
    assert frame.filter(pl.col("agent") == "zoe")["calls_answered"].to_list() == [7]

"""The migration adding known counts keeps the figures of rows written before it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pfspilot.indicators.models import DailyStats, HalfHourStats


def _nodes():
    """(the migration adding the known counts, the one before it), whatever their numbers."""
    graph = MigrationExecutor(connection).loader.graph
    (node,) = [key for key in graph.nodes if key[0] == "indicators" and "unknown" in key[1]]
    (parent,) = [key for key in graph.node_map[node].parents if key[0] == "indicators"]
    return node, parent


@pytest.mark.django_db(transaction=True)
def test_old_rows_count_every_answered_call_as_their_sums_did():
    _node, parent = _nodes()
    executor = MigrationExecutor(connection)
    executor.migrate([parent])
    apps = executor.loader.project_state(parent).apps
    day = dt.date(2026, 3, 2)
    apps.get_model("indicators", "DailyStats").objects.create(
        day=day, year=2026, month=3, week=day, grain="agent", calls_answered=4,
        wait_answered_s=80.0, handle_s=800.0,
    )  # fmt: skip
    apps.get_model("indicators", "HalfHourStats").objects.create(
        day=day, year=2026, month=3, slot=dt.time(9), offered=5, abandoned=2, queued=6,
        wait_s=120.0,
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    row = DailyStats.objects.get()
    # The old sums counted the 4 answered calls: ASA 80 / 4 = 20 s, AHT 800 / 4 = 200 s, as before.
    assert (row.calls_wait_known, row.calls_handle_known) == (4, 4)
    assert HalfHourStats.objects.get().abandon_known == 2

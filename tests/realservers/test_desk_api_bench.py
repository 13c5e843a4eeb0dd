"""bench/bench_desk_api.py, the desk API's benchmark (not a timed test): a bounded smoke run of
the whole chain — fresh database, demo accounts, agents and tokens, gunicorn with the production
configuration, bench/load.py — with 3 agents for 5 seconds, on an SQLite file."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.server

spec = importlib.util.spec_from_file_location(
    "bench_desk_api", Path(settings.PROJECT_DIR) / "bench" / "bench_desk_api.py"
)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_three_agents_record_calls_and_ask_callbacks_without_error(tmp_path, capsys):
    out = tmp_path / "result.json"
    code = bench.main(
        ["--agents", "3", "--duration", "5", "--think", "0", "--sqlite"]
        + ["--workers", "1", "--threads", "2", "--processes", "1", "--json", str(out)]
    )
    assert code == 0, capsys.readouterr().err[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    rows = {row["requête"]: row for row in result["client"]}
    assert rows["(toutes)"]["erreurs"] == 0
    assert rows["POST /api/v1/calls"]["nombre"] >= 1
    assert result["written_matches_201s"] is True
    assert result["written"]["fiches"] == rows["POST /api/v1/calls"]["nombre"]
    assert {row["requête"] for row in result["server"]} >= {"POST /api/v1/calls"}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--postgres", "postgres://postgres@10.0.0.1:5432"], "boucle locale seulement"),
        (["--agents", "0"], "--agents hors bornes"),
        (["--duration", "7200"], "--duration hors bornes"),
    ],
)
def test_it_refuses_a_remote_server_or_an_unbounded_run(argv, message, capsys):
    assert bench.main(argv) == 2
    assert message in capsys.readouterr().err

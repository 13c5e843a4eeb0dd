"""bench/bench_load_production.py (issue 12 §9): bounded, loopback only, production settings,
memory figures. The benchmark itself is run by hand (BENCHMARKS.md), never in the suite."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings

BENCH = Path(settings.PROJECT_DIR) / "bench"
sys.path.insert(0, str(BENCH))
spec = importlib.util.spec_from_file_location(
    "bench_load_production", BENCH / "bench_load_production.py"
)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.mark.parametrize(
    "argv",
    [
        ["--postgres", "postgres://postgres@10.0.0.5:5432"],
        ["--agents", "5000"],
        ["--managers", "0"],
        ["--duration", "7200"],
        ["--warmup", "600"],
    ],
)
def test_it_refuses_other_servers_and_unbounded_runs(argv, capsys):
    assert bench.main(argv) == 2
    assert capsys.readouterr().err.startswith("Erreur : ")


def test_it_uses_every_documented_production_setting():
    documented = bench.production_env()
    assert documented["PFSPILOT_DEBUG"] == "0"
    assert documented["PFSPILOT_SSL_REDIRECT"] == "1" and documented["PFSPILOT_DB_POOL_MAX"]


def test_memory_slope_is_read_over_the_last_two_thirds():
    # Grows 60 MB in the first third (warm-up), then flat: stable.
    samples = [
        {"t_s": 10.0 * i, "rss_mb": 500.0 + min(i, 10) * 6, "pss_mb": 1.0} for i in range(31)
    ]
    summary = bench.memory_summary(samples)
    assert summary["rss_mb"]["start"] == 500.0 and summary["rss_mb"]["max"] == 560.0
    assert summary["rss_mb"]["slope_mb_per_hour_last_two_thirds"] == 0.0
    # 1 MB per 10 s throughout → 360 MB per hour.
    leaking = [{"t_s": 10.0 * i, "rss_mb": 500.0 + i, "pss_mb": 1.0} for i in range(30)]
    assert bench.slope_per_hour(leaking, "rss_mb") == 360.0

"""`pfspilot erlang` and `pfspilot staff`: JSON contracts, CSV batch, French errors, exit 2."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pfspilot.cli import CliError
from pfspilot.engine import erlang

FIGURES = [
    "p_wait",
    "p_abandon",
    "service_level",
    "service_level_answered",
    "asa_answered_s",
    "occupancy",
]
PFSPILOT = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "pfspilot"


def run_json(command, *args):
    out = StringIO()
    call_command(command, *args, "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def run_cli(*args):
    program = [str(PFSPILOT)] if PFSPILOT.exists() else [sys.executable, "-m", "pfspilot"]
    return subprocess.run([*program, *args], capture_output=True, text=True, timeout=60)


def write_csv(tmp_path, text):
    path = tmp_path / "intervalles.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- erlang ---------------------------------------------------------------------------------


def test_it_prints_the_erlang_c_figures_without_patience():
    result = run_json("erlang", "--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "14")
    assert list(result) == FIGURES
    assert result["p_abandon"] == 0
    assert result["p_wait"] == pytest.approx(0.174131934, abs=1e-9)
    assert result["service_level"] == pytest.approx(0.888350019, abs=1e-9)
    assert result["occupancy"] == pytest.approx(10 / 14)


def test_it_prints_the_erlang_a_figures_with_patience():
    args = ["--arrivals-per-hour", "100", "--aht-s", "600", "--agents", "9", "--patience-s", "60"]
    result = run_json("erlang", *args, "--answer-within-s", "30")
    expected = erlang.metrics(100, 600, 9, patience_s=60, answer_within_s=30)
    assert result == pytest.approx(expected, rel=1e-12)
    assert 0.48 < result["p_abandon"] < 0.5


def test_it_prints_french_text_without_json():
    out = StringIO()
    call_command(
        "erlang", "--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "14", stdout=out
    )
    assert "Probabilité d'attendre : 17,4\u00a0%" in out.getvalue()
    assert "Occupation des agents : 71,4\u00a0%" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--arrivals-per-hour", "-1", "--aht-s", "180", "--agents", "14"], "--arrivals-per-hour"),
        (["--arrivals-per-hour", "200", "--aht-s", "-1", "--agents", "14"], "--aht-s"),
        (["--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "1001"], "entre 1 et 1000"),
        (["--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "deux"], "entier"),
        (["--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "10"], "File instable"),
        (
            ["--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "9", "--patience-s", "0"],
            "--patience-s",
        ),
        (["--aht-s", "180", "--agents", "14"], "obligatoires manquants"),
    ],
)
def test_it_rejects_bad_erlang_input_in_french(args, message):
    with pytest.raises(CliError, match=message):
        call_command("erlang", *args, "--json")


# --- staff, one interval --------------------------------------------------------------------


def test_it_staffs_the_published_case_with_14_agents():
    result = run_json(
        "staff",
        *("--arrivals-per-hour", "200", "--aht-s", "180"),
        *("--min-service-level", "0.8", "--answer-within-s", "20"),
    )
    assert list(result) == ["agents", *FIGURES]
    assert result["agents"] == 14
    assert result["service_level"] == pytest.approx(0.888350019, abs=1e-9)


def test_it_staffs_below_the_offered_load_for_an_abandon_target():
    result = run_json(
        "staff",
        *("--arrivals-per-hour", "100", "--aht-s", "600", "--patience-s", "60"),
        *("--max-abandon", "0.5"),
    )
    assert result["agents"] == 9  # the offered load is 16.7 erlangs
    assert result["p_abandon"] <= 0.5


def test_it_staffs_for_a_pickup_target_with_the_ivr_share():
    result = run_json(
        "staff",
        *("--arrivals-per-hour", "100", "--aht-s", "600", "--patience-s", "60"),
        *("--target-pickup", "0.87", "--ivr-share", "0.1"),
    )
    assert result["agents"] == 17
    assert 0.1 + 0.9 * (1 - result["p_abandon"]) >= 0.87


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-abandon", "1"], "100 %"),
        (["--min-service-level", "1.5"], "100 %"),
        (["--target-pickup", "-0.2"], "entre 0 et 1"),
        ([], "indiquez un objectif"),
        (["--max-abandon", "0.05", "--batch", "x.csv"], "--batch ne se combine pas"),
    ],
)
def test_it_rejects_bad_staff_targets_in_french(args, message):
    base = ["--arrivals-per-hour", "200", "--aht-s", "180", "--patience-s", "60"]
    with pytest.raises(CliError, match=message):
        call_command("staff", *base, *args, "--json")


def test_it_reports_an_unreachable_target():
    with pytest.raises(CliError, match="inatteignable"):
        call_command(
            "staff",
            *("--arrivals-per-hour", "100", "--aht-s", "600", "--patience-s", "60"),
            *("--max-abandon", "0", "--json"),
        )


# --- staff, CSV batch -----------------------------------------------------------------------

BATCH = (
    "arrivals_per_hour,aht_s,patience_s,max_abandon,min_service_level,answer_within_s,"
    "target_pickup,ivr_share\n"
    "200,180,,,0.8,20,,\n"
    "100,600,60,0.5,,,,\n"
    "100,600,60,,,,0.87,0.1\n"
)


def test_it_staffs_a_csv_of_intervals(tmp_path):
    result = run_json("staff", "--batch", write_csv(tmp_path, BATCH))
    assert [row["agents"] for row in result] == [14, 9, 17]
    assert all(list(row) == ["agents", *FIGURES] for row in result)
    single = erlang.metrics(100, 600, 9, patience_s=60)
    assert result[1] == pytest.approx({"agents": 9, **single}, rel=1e-12)


def test_it_reads_a_french_csv_with_semicolons_and_decimal_commas(tmp_path):
    text = "arrivals_per_hour;aht_s;patience_s;max_abandon\n100;600;60;0,5\n"
    assert run_json("staff", "--batch", write_csv(tmp_path, text))[0]["agents"] == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "arrivals_per_hour,aht_s,max_abandon\n200,180,0.1\n100,-600,0.1\n",
            "ligne 3, colonne « aht_s »",
        ),
        ("arrivals_per_hour,aht_s,max_abandon\n200,deux,0.1\n", "ligne 2, colonne « aht_s »"),
        ("arrivals_per_hour,aht_s,max_abandon\n200,180,1\n", "ligne 2, colonne « max_abandon »"),
        ("arrivals_per_hour,aht_s,patience_s,max_abandon\n200,180,0,0.1\n", "« patience_s »"),
        (
            "arrivals_per_hour,aht_s,max_abandon\n,180,0.1\n",
            "ligne 2, colonne « arrivals_per_hour »",
        ),
        ("arrivals_per_hour,aht_s,min_service_level\n200,180,\n", "ligne 2 : aucun objectif"),
        ("arrivals_per_hour,aht_s,agents\n200,180,3\n", "colonne inconnue « agents »"),
        ("arrivals_per_hour,max_abandon\n200,0.1\n", "colonne obligatoire absente « aht_s »"),
        ("arrivals_per_hour,aht_s,max_abandon\n", "aucun intervalle"),
        (
            "arrivals_per_hour,aht_s,patience_s,max_abandon\n200,180,60,0.1\n9000,600,,0.1\n",
            "ligne 3 : objectif inatteignable",
        ),
    ],
)
def test_it_rejects_bad_csv_rows_naming_line_and_column(tmp_path, text, message):
    with pytest.raises(CliError, match=message):
        call_command("staff", "--batch", write_csv(tmp_path, text), "--json")


def test_it_rejects_a_missing_file():
    with pytest.raises(CliError, match="introuvable"):
        call_command("staff", "--batch", "/nonexistent/intervalles.csv", "--json")


# --- the real executable --------------------------------------------------------------------


def test_it_runs_as_a_real_command_and_exits_2_on_bad_input(tmp_path):
    done = run_cli(
        "staff",
        *("--arrivals-per-hour", "200", "--aht-s", "180"),
        *("--min-service-level", "0.8", "--answer-within-s", "20", "--json"),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["agents"] == 14

    path = write_csv(tmp_path, "arrivals_per_hour,aht_s,max_abandon\n200,180,0.1\n100,0,0.1\n")
    bad_row = run_cli("staff", "--batch", path, "--json")
    assert bad_row.returncode == 2
    assert bad_row.stdout == ""
    assert "ligne 3, colonne « aht_s » : valeur strictement positive attendue" in bad_row.stderr

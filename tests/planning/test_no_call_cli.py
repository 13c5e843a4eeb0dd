"""`staff`, `staff --batch`, `erlang` and `simulate` answer for intervals no call reaches (§3)."""

from io import StringIO

import pytest
from django.core.management import call_command

from pfspilot.cli import CliError

from .test_erlang_cli import BATCH, FIGURES, run_json, write_csv

UNKNOWN = dict.fromkeys(FIGURES)


def test_staff_answers_0_agents_without_arrivals():
    result = run_json(
        "staff",
        *("--arrivals-per-hour", "0", "--aht-s", "180"),
        *("--min-service-level", "0.8", "--answer-within-s", "20"),
    )
    assert result == {"agents": 0, **UNKNOWN}  # no call: figures unknown (null), not 0


def test_staff_accepts_an_ivr_share_of_one():
    result = run_json(
        "staff",
        *("--arrivals-per-hour", "100", "--aht-s", "600", "--patience-s", "60"),
        *("--target-pickup", "0.87", "--ivr-share", "1.0"),
    )
    # Décroché = 1 + (1 − 1)(1 − P(Ab)) = 100 % ≥ 87 % with nobody.
    assert result == {"agents": 0, **UNKNOWN}


@pytest.mark.parametrize("value", ["1.5", "-0.1"])
def test_staff_still_refuses_an_ivr_share_outside_0_1(value):
    with pytest.raises(CliError, match="--ivr-share doit être une fraction entre 0 et 1"):
        call_command(
            "staff",
            *("--arrivals-per-hour", "100", "--aht-s", "600", "--patience-s", "60"),
            *("--target-pickup", "0.87", "--ivr-share", value, "--json"),
        )


def test_one_empty_half_hour_does_not_refuse_the_batch(tmp_path):
    before = run_json("staff", "--batch", write_csv(tmp_path, BATCH))
    with_empty = BATCH + "0,180,,,0.8,20,,\n" + "0,600,60,0,,,,\n" + "100,600,60,,,,0.87,1\n"
    (tmp_path / "with_empty").mkdir()
    result = run_json("staff", "--batch", write_csv(tmp_path / "with_empty", with_empty))
    assert [row["agents"] for row in result] == [14, 9, 17, 0, 0, 0]
    assert result[:3] == before  # the other rows exactly as before
    assert all(row == {"agents": 0, **UNKNOWN} for row in result[3:])


def test_staff_batch_text_says_unknown_for_an_empty_half_hour(tmp_path):
    out = StringIO()
    text = "arrivals_per_hour,aht_s,min_service_level\n200,180,0.8\n0,180,0.8\n"
    call_command("staff", "--batch", write_csv(tmp_path, text), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Intervalle 1 : 14 agents, abandon 0,0\u00a0%")
    assert lines[1] == "Intervalle 2 : 0 agents, abandon —, niveau de service —"


def test_staff_batch_accepts_an_ivr_share_of_one_and_refuses_above(tmp_path):
    text = "arrivals_per_hour,aht_s,patience_s,target_pickup,ivr_share\n100,600,60,0.87,1\n"
    assert run_json("staff", "--batch", write_csv(tmp_path, text))[0]["agents"] == 0
    bad = "arrivals_per_hour,aht_s,patience_s,target_pickup,ivr_share\n100,600,60,0.87,1.2\n"
    with pytest.raises(CliError, match="ligne 2, colonne « ivr_share »"):
        call_command("staff", "--batch", write_csv(tmp_path, bad), "--json")
    negative = "arrivals_per_hour,aht_s,max_abandon\n-3,180,0.1\n"
    with pytest.raises(CliError, match="ligne 2, colonne « arrivals_per_hour »"):
        call_command("staff", "--batch", write_csv(tmp_path, negative), "--json")


def test_erlang_answers_for_an_interval_without_calls():
    result = run_json("erlang", "--arrivals-per-hour", "0", "--aht-s", "180", "--agents", "3")
    assert result == {**UNKNOWN, "occupancy": 0.0}  # three idle agents
    out = StringIO()
    call_command(
        "erlang", "--arrivals-per-hour", "0", "--aht-s", "180", "--agents", "3", stdout=out
    )
    assert "Probabilité d'abandon : — (aucun appel)" in out.getvalue()
    assert "Occupation des agents : 0,0\u00a0%" in out.getvalue()


def test_simulate_without_abandon_reports_an_interval_above_zero():
    result = run_json(
        "simulate",
        *("--arrivals-per-hour", "10", "--aht-s", "60", "--patience-s", "600"),
        *("--agents", "50", "--hours", "4", "--seed", "1"),
    )
    assert (result["abandoned"], result["p_abandon"]) == (0, 0.0)
    low, high = result["p_abandon_ci95"]
    # Clopper–Pearson with 0 abandons of n queued calls: [0, 1 − 0.025^(1/n)].
    assert low == 0.0 and high == pytest.approx(1 - 0.025 ** (1 / result["offered"]), rel=1e-9)

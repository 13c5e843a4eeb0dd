"""`pfspilot simulate`: the JSON contract and French errors with exit status 2."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from pfspilot.planning.management.commands.simulate import Command

ARGS = [
    "--arrivals-per-hour",
    "200",
    "--aht-s",
    "180",
    "--patience-s",
    "120",
    "--agents",
    "12",
    "--hours",
    "8",
]


def _json(*extra):
    out = StringIO()
    call_command("simulate", *ARGS, *extra, "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_it_prints_exactly_the_contract_keys():
    result = _json("--seed", "3")
    assert list(result) == [
        "offered",
        "answered",
        "abandoned",
        "p_abandon",
        "asa_answered_s",
        "p_abandon_ci95",
    ]
    assert result["offered"] == result["answered"] + result["abandoned"]
    assert result["p_abandon"] == result["abandoned"] / result["offered"]
    low, high = result["p_abandon_ci95"]
    assert 0 <= low <= result["p_abandon"] <= high < 1
    # 200 calls/hour for 8 hours.
    assert 1450 < result["offered"] < 1750


def test_it_repeats_itself_with_the_same_seed_only():
    assert _json("--seed", "5") == _json("--seed", "5")
    assert _json("--seed", "5") != _json("--seed", "6")


def test_it_prints_french_text_without_json():
    out = StringIO()
    call_command("simulate", *ARGS, "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "Taux d'abandon" in text
    assert "IC 95\u00a0%" in text


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--arrivals-per-hour", "0", "--arrivals-per-hour doit être strictement positif"),
        ("--aht-s", "-5", "--aht-s doit être strictement positif"),
        ("--patience-s", "abc", "--patience-s doit être un nombre"),
        ("--agents", "0", "--agents doit être au moins 1"),
        ("--agents", "1001", "--agents ne peut pas dépasser 1000"),
        ("--agents", "2.5", "--agents doit être un entier"),
        ("--hours", "0", "--hours doit être strictement positif"),
        ("--seed", "-1", "--seed doit être positif ou nul"),
    ],
)
def test_it_exits_2_with_a_french_message_on_bad_input(capsys, option, value, message):
    args = list(ARGS)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["pfspilot", "simulate", *args, "--json"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_it_exits_2_when_an_option_is_missing(capsys):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["pfspilot", "simulate", "--aht-s", "180", "--json"])
    assert exit_info.value.code == 2
    assert "arguments obligatoires manquants" in capsys.readouterr().err


def test_it_refuses_a_run_too_long_to_simulate(capsys):
    args = list(ARGS)
    args[args.index("--hours") + 1] = "1000000"
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["pfspilot", "simulate", *args])
    assert exit_info.value.code == 2
    assert "trop d'appels" in capsys.readouterr().err

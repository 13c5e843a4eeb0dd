"""`pfspilot guide`: the contract scripts depend on (issue 7 §1)."""

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from pfspilot.cli import CliError
from pfspilot.reference.models import CatalogueMotif, MotifCatalogue
from pfspilot.reference.services import motif_catalogue_copy
from tests.reference.note_table import DEFERRED, FILE_NO, FILE_YES, LEVEL1

PFSPILOT = Path(sys.executable).parent / "pfspilot"
PARIS = ZoneInfo("Europe/Paris")


def guide(**options):
    out = StringIO()
    call_command("guide", json=True, stdout=out, **options)
    return json.loads(out.getvalue())


def test_it_prints_the_payment_motif_for_paiement(db):
    assert guide(query="paiement", profile="fi")[0] == {
        "motif": "Les paiements et dates de paiement",
        "parcours": "Paiements et droits",
        "in_table": False,
        "action": "traiter",
        "instruction": LEVEL1,
    }


def test_it_keeps_the_table_rule_of_each_profile(db):
    fi = guide(query="cmg", profile="fi")
    assert [(r["motif"], r["action"]) for r in fi] == [
        ("Le CMG", "rappel_differe"),
        ("Le cumul CMG", "rappel_differe"),
    ]
    assert fi[0]["instruction"] == DEFERRED
    assert fi[0]["in_table"] is True
    assert fi[0]["parcours"] == "PARCOURS ARRIVEE DE L'ENFANT"
    assert guide(query="cmg", profile="confirme")[0]["action"] == "traiter"


def test_it_answers_the_file_question_with_the_flag(db):
    assert guide(query="aripa", profile="fi")[0]["instruction"] == FILE_NO
    with_file = guide(query="aripa", profile="fi", dossier_en_cours=True)[0]
    assert (with_file["action"], with_file["instruction"]) == ("rappel_differe", FILE_YES)
    # The flag changes nothing for a level-1 motif.
    assert guide(query="apl", profile="fi", dossier_en_cours=True)[0]["action"] == "traiter"


def test_it_prints_an_empty_list_when_nothing_matches(db):
    assert guide(query="xyzzy", profile="confirme") == []


@pytest.mark.parametrize(
    "options,message",
    [
        ({"query": "rsa"}, "Erreur : --profile est obligatoire : fi"),
        ({"query": "rsa", "profile": "cdi"}, "profil « cdi » invalide pour --profile"),
        ({"profile": "fi"}, "Erreur : --query est obligatoire"),
        ({"query": "  ", "profile": "fi"}, "Erreur : --query est obligatoire"),
    ],
)
def test_it_rejects_bad_input_in_french(db, options, message):
    with pytest.raises(CliError, match=message):
        guide(**options)


def test_it_prints_french_sentences_without_json(db):
    out = StringIO()
    call_command("guide", query="rsa", profile="fi", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == f"Le RSA (Revenus et solidarité) : {LEVEL1}"
    assert lines[1].startswith("Le RSA jeune (Autres) : Orienter vers un rappel différé")


def test_it_reads_the_catalogue_in_force_on_the_day(db):
    newer = motif_catalogue_copy(
        source=MotifCatalogue.objects.get(), valid_from=dt.date(2027, 1, 1)
    )
    CatalogueMotif.objects.filter(catalogue=newer, code="PAIEMENTS").update(label="Les paiements")
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=PARIS), tick=False):
        assert guide(query="paiement", profile="fi")[0]["motif"] == (
            "Les paiements et dates de paiement"
        )
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=PARIS), tick=False):
        assert guide(query="paiement", profile="fi")[0]["motif"] == "Les paiements"


@pytest.fixture(scope="module")
def migrated_env(tmp_path_factory):
    """A fresh SQLite database migrated by the real console command (the seeds included)."""
    env = {**os.environ, "DATABASE_URL": "", "PFSPILOT_VAR_DIR": str(tmp_path_factory.mktemp("g"))}
    done = subprocess.run(
        [str(PFSPILOT), "migrate", "reference", "--noinput", "-v", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return env


def _run(*args, env):
    return subprocess.run(
        [str(PFSPILOT), "guide", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    "query,profile,motif,action",
    [
        # Issue 7 §1, examples as a script would type them.
        ("paiement", "fi", "Les paiements et dates de paiement", "traiter"),
        ("allocations familiales", "fi", "Les allocations familiales", "traiter"),
        ("rsa", "fi", "Le RSA", "traiter"),
        ("aide au logement", "fi", "Les aides au logement (APL, ALF, ALS)", "traiter"),
        ("insulte", "fi", "Incivilité ou insulte de l'appelant", "incivilite"),
        ("urgence", "confirme", "Urgence", "urgence"),
        ("détresse", "fi", "USAGERS EN DETRESSE", "transfert_superviseur"),
    ],
)
def test_the_console_command_follows_its_contract(migrated_env, query, profile, motif, action):
    done = _run("--query", query, "--profile", profile, "--json", env=migrated_env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert (result[0]["motif"], result[0]["action"]) == (motif, action)


def test_the_console_command_prints_an_empty_list_for_nothing(migrated_env):
    done = _run("--query", "xyzzy", "--profile", "fi", "--json", env=migrated_env)
    assert (done.returncode, json.loads(done.stdout)) == (0, [])


@pytest.mark.parametrize("args", [["--query", "rsa"], ["--query", "rsa", "--profile", "chef"]])
def test_the_console_command_exits_2_on_a_bad_profile(migrated_env, args):
    done = _run(*args, "--json", env=migrated_env)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("Erreur : ")
    assert "Traceback" not in done.stderr

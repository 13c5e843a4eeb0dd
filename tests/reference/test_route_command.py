"""`pfspilot route`: the contract scripts depend on, for every row of the note's table."""

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
from pfspilot.reference.models import Motif, RoutingMatrix
from pfspilot.reference.services import routing_matrix_copy

from .note_table import DEFERRED, LEVEL1, NOTE_TABLE, cases

PFSPILOT = Path(sys.executable).parent / "pfspilot"
PARIS = ZoneInfo("Europe/Paris")


def route(**options):
    out = StringIO()
    call_command("route", json=True, stdout=out, **options)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1  # one JSON object, nothing else
    return json.loads(lines[0])


@pytest.mark.parametrize(
    "code,label,parcours,profile,dossier,outcome",
    list(cases()),
    ids=[f"{c[0]}-{c[3]}-{'dossier' if c[4] else 'sans'}" for c in cases()],
)
def test_it_routes_every_row_of_the_note(db, code, label, parcours, profile, dossier, outcome):
    result = route(motif=code, profile=profile, dossier_en_cours=dossier)
    action, instruction = outcome
    assert result == {
        "motif": label,
        "parcours": parcours,
        "profile": profile,
        "action": action,
        "instruction": instruction,
    }


@pytest.mark.parametrize("code,label,parcours,fi,confirme", NOTE_TABLE)
def test_it_accepts_the_label_as_written_in_the_note(db, code, label, parcours, fi, confirme):
    result = route(motif=label, profile="fi")
    assert result["motif"] == label
    if label != "Le décès d'un membre du foyer":
        assert result["parcours"] == parcours


def test_it_resolves_the_bereavement_label_to_its_first_parcours(db):
    result = route(motif="Le décès d'un membre du foyer", profile="confirme")
    assert result["parcours"] == "PARCOURS ARRIVEE DE L'ENFANT"
    assert result["action"] == "pira_rdv"


@pytest.mark.parametrize(
    "typed",
    [
        "l'aripa",
        "L’ARIPA",
        "  L'ARIPA  ",
        "l‘aripa",
        "aripa",
        "ARIPA",
        "L'Aripa\t",
    ],
)
def test_it_matches_ignoring_case_apostrophes_and_spaces(db, typed):
    assert route(motif=typed, profile="fi")["motif"] == "L'ARIPA"


@pytest.mark.parametrize(
    "typed,label",
    [
        ("le deces d'un membre du foyer", "Le décès d'un membre du foyer"),
        ("LE DÉCÈS D’UN MEMBRE DU FOYER", "Le décès d'un membre du foyer"),
        ("la residence alternee", "La résidence alternée"),
        ("l’indecence du logement", "L'indécence du logement"),
        ("usagers en détresse", "USAGERS EN DETRESSE"),
        ("la validation des titres de sejour ", "La validation des titres de séjour"),
        ("la prepare : adoption - ass mat - eti", "La PREPARE : Adoption - Ass Mat - ETI"),
        ("La PREPARE : Adoption – Ass Mat – ETI", "La PREPARE : Adoption - Ass Mat - ETI"),
        ("rsa-jeune", "Le RSA jeune"),
    ],
)
def test_it_matches_ignoring_accents(db, typed, label):
    assert route(motif=typed, profile="confirme")["motif"] == label


def test_it_rejects_an_unknown_motif_listing_the_closest(db):
    with pytest.raises(CliError) as error:
        route(motif="allocation logement", profile="fi")
    message = str(error.value)
    assert message.startswith("Erreur : motif « allocation logement » absent du tableau")
    assert "Motifs les plus proches :" in message
    # Housing aid is a level-1 motif of the catalogue: its synonym leads the suggestions.
    assert "Motifs les plus proches : « Les aides au logement (APL, ALF, ALS) »" in message


def test_it_lists_the_acronym_first_for_a_typo(db):
    with pytest.raises(CliError) as error:
        route(motif="cgm", profile="fi")
    assert "Motifs les plus proches : « Le CMG » ; « Le cumul CMG »" in str(error.value)


def test_it_rejects_a_missing_profile(db):
    with pytest.raises(CliError, match="--profile est obligatoire : fi"):
        route(motif="CMG")


def test_it_rejects_an_invalid_profile(db):
    with pytest.raises(CliError, match="profil « cdi » invalide pour --profile"):
        route(motif="CMG", profile="cdi")


def test_it_rejects_a_missing_motif(db):
    with pytest.raises(CliError, match="--motif est obligatoire"):
        route(profile="fi")


def test_it_prints_a_french_sentence_without_json(db):
    out = StringIO()
    call_command("route", motif="AAH", profile="confirme", stdout=out)
    assert out.getvalue().strip() == ("Le calcul AAH (LE HANDICAP), profil Confirmé : " + LEVEL1)


def test_it_reads_the_matrix_in_force_on_the_day(db):
    seeded = RoutingMatrix.objects.get()
    newer = routing_matrix_copy(source=seeded, valid_from=dt.date(2027, 1, 1))
    Motif.objects.filter(matrix=newer, code="CMG").update(rule_confirme="rappel_differe")
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=PARIS), tick=False):
        assert route(motif="CMG", profile="confirme")["action"] == "traiter"
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=PARIS), tick=False):
        result = route(motif="CMG", profile="confirme")
    assert (result["action"], result["instruction"]) == ("rappel_differe", DEFERRED)


def _run(*args, env):
    return subprocess.run(
        [str(PFSPILOT), "route", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def migrated_env(tmp_path_factory):
    """A fresh SQLite database migrated by the real console command (the seed included)."""
    env = {**os.environ, "DATABASE_URL": "", "PFSPILOT_VAR_DIR": str(tmp_path_factory.mktemp("v"))}
    done = subprocess.run(
        [str(PFSPILOT), "migrate", "reference", "--noinput", "-v", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return env


def test_the_console_command_prints_one_json_object(migrated_env):
    done = _run(
        "--motif", "l’ajpp", "--profile", "fi", "--dossier-en-cours", "--json", env=migrated_env
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "motif": "L'AJPP",
        "parcours": "LE HANDICAP",
        "profile": "fi",
        "action": "rappel_differe",
        "instruction": (
            "Dossier en cours : orienter vers un rappel différé pour expertise (demande de "
            "rappel / rendez-vous téléphonique de second niveau)."
        ),
    }


def test_the_console_command_exits_2_on_an_unknown_motif(migrated_env):
    done = _run("--motif", "aripaa", "--profile", "confirme", "--json", env=migrated_env)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("Erreur : motif « aripaa » absent du tableau d'orientation.")
    assert "« L'ARIPA »" in done.stderr


def test_the_console_command_exits_2_on_a_bad_profile(tmp_path):
    env = {**os.environ, "DATABASE_URL": "", "PFSPILOT_VAR_DIR": str(tmp_path)}
    done = _run("--motif", "CMG", "--profile", "chef", "--json", env=env)
    assert done.returncode == 2
    assert done.stderr == (
        "Erreur : profil « chef » invalide pour --profile : fi (formation initiale) ou confirme.\n"
    )


@pytest.mark.parametrize(
    "typed,label,theme",
    [
        ("PAIEMENTS", "Les paiements et dates de paiement", "Paiements et droits"),
        (
            "les paiements et dates de paiement",
            "Les paiements et dates de paiement",
            "Paiements et droits",
        ),
        ("RSA", "Le RSA", "Revenus et solidarité"),
        ("le rsa", "Le RSA", "Revenus et solidarité"),
        ("aide-logement", "Les aides au logement (APL, ALF, ALS)", "Logement"),
        ("Les allocations familiales", "Les allocations familiales", "Famille et enfants"),
    ],
)
def test_a_catalogue_motif_is_answered_at_level_1(db, typed, label, theme):
    for profile in ("fi", "confirme"):
        for dossier in (False, True):
            result = route(motif=typed, profile=profile, dossier_en_cours=dossier)
            assert result == {
                "motif": label,
                "parcours": theme,
                "profile": profile,
                "action": "traiter",
                "instruction": LEVEL1,
            }


def test_the_table_keeps_its_rows_beside_the_catalogue(db):
    assert route(motif="RSA-JEUNE", profile="fi")["action"] == "rappel_differe"
    assert route(motif="ASF", profile="fi")["action"] == "rappel_differe"
    assert route(motif="CMG", profile="fi")["action"] == "rappel_differe"


def test_it_says_so_when_no_motif_is_close(db):
    with pytest.raises(CliError) as error:
        route(motif="xqzw", profile="fi")
    assert str(error.value) == "Erreur : motif « xqzw » absent du tableau d'orientation."

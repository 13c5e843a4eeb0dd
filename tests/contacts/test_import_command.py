"""`pfspilot import`: summary on stdout, French errors naming line and field, exit status 2."""

import json

import pytest
from django.core.management import call_command

from pfspilot.contacts.models import Call

from .helpers import CALL_ROWS, calls_csv, write


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    # run_from_argv closes every connection when done, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def test_it_imports_and_prints_a_french_summary(tmp_path, db, capsys):
    path = write(tmp_path, "appels.csv", calls_csv())
    call_command("import", "calls", str(path), "--mapping", "canonical")
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "appels.csv : 3 appels ajouté(e)s sur 3 lu(e)s (0 ligne(s) ignorée(s) par le profil).",
        "Total : 3 appels ajouté(e)s.",
    ]
    assert "[100,0\u00a0%] appels.csv : 3 / 3 lignes écrites" in out.err
    call_command("import", "calls", str(path), "--mapping", "canonical", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["ajoutees"] == 0
    assert result["fichiers"][0]["etat"] == "duplicate"
    assert Call.objects.count() == 3


def test_it_exits_2_with_every_bad_line_and_writes_nothing(tmp_path, db, capsys):
    rows = [*CALL_ROWS, CALL_ROWS[0].replace(",30,300,20,", ",30,-1,20,")]
    path = write(tmp_path, "appels.csv", calls_csv(rows))
    command = _command()
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["pfspilot", "import", "calls", str(path), "--mapping", "canonical"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert (
        "Erreur : import refusé.\nappels.csv : refusé, 2 erreur(s), rien n'est enregistré." in err
    )
    assert (
        "  appels.csv, ligne 5, champ « call_id » : identifiant « c1 » en double (déjà ligne 2)"
        in err
    )
    assert "  appels.csv, ligne 5, champ « talk_s » : durée négative (-1 s)" in err
    assert Call.objects.count() == 0


@pytest.mark.parametrize(
    "argv,message",
    [
        (
            ["calls", "x.csv", "--mapping", "inconnu"],
            "Erreur : Profil d'import introuvable : « inconnu »",
        ),
        (
            ["emails", "x.csv", "--mapping", "anonymous-bank"],
            "ne décrit pas ce type d'enregistrement",
        ),
        (["appels", "x.csv", "--mapping", "canonical"], "Erreur : argument kind: choix invalide"),
        (["calls", "x.csv"], "arguments obligatoires manquants : --mapping"),
    ],
)
def test_it_refuses_bad_arguments_in_french(db, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        _command().run_from_argv(["pfspilot", "import", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def _command():
    from django.core.management import load_command_class

    return load_command_class("pfspilot.contacts", "import")


def test_it_explains_a_missing_or_empty_file_without_a_line_number(tmp_path, db, capsys):
    empty = write(tmp_path, "vide.csv", "")
    with pytest.raises(SystemExit) as exit_info:
        _command().run_from_argv(
            [
                "pfspilot",
                "import",
                "calls",
                str(empty),
                str(tmp_path / "absent.csv"),
                "--mapping",
                "canonical",
            ]
        )
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "  vide.csv : le fichier est vide." in err
    assert f"  absent.csv : fichier introuvable : {tmp_path / 'absent.csv'}" in err


def test_it_exits_2_on_a_profile_with_a_bad_constant(tmp_path, db, capsys):
    profile = tmp_path / "constante-fausse.toml"
    profile.write_text(
        '[calls]\n[calls.columns]\ncall_id = "call_id"\narrival = "arrival"\n'
        '[calls.constants]\nwait_s = "beaucoup"\n'
    )
    path = write(tmp_path, "appels.csv", calls_csv())
    with pytest.raises(SystemExit) as exit_info:
        _command().run_from_argv(
            ["pfspilot", "import", "calls", str(path), "--mapping", str(profile)]
        )
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "Erreur : profil « constante-fausse », table [calls], constante « wait_s »"
    )
    assert "Traceback" not in err
    assert Call.objects.count() == 0


def test_it_exits_2_when_reading_breaks_midway(tmp_path, db, capsys):
    from .test_batch_lifecycle import _broken_xlsx

    path = _broken_xlsx(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        _command().run_from_argv(
            ["pfspilot", "import", "calls", str(path), "--mapping", "canonical"]
        )
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "appels.xlsx : refusé, 1 erreur(s), rien n'est enregistré." in err
    assert "appels.xlsx : Erreur inattendue pendant la lecture du fichier (" in err
    assert "Traceback" not in err

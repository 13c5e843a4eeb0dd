"""bench/load.py, the load harness (not a timed test): loopback only, bounded, counts right."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.conf import settings

spec = importlib.util.spec_from_file_location(
    "bench_load", Path(settings.PROJECT_DIR) / "bench" / "load.py"
)
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)


@pytest.mark.parametrize(
    "url",
    ["http://example.org:8000", "https://127.0.0.1:8000", "http://10.0.0.1", "http://127.0.0.2"],
)
def test_it_refuses_any_server_but_the_loopback(url, capsys):
    assert load.main(["--base-url", url, "--get", "/", "--account", "a"]) == 2
    assert "adresse refusée" in capsys.readouterr().err


def test_it_refuses_an_unbounded_run(capsys):
    assert load.main(["--duration", "7200", "--get", "/", "--account", "a"]) == 2
    assert "durée hors bornes : 7200.0 s" in capsys.readouterr().err


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]  # 1..100
    # rank = ceil(q/100 × 100): p50 → 50th value = 50, p95 → 95, p99 → 99
    assert [load.percentile(values, q) for q in (50, 95, 99)] == [50.0, 95.0, 99.0]
    # 3 values: p50 → rank ceil(1.5) = 2 → 20; p95, p99 → rank ceil(2.85) = 3 → 30
    assert [load.percentile([10.0, 20.0, 30.0], q) for q in (50, 95, 99)] == [20.0, 30.0, 30.0]


@pytest.mark.server
def test_users_log_in_and_run_their_bounded_share(
    live_server, personas, django_db_serialized_rollback, reference_seed, tmp_path, capsys
):
    out = tmp_path / "result.json"
    code = load.main(
        [
            "--base-url",
            live_server.url,
            "--users",
            "2",
            "--duration",
            "120",  # an upper bound only: the run ends on its request count
            "--max-requests",
            "6",  # 3 per user
            "--account",
            "alice",
            "--account",
            "maud",
            "--password",
            "motdepasse-solide-42",
            "--get",
            "/guide/recherche/?q=paiement",
            "--get",
            "/guide/",
            "--json",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    rows = {row["requête"]: row for row in json.loads(out.read_text(encoding="utf-8"))["rows"]}
    # Each user: requests 1 and 3 to the guide search, request 2 to the guide page → 4 + 2.
    # (Not "/": it sends an agent to Mon poste, and the harness counts a redirect as an error.)
    assert rows["GET /guide/recherche/?q=paiement"]["nombre"] == 4
    assert rows["GET /guide/"]["nombre"] == 2
    assert rows["(toutes)"]["nombre"] == 6 and rows["(toutes)"]["erreurs"] == 0
    assert rows["connexion"]["nombre"] == 2


@pytest.mark.server
def test_a_signed_in_agent_posts_a_form_with_csrf_and_follows_the_redirect(
    live_server, personas, django_db_serialized_rollback, reference_seed, tmp_path, capsys
):
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from pfspilot.desk.models import CallRecord

    bob = personas["bob"]
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(bob.pk)
    session[BACKEND_SESSION_KEY] = "pfspilot.people.backends.AccountBackend"
    session[HASH_SESSION_KEY] = bob.get_session_auth_hash()
    session.create()
    sessions = tmp_path / "sessions.tsv"
    sessions.write_text(f"bob\t{session.session_key}\n", encoding="utf-8")
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        f'base_url = "{live_server.url}"\nduration = 60\nmax_requests = 3\n'
        f'[[group]]\nname = "agents"\nusers = 1\nsessions_file = "{sessions}"\n'
        '[[group.requests]]\npath = "/poste/"\n'  # sets the CSRF cookie, as a browser's first page
        '[[group.requests]]\nname = "ouvrir"\npath = "/poste/"\nmethod = "POST"\n'
        'form = { call_id = "banc-{user}-{n}", caller_number = "03 21 00 00 00" }\n'
        "expect = [302]\n"
        '[[group.requests]]\nname = "fiche"\npath = "{location}"\n',
        encoding="utf-8",
    )
    out = tmp_path / "result.json"
    assert load.main(["--scenario", str(scenario), "--json", str(out)]) == 0, capsys.readouterr()
    rows = {row["requête"]: row for row in json.loads(out.read_text(encoding="utf-8"))["rows"]}
    assert rows["ouvrir"]["nombre"] == 1 and rows["fiche"]["nombre"] == 1
    assert rows["(toutes)"]["erreurs"] == 0 and "connexion" not in rows
    assert CallRecord.objects.get().call_id == "banc-bob-2"


@pytest.mark.server
def test_a_wrong_password_is_an_error_and_sets_the_exit_status(live_server, personas, capsys):
    code = load.main(
        ["--base-url", live_server.url, "--users", "1", "--duration", "60", "--max-requests", "1"]
        + ["--account", "alice", "--password", "pas-le-bon", "--get", "/"]
    )
    assert code == 1
    assert "connexion refusée pour 'alice'" in capsys.readouterr().err


def test_users_start_at_spread_instants_and_pause_around_the_think_time(tmp_path):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        '[[group]]\nname = "agents"\nusers = 2\naccounts = ["a"]\nthink = 10\n'
        'ramp_up = 10\nthink_jitter = 0.5\n[[group.requests]]\npath = "/"\n',
        encoding="utf-8",
    )
    options = load.argparse.Namespace(
        scenario=str(scenario), base_url=None, duration=None, max_requests=None, processes=None
    )
    group = load.load_scenario(options)[-1][0]
    assert (group.think, group.ramp_up, group.think_jitter) == (10.0, 10.0, 0.5)
    first, second = (load.User("127.0.0.1", 1, group, i, load.Outcome(), None) for i in (0, 1))
    draws = [first.rng.uniform(0, 10), second.rng.uniform(0, 10)]
    assert draws[0] != draws[1]  # not in step
    again = load.User("127.0.0.1", 1, group, 0, load.Outcome(), None)
    assert again.rng.uniform(0, 10) == draws[0]  # seeded: the same run twice


def test_it_refuses_a_jitter_outside_zero_to_one(tmp_path, capsys):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        '[[group]]\nname = "agents"\nusers = 1\naccounts = ["a"]\nthink_jitter = 2\n'
        '[[group.requests]]\npath = "/"\n',
        encoding="utf-8",
    )
    assert load.main(["--scenario", str(scenario)]) == 2
    assert "think_jitter entre 0 et 1" in capsys.readouterr().err


def scenario_options(path):
    return load.argparse.Namespace(
        scenario=str(path), base_url=None, duration=None, max_requests=None, processes=None
    )


def test_placeholders_fill_paths_and_forms_and_headers_apply_to_every_request(tmp_path):
    sessions = tmp_path / "sessions.tsv"
    sessions.write_text("bob\tkey-1\nmaud\tkey-2\n", encoding="utf-8")
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        'headers = { Host = "pfspilot.example.org", X-Forwarded-Proto = "https" }\n'
        f'[[group]]\nname = "agents"\nusers = 3\nsessions_file = "{sessions}"\n'
        '[[group.requests]]\npath = "/poste/"\nmethod = "POST"\n'
        'form = { call_id = "c-{user}-{n}" }\nexpect = [302]\n'
        '[[group.requests]]\npath = "{location}"\nheaders = { HX-Request = "true" }\n',
        encoding="utf-8",
    )
    options = scenario_options(scenario)
    group = load.load_scenario(options)[-1][0]
    assert options.headers == {"Host": "pfspilot.example.org", "X-Forwarded-Proto": "https"}
    assert group.requests[0].form == {"call_id": "c-{user}-{n}"}
    assert group.requests[1].headers == {"HX-Request": "true"}
    users = [
        load.User("127.0.0.1", 1, group, i, load.Outcome(), None, options.headers)
        for i in (0, 1, 2)
    ]
    # User i takes line i of the sessions (mod their count) as its session cookie: no login.
    assert [(u.account, u.cookies["sessionid"]) for u in users] == [
        ("bob", "key-1"),
        ("maud", "key-2"),
        ("bob", "key-1"),
    ]
    assert users[0].login() is True
    users[0].count, users[0].location = 7, "/poste/fiches/12/"
    assert users[0].text_of("{location}?u={user}&n={n}") == "/poste/fiches/12/?u=bob&n=7"


def test_it_refuses_headers_that_are_not_text(tmp_path, capsys):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        'headers = { X-Count = 3 }\n[[group]]\nname = "a"\nusers = 1\naccounts = ["a"]\n'
        '[[group.requests]]\npath = "/"\n',
        encoding="utf-8",
    )
    assert load.main(["--scenario", str(scenario)]) == 2
    assert "headers" in capsys.readouterr().err

"""Load harness: N simulated users against a PFS Pilot server on the loopback (not a test).

Each user logs in through the login form (or uses an API token), then runs its requests in turn
for a bounded duration and count, closed-loop (the next request leaves when the previous one has
answered, after an optional think time). Reports per group and per request: count, errors and
latency p50/p95/p99 in ms (nearest-rank percentiles of every timed request).

One group from the command line:
  .venv/bin/python bench/load.py --base-url http://127.0.0.1:8000 --users 20 --duration 30 \\
      --account agent.fi --account agent.confirme --password demo-pfs-2026 \\
      --get '/guide/?q=paiement' --get /guide/
Several groups (agents and managers, API calls with JSON bodies) from a TOML scenario:
  .venv/bin/python bench/load.py --scenario bench/scenarios/guide.toml [--json out.json]
Scenario format (every key of a group but `name`, `users` and `requests` has a default):
  base_url = "http://127.0.0.1:8000"   duration = 30   max_requests = 100000   processes = 2
  [[group]]
  name = "agents"  users = 20  accounts = ["agent.fi"]  password = "demo-pfs-2026"  think = 0.0
  ramp_up = 0.0        # each user starts at a random instant in [0, ramp_up] s (not all at once)
  think_jitter = 0.0   # each pause drawn in think × [1 − j, 1 + j] (users do not fall in step)
  tokens_file = "tokens.tsv"   # username<TAB>key per line: `Authorization: Token KEY`, no login
  sessions_file = "sessions.tsv"  # username<TAB>session key per line: user i takes line i (mod
                                  # the count) as its `sessionid` cookie, no login (signed in
                                  # in the morning, as agents are; the server made the sessions)
  [[group.requests]]
  path = "/api/v1/calls"  method = "POST"  json = { call_id = "{user}-{n}" }  expect = [201]
  [[group.requests]]
  path = "/api/v1/callbacks"  method = "POST"  json = { call = "{prev.id}", motif = "PAIEMENTS" }
  [[group.requests]]     # a form as a browser posts it (CSRF token from the cookie, in a header)
  path = "/poste/"  method = "POST"  form = { call_id = "{user}-{uuid}" }  expect = [302]
  [[group.requests]]     # the page the previous redirect pointed to
  path = "{location}"  headers = { HX-Request = "true" }
  headers = { Host = "pfspilot.example.org", X-Forwarded-Proto = "https" }   # top level: every
                         # request (as the TLS reverse proxy forwards them); per request: merged
Placeholders in paths, form values and JSON strings: {user} the account, {n} the user's request
number, {uuid} a new UUID, {location} the path of the user's last redirect (`Location`), {prev.KEY}
the KEY of the user's previous JSON answer (a whole-string placeholder keeps the value's type, so
"{prev.id}" gives an integer).

Only loopback addresses are accepted: this tool must never load a server it does not own.
An error is a connection failure, a status outside `expect` (default: 200, and 201/204 for
POST), or a redirect to the login page (a lost session). Exit status 1 when any error happened,
2 on bad options.
"""

import argparse
import http.client
import json
import math
import multiprocessing
import random
import re
import sys
import threading
import time
import tomllib
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_DURATION_S = 3600
MAX_USERS = 2000
ERROR_SAMPLES = 5


class UsageError(Exception):
    """A bad option or scenario: reported in French, exit status 2."""


@dataclass
class Request:
    path: str
    method: str = "GET"
    json: object = None
    form: dict | None = None
    headers: dict = field(default_factory=dict)
    expect: tuple[int, ...] = ()
    name: str = ""

    def label(self) -> str:
        return self.name or f"{self.method} {self.path}"

    def expected(self) -> tuple[int, ...]:
        return self.expect or ((200, 201, 204) if self.method != "GET" else (200,))


@dataclass
class Group:
    name: str
    users: int
    requests: list[Request]
    accounts: list[str] = field(default_factory=list)
    password: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: list[tuple[str, str]] = field(default_factory=list)
    think: float = 0.0
    ramp_up: float = 0.0
    think_jitter: float = 0.0


@dataclass
class Outcome:
    """What one process measured: latencies (s) and errors per (group, request label)."""

    latencies: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    errors: dict[tuple[str, str], int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)

    def add(self, key, seconds: float | None, error: str | None = None):
        if seconds is not None:
            self.latencies.setdefault(key, []).append(seconds)
        if error is not None:
            self.errors[key] = self.errors.get(key, 0) + 1
            if len(self.samples) < ERROR_SAMPLES:
                self.samples.append(f"{key[0]} {key[1]} : {error}")

    def merge(self, other: "Outcome"):
        for key, values in other.latencies.items():
            self.latencies.setdefault(key, []).extend(values)
        for key, count in other.errors.items():
            self.errors[key] = self.errors.get(key, 0) + count
        self.samples.extend(other.samples[: max(0, ERROR_SAMPLES - len(self.samples))])


def check_base_url(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise UsageError(
            f"adresse refusée : {url} (seul http:// sur la boucle locale 127.0.0.1 est accepté)"
        )
    return parts.hostname, parts.port or 80


class User:
    """One simulated user: its own keep-alive connection and cookies."""

    def __init__(self, host, port, group: Group, index: int, outcome: Outcome, lock, headers=None):
        self.host, self.port, self.group, self.outcome, self.lock = host, port, group, outcome, lock
        self.account = group.accounts[index % len(group.accounts)] if group.accounts else ""
        self.cookies: dict[str, str] = {}
        self.session = None
        if group.sessions:
            self.account, self.session = group.sessions[index % len(group.sessions)]
            self.cookies["sessionid"] = self.session
        self.headers = dict(headers or {})
        self.location = ""
        self.connection = None
        self.previous: dict = {}
        self.count = 0
        # Seeded per user: the same scenario draws the same start instants and pauses.
        self.rng = random.Random(f"{group.name}-{index}")

    def pause(self, deadline: float, seconds: float) -> None:
        time.sleep(max(0.0, min(seconds, deadline - time.monotonic())))

    def send(self, method, path, body=None, headers=None):
        """(status, headers, body, seconds); reconnects once if the kept-alive socket closed."""
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, content, seconds
        raise AssertionError("unreachable")

    def record(self, label, seconds, error=None):
        with self.lock:
            self.outcome.add((self.group.name, label), seconds, error)

    def login(self) -> bool:
        if self.session:
            self.token = None
            return True
        token = self.group.tokens.get(self.account)
        if token or self.group.tokens:
            if not token:
                self.record("connexion", None, f"pas de jeton pour {self.account!r}")
                return False
            self.token = token
            return True
        self.token = None
        try:
            status, _, body, seconds = self.send("GET", "/connexion/")
            found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
            if status != 200 or not found:
                self.record("connexion", seconds, f"page de connexion : statut {status}")
                return False
            form = urlencode(
                {
                    "csrfmiddlewaretoken": found.group(1).decode(),
                    "username": self.account,
                    "password": self.group.password,
                }
            )
            status, headers, _, seconds = self.send(
                "POST",
                "/connexion/",
                form,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
        except OSError as exc:
            self.record("connexion", None, f"{type(exc).__name__} : {exc}")
            return False
        location = headers.get("Location", "")
        if status != 302 or "/connexion/" in location:
            self.record("connexion", seconds, f"connexion refusée pour {self.account!r} ({status})")
            return False
        self.record("connexion", seconds)
        return True

    def text_of(self, value: str) -> str:
        """A path or text with its placeholders filled ({prev.KEY} as text)."""
        value = value.replace("{user}", self.account).replace("{n}", str(self.count))
        value = value.replace("{uuid}", str(uuid.uuid4())).replace("{location}", self.location)
        return re.sub(r"\{prev\.(\w+)\}", lambda m: str(self.previous.get(m.group(1))), value)

    def body_of(self, template):
        """The JSON body with placeholders filled for this user and request."""

        def fill(value):
            if isinstance(value, dict):
                return {k: fill(v) for k, v in value.items()}
            if isinstance(value, list):
                return [fill(v) for v in value]
            if not isinstance(value, str):
                return value
            whole = re.fullmatch(r"\{prev\.(\w+)\}", value)
            if whole:
                return self.previous.get(whole.group(1))
            return self.text_of(value)

        return fill(template)

    def run(self, deadline: float, budget: int):
        if not self.login():
            return
        if self.group.ramp_up:
            self.pause(deadline, self.rng.uniform(0, self.group.ramp_up))
        requests = self.group.requests
        while time.monotonic() < deadline and self.count < budget:
            spec = requests[self.count % len(requests)]
            self.count += 1
            headers = dict(spec.headers)
            body = None
            path = self.text_of(spec.path)
            if self.token:
                headers["Authorization"] = f"Token {self.token}"
            if spec.json is not None:
                body = json.dumps(self.body_of(spec.json))
                headers["Content-Type"] = "application/json"
            elif spec.form is not None:
                body = urlencode(
                    {k: self.text_of(v) if isinstance(v, str) else v for k, v in spec.form.items()}
                )
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            if spec.method != "GET" and not self.token and "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
            try:
                status, answer_headers, content, seconds = self.send(
                    spec.method, path, body, headers
                )
            except OSError as exc:
                self.record(spec.label(), None, f"{type(exc).__name__} : {exc}")
                continue
            error = None
            location = answer_headers.get("Location", "")
            if status not in spec.expected():
                error = f"statut {status}" + (f" vers {location}" if location else "")
            elif "/connexion/" in location:
                error = "session perdue (renvoi vers la connexion)"
            elif location:
                parts = urlsplit(location)
                self.location = parts.path + (f"?{parts.query}" if parts.query else "")
            if answer_headers.get("Content-Type", "").startswith("application/json"):
                try:
                    answer = json.loads(content or b"null")
                    self.previous = answer if isinstance(answer, dict) else {}
                except ValueError:
                    error = error or "réponse JSON illisible"
            self.record(spec.label(), seconds, error)
            if self.group.think:
                jitter = self.group.think_jitter
                self.pause(deadline, self.group.think * self.rng.uniform(1 - jitter, 1 + jitter))
        if self.connection is not None:
            self.connection.close()


def run_share(args) -> Outcome:
    """One process: its share of the users of every group, as threads."""
    host, port, groups, shares, deadline_in, budget, headers = args
    outcome, lock = Outcome(), threading.Lock()
    deadline = time.monotonic() + deadline_in
    threads = []
    for group, indexes in zip(groups, shares, strict=True):
        for index in indexes:
            user = User(host, port, group, index, outcome, lock, headers)
            thread = threading.Thread(target=user.run, args=(deadline, budget), daemon=True)
            threads.append(thread)
            thread.start()
    for thread in threads:
        thread.join()
    return outcome


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of values sorted ascending."""
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summary(outcome: Outcome, elapsed: float) -> list[dict]:
    rows = []
    keys = sorted(set(outcome.latencies) | set(outcome.errors))
    groups = sorted({group for group, _ in keys})
    for group in groups:
        for label in [label for g, label in keys if g == group] + ["(toutes)"]:
            if label == "(toutes)":
                values = [
                    v
                    for (g, lbl), vs in outcome.latencies.items()
                    if g == group and lbl != "connexion"
                    for v in vs
                ]
                errors = sum(
                    n for (g, lbl), n in outcome.errors.items() if g == group and lbl != "connexion"
                )
            else:
                values = list(outcome.latencies.get((group, label), []))
                errors = outcome.errors.get((group, label), 0)
            values.sort()
            row = {"groupe": group, "requête": label, "nombre": len(values), "erreurs": errors}
            for q in (50, 95, 99):
                row[f"p{q}_ms"] = round(percentile(values, q) * 1000, 1) if values else None
            row["par_seconde"] = round(len(values) / elapsed, 1) if elapsed else None
            rows.append(row)
    return rows


def print_table(rows: list[dict], out=sys.stdout):
    header = ["groupe", "requête", "nombre", "erreurs", "p50_ms", "p95_ms", "p99_ms", "par_seconde"]
    print("| " + " | ".join(header) + " |", file=out)
    print("|" + "---|" * len(header), file=out)
    for row in rows:
        cells = ["—" if row[h] is None else str(row[h]) for h in header]
        print("| " + " | ".join(cells) + " |", file=out)


def load_scenario(options) -> tuple[str, float, int, int, list[Group]]:
    """(base URL, duration, request cap, client processes, groups); headers in `options.headers`."""
    if options.scenario:
        try:
            data = tomllib.loads(Path(options.scenario).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"scénario illisible ({options.scenario}) : {exc}") from exc
    else:
        if not options.get:
            raise UsageError("indiquez au moins une page (--get) ou un scénario (--scenario)")
        data = {
            "group": [
                {
                    "name": "utilisateurs",
                    "users": options.users,
                    "accounts": options.account,
                    "password": options.password,
                    "think": options.think,
                    "requests": [{"path": path} for path in options.get],
                }
            ]
        }
    base_url = options.base_url or data.get("base_url", "http://127.0.0.1:8000")
    duration = float(options.duration or data.get("duration", 30))
    max_requests = int(options.max_requests or data.get("max_requests", 1_000_000))
    processes = int(options.processes or data.get("processes", 1))
    headers = data.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise UsageError('headers : une table d\'en-têtes texte (Nom = "valeur")')
    options.headers = headers
    if not 0 < duration <= MAX_DURATION_S:
        raise UsageError(f"durée hors bornes : {duration} s (1 à {MAX_DURATION_S} s)")
    if max_requests <= 0:
        raise UsageError("--max-requests doit être positif")
    groups = []
    for number, raw in enumerate(data.get("group", []), start=1):
        try:
            tokens = {}
            if raw.get("tokens_file"):
                for line in Path(raw["tokens_file"]).read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        username, key = line.split("\t", 1)
                        tokens[username.strip()] = key.strip()
            sessions = []
            if raw.get("sessions_file"):
                for line in Path(raw["sessions_file"]).read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        username, key = line.split("\t", 1)
                        sessions.append((username.strip(), key.strip()))
            accounts = list(raw.get("accounts") or tokens or [u for u, _ in sessions])
            group = Group(
                name=raw.get("name", f"groupe {number}"),
                users=int(raw["users"]),
                requests=[
                    Request(
                        path=r["path"],
                        method=r.get("method", "GET").upper(),
                        json=r.get("json"),
                        form=r.get("form"),
                        headers=dict(r.get("headers", {})),
                        expect=tuple(r.get("expect", ())),
                        name=r.get("name", ""),
                    )
                    for r in raw["requests"]
                ],
                accounts=accounts,
                password=raw.get("password", ""),
                tokens=tokens,
                sessions=sessions,
                think=float(raw.get("think", 0.0)),
                ramp_up=float(raw.get("ramp_up", 0.0)),
                think_jitter=float(raw.get("think_jitter", 0.0)),
            )
        except (KeyError, TypeError, ValueError, OSError) as exc:
            raise UsageError(f"groupe {number} du scénario invalide : {exc!r}") from exc
        if group.think < 0 or group.ramp_up < 0 or not 0 <= group.think_jitter <= 1:
            raise UsageError(
                f"groupe « {group.name} » : think et ramp_up ≥ 0, think_jitter entre 0 et 1"
            )
        if not group.accounts:
            raise UsageError(f"groupe « {group.name} » : aucun compte (--account ou accounts)")
        if not group.requests or not 0 < group.users <= MAX_USERS:
            raise UsageError(f"groupe « {group.name} » : 1 à {MAX_USERS} utilisateurs et 1 requête")
        if any(not r.path.startswith(("/", "{location}")) for r in group.requests):
            raise UsageError(f"groupe « {group.name} » : les chemins commencent par /")
        groups.append(group)
    if not groups:
        raise UsageError("le scénario ne décrit aucun groupe ([[group]])")
    return base_url, duration, max_requests, max(1, processes), groups


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", help="fichier TOML (plusieurs groupes, requêtes JSON)")
    parser.add_argument("--base-url", help="défaut http://127.0.0.1:8000 (boucle locale seulement)")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--duration", type=float, help="secondes (défaut 30, au plus 3600)")
    parser.add_argument("--max-requests", type=int, help="plafond du nombre total de requêtes")
    parser.add_argument("--processes", type=int, help="processus clients (défaut 1)")
    parser.add_argument("--account", action="append", default=[], help="compte (répétable)")
    parser.add_argument("--password", default="")
    parser.add_argument("--get", action="append", default=[], help="chemin à charger (répétable)")
    parser.add_argument("--think", type=float, default=0.0, help="pause entre deux requêtes (s)")
    parser.add_argument("--json", help="écrit aussi le résultat en JSON dans ce fichier")
    options = parser.parse_args(argv)
    try:
        base_url, duration, max_requests, processes, groups = load_scenario(options)
        host, port = check_base_url(base_url)
    except UsageError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2

    total_users = sum(g.users for g in groups)
    budget = max(1, math.ceil(max_requests / total_users))
    processes = min(processes, total_users)
    # User i of each group goes to process i mod P: every process gets a share of every group.
    shares = [
        [[i for i in range(g.users) if i % processes == p] for g in groups]
        for p in range(processes)
    ]
    headers = getattr(options, "headers", {})
    jobs = [(host, port, groups, share, duration, budget, headers) for share in shares]
    print(
        f"{total_users} utilisateurs ({', '.join(f'{g.name} {g.users}' for g in groups)}) sur "
        f"{base_url}, {duration:g} s au plus, {max_requests} requêtes au plus, "
        f"{processes} processus",
        file=sys.stderr,
    )
    started = time.monotonic()
    if processes == 1:
        results = [run_share(jobs[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            results = pool.map(run_share, jobs)
    elapsed = time.monotonic() - started
    outcome = Outcome()
    for result in results:
        outcome.merge(result)
    rows = summary(outcome, elapsed)
    print_table(rows)
    print(f"durée mesurée : {elapsed:.1f} s", file=sys.stderr)
    for sample in outcome.samples:
        print(f"erreur : {sample}", file=sys.stderr)
    if options.json:
        Path(options.json).write_text(
            json.dumps(
                {"base_url": base_url, "duration_s": round(elapsed, 1), "rows": rows},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if sum(outcome.errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Load benchmark of issue 12 §9, not a test: agents on the guide and the desk, managers on the
dashboard and planning pages, against the documented production set-up on PostgreSQL, on the
loopback, bounded in users and time; with the memory of the web server sampled.

What it does, from nothing to nothing:
1. a fresh PostgreSQL database `pfspilot_bench_<time>_<pid>` on `--postgres` (loopback only);
   `pfspilot migrate`, `pfspilot demo` (the demo year: ≈ 930 000 calls, 126 agents; the demo
   command runs with PFSPILOT_DEBUG=1, as it refuses production), agent accounts `banc-a…` up to
   `--agents` and manager accounts `banc-m…` up to `--managers` in the demo teams;
2. the background work as the services do it before anyone looks: `pfspilot tick` (today's sums,
   plans of the coming days, the year's capacity queued), `pfspilot worker --batch` (plans
   solved, capacity computed), twice; then `ANALYZE` (the autovacuum may be off on this server);
3. one server-side session per simulated user (signed in as in the morning: no 200 PBKDF2 logins
   inside the window), written to a file for bench/load.py;
4. gunicorn with `deploy/gunicorn.conf.py` and the settings of `deploy/pfspilot.env.example`
   (every line: 5 processes × 4 threads, psycopg pool of 4, SSL redirect behind the proxy, HSTS,
   secure cookies, sessions, lockout…; only the secrets, the database, the port and the paths are
   the bench's), plus `pfspilot worker` and `pfspilot tick` every minute as their systemd units;
5. bench/load.py with bench/scenarios/agents-managers.toml (requests sent as the TLS proxy
   forwards them), while a thread samples every `--sample-every` s the resident memory (RSS, and
   PSS: shared pages counted once) of the gunicorn master and its workers from /proc;
6. figures per group (p50/p95/p99, errors, count), gunicorn's own times from its access log, the
   memory (start, max, end, slope over the last two thirds), the load average; then every
   process stopped and the database dropped.

  .venv/bin/python bench/bench_load_production.py --agents 200 --managers 10 --duration 300 \\
      --json var/bench-load-production.json
  .venv/bin/python bench/bench_load_production.py --agents 100 --managers 5 --duration 1800

Exit status 0 when every request answered as expected, 1 on any error, 2 on bad options.
"""

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
import bench_desk_api as desk  # noqa: E402
import load  # noqa: E402

MAX_AGENTS = 400
MAX_MANAGERS = 50
MAX_DURATION_S = 2400
SCENARIO = PROJECT / "bench" / "scenarios" / "agents-managers.toml"
ENV_EXAMPLE = PROJECT / "deploy" / "pfspilot.env.example"
HOST = "pfspilot.example.org"

# Run in a child process with the bench's environment: accounts up to the counts, one session each.
MAKE_SESSIONS = """
import datetime as dt, sys
from importlib import import_module
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from pfspilot.people.models import Profile, Role, Team, User

agents, managers, agent_path, manager_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
teams = list(Team.objects.order_by("pk"))

def accounts(role, count, prefix, **extra):
    users = list(User.objects.filter(role=role, is_active=True).order_by("username")[:count])
    new = []
    for i in range(len(users) + 1, count + 1):
        user = User(username=f"{prefix}{i:03d}", first_name="Banc", last_name=f"{prefix}{i:03d}",
                    role=role, team=teams[i % len(teams)], start_date=dt.date(2020, 1, 6), **extra)
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new)
    return users + list(User.objects.filter(username__in=[u.username for u in new]).order_by("username"))

store = import_module(settings.SESSION_ENGINE).SessionStore
backend = "pfspilot.people.backends.AccountBackend"
for users, path in (
    (accounts(Role.AGENT, agents, "banc-a", profile=Profile.CONFIRMED), agent_path),
    (accounts(Role.MANAGER, managers, "banc-m"), manager_path),
):
    with open(path, "w", encoding="utf-8") as out:
        for user in users:
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = backend
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            out.write(f"{user.username}\\t{session.session_key}\\n")
    print(len(users))
"""

COUNT_ROWS = """
import json
import django
django.setup()
from pfspilot.desk.models import CallRecord
records = CallRecord.objects.filter(call_id__startswith="banc-")
print(json.dumps({"fiches": records.count(), "closes": records.filter(status="close").count()}))
"""


def production_env() -> dict[str, str]:
    """The documented production settings: every KEY=VALUE line of deploy/pfspilot.env.example."""
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def processes_of(master: int) -> list[int]:
    """The master's pid and its children's (gunicorn workers), from /proc."""
    pids = [master]
    try:
        for task in Path(f"/proc/{master}/task").iterdir():
            children = (task / "children").read_text().split()
            pids.extend(int(pid) for pid in children)
    except OSError:
        pass
    return pids


def memory_of(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB of one process (0, 0 when it has just ended)."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


class MemorySampler(threading.Thread):
    """Every `every` s: seconds since start, process count, RSS and PSS sums (MB)."""

    def __init__(self, master: int, every: float):
        super().__init__(name="memory-sampler", daemon=True)
        self.master, self.every, self.stopped = master, every, threading.Event()
        self.samples: list[dict] = []
        self.started = time.monotonic()

    def sample(self):
        pids = processes_of(self.master)
        sizes = [memory_of(pid) for pid in pids]
        self.samples.append(
            {
                "t_s": round(time.monotonic() - self.started, 1),
                "processes": len(pids),
                "rss_mb": round(sum(r for r, _ in sizes) / 1024, 1),
                "pss_mb": round(sum(p for _, p in sizes) / 1024, 1),
            }
        )

    def run(self):
        self.sample()
        while not self.stopped.wait(self.every):
            self.sample()


def slope_per_hour(samples: list[dict], key: str) -> float | None:
    """Least-squares slope (MB per hour) of `key` over the last two thirds of the samples."""
    tail = samples[len(samples) // 3 :]
    if len(tail) < 3:
        return None
    ts = [s["t_s"] for s in tail]
    vs = [s[key] for s in tail]
    mt, mv = sum(ts) / len(ts), sum(vs) / len(vs)
    den = sum((t - mt) ** 2 for t in ts)
    if not den:
        return None
    return round(sum((t - mt) * (v - mv) for t, v in zip(ts, vs, strict=True)) / den * 3600, 1)


def memory_summary(samples: list[dict]) -> dict:
    if not samples:
        return {}
    out = {"samples": len(samples)}
    for key in ("rss_mb", "pss_mb"):
        values = [s[key] for s in samples]
        out[key] = {
            "start": values[0],
            "max": max(values),
            "end": values[-1],
            "slope_mb_per_hour_last_two_thirds": slope_per_hour(samples, key),
        }
    return out


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process group the bench started (the tick loop and its `pfspilot tick`),
    then SIGKILL after 15 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except OSError:
        pass


def server_times(access_log: Path, skip: int = 0) -> list[dict]:
    """Per path (numbers as <n>) and status: count and gunicorn's own time p50/p95/p99 (ms),
    from the access log, after its first `skip` lines (the warm-up)."""
    times: dict[str, list[float]] = {}
    lines = access_log.read_text(encoding="utf-8", errors="replace").splitlines()[skip:]
    for line in lines:
        found = desk.ACCESS_LINE.search(line)
        if found:
            path = re.sub(r"/\d+/", "/<n>/", found["path"])
            times.setdefault(f"{found['method']} {path} {found['status']}", []).append(
                float(found["ms"])
            )
    rows = []
    for key, values in sorted(times.items()):
        values.sort()
        rows.append(
            {
                "requête": key,
                "nombre": len(values),
                **{f"p{q}_ms": load.percentile(values, q) for q in (50, 95, 99)},
            }
        )
    return rows


def options(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--managers", type=int, default=10)
    parser.add_argument("--duration", type=float, default=300, help="secondes (au plus 2400)")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="plafond total")
    parser.add_argument("--agent-think", type=float, default=10.0, help="pause d'un agent (s)")
    parser.add_argument("--manager-think", type=float, default=10.0, help="pause d'un manager (s)")
    parser.add_argument("--processes", type=int, default=2, help="processus clients")
    parser.add_argument(
        "--warmup",
        type=float,
        default=30.0,
        help="secondes de chauffe avant la mesure (pages et workers ; non comptées)",
    )
    parser.add_argument("--sample-every", type=float, default=10.0, help="mémoire : période (s)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="serveur PostgreSQL sur la boucle locale (une base neuve y est créée puis supprimée)",
    )
    parser.add_argument(
        "--no-background", action="store_true", help="sans worker ni tick pendant la mesure"
    )
    parser.add_argument("--keep", action="store_true", help="garder la base et le dossier")
    parser.add_argument("--json", help="écrit aussi le résultat en JSON dans ce fichier")
    args = parser.parse_args(argv)
    if not 0 < args.agents <= MAX_AGENTS or not 0 < args.managers <= MAX_MANAGERS:
        raise desk.UsageError(
            f"utilisateurs hors bornes : 1 à {MAX_AGENTS} agents, 1 à {MAX_MANAGERS} managers"
        )
    if not 0 < args.duration <= MAX_DURATION_S:
        raise desk.UsageError(f"--duration hors bornes : {args.duration} s (1 à {MAX_DURATION_S})")
    if args.max_requests <= 0 or args.agent_think < 0 or args.manager_think < 0:
        raise desk.UsageError("--max-requests doit être positif et les pauses ≥ 0")
    if not 0 <= args.warmup <= 120:
        raise desk.UsageError("--warmup : 0 à 120 s")
    if args.sample_every < 1:
        raise desk.UsageError("--sample-every : au moins 1 s")
    desk.postgres_admin(args.postgres)
    return args


def scenario_text(**fields) -> str:
    text = SCENARIO.read_text(encoding="utf-8")
    for key, value in fields.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def main(argv=None) -> int:
    try:
        args = options(argv)
    except desk.UsageError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    var = Path(tempfile.mkdtemp(prefix="pfspilot-bench-load-"))
    database_name = None
    server = None
    background: list[subprocess.Popen] = []
    sampler = None
    started_at = dt.datetime.now(dt.UTC)
    try:
        database_url, database_name = desk.create_database(args.postgres)
        desk.say(f"base {database_name}, dossier {var}")
        port = desk.free_port()
        documented = production_env()
        env = {
            **os.environ,
            **documented,
            "SECRET_KEY": "bench-load-production-secret-key-not-for-production-0123456789",
            "CALLER_HASH_KEY": "bench-load-production-caller-hash-key",
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "PFSPILOT_VAR_DIR": str(var),
            "PFSPILOT_STATIC_ROOT": str(var / "static"),
            "PFSPILOT_BIND": f"127.0.0.1:{port}",
            "PFSPILOT_ACCESS_LOG": str(var / "access.log"),
            "PFSPILOT_ERROR_LOG": str(var / "error.log"),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        django_env = {**env, "DJANGO_SETTINGS_MODULE": "pfspilot.settings"}
        python = sys.executable
        pfspilot = [python, "-m", "pfspilot"]
        desk.run([*pfspilot, "migrate", "--noinput"], env, "migrate")
        desk.run([*pfspilot, "collectstatic", "--noinput", "-v", "0"], env, "collectstatic")
        # `pfspilot demo` refuses production (a public password): loaded as in development.
        desk.run([*pfspilot, "demo"], {**env, "PFSPILOT_DEBUG": "1"}, "demo (année)")
        for _ in range(2):
            desk.run([*pfspilot, "tick"], env, "tick")
            desk.run([*pfspilot, "worker", "--batch"], env, "worker --batch")
        admin, psycopg = desk.postgres_admin(args.postgres)
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("ANALYZE")
        desk.say("ANALYZE fait")
        agent_sessions, manager_sessions = var / "agents.tsv", var / "managers.tsv"
        made = desk.run(
            [python, "-c", MAKE_SESSIONS, str(args.agents), str(args.managers)]
            + [str(agent_sessions), str(manager_sessions)],
            django_env,
            "comptes et sessions",
        ).split()
        desk.say(f"sessions : {made[0]} agents, {made[1]} managers")
        day = subprocess.run(
            [
                python,
                "-c",
                "import django; django.setup(); from django.utils import timezone; "
                "from pfspilot.planning import selectors; "
                "print(selectors.next_working_day(timezone.localdate()))",
            ],
            cwd=PROJECT,
            env=django_env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

        server = subprocess.Popen(
            [python, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        desk.wait_for_port(port, server)
        if not args.no_background:
            logs = var / "background.log"
            with logs.open("ab") as out:
                background.append(
                    subprocess.Popen(
                        [*pfspilot, "worker"],
                        cwd=PROJECT,
                        env=env,
                        stdout=out,
                        stderr=out,
                        start_new_session=True,
                    )
                )
                background.append(
                    subprocess.Popen(
                        ["sh", "-c", f"while :; do {python} -m pfspilot tick; sleep 60; done"],
                        cwd=PROJECT,
                        env=env,
                        stdout=out,
                        stderr=out,
                        start_new_session=True,
                    )
                )
        fields = {
            "base_url": f"http://127.0.0.1:{port}",
            "host": HOST,
            "duration": args.duration,
            "max_requests": args.max_requests,
            "processes": args.processes,
            "agents": args.agents,
            "managers": args.managers,
            "agent_sessions": agent_sessions,
            "manager_sessions": manager_sessions,
            "agent_think": args.agent_think,
            "manager_think": args.manager_think,
            "day": day,
        }
        scenario = var / "scenario.toml"
        scenario.write_text(scenario_text(**fields), encoding="utf-8")
        if args.warmup:
            # Each worker renders each page a few times first (templates, lazy imports, the
            # pool's connections), as on a server that has been up for a while: not measured.
            warm = var / "warmup.toml"
            warm.write_text(
                scenario_text(
                    **{
                        **fields,
                        "duration": args.warmup,
                        "agents": min(args.agents, 10),
                        "managers": min(args.managers, 3),
                        "agent_think": 0.5,
                        "manager_think": 0.5,
                    }
                ),
                encoding="utf-8",
            )
            desk.say(f"chauffe : {args.warmup:g} s (non mesurée)")
            load.main(["--scenario", str(warm), "--json", str(var / "warmup.json")])
        time.sleep(5)
        warm_lines = len((var / "access.log").read_bytes().splitlines())
        before = desk.machine()
        sampler = MemorySampler(server.pid, args.sample_every)
        sampler.start()
        client_json = var / "load.json"
        code = load.main(["--scenario", str(scenario), "--json", str(client_json)])
        sampler.stopped.set()
        sampler.join()
        sampler.sample()
        after = desk.machine()
        desk.stop(server)
        server = None
        for process in background:
            stop_group(process)
        background = []
        counted = json.loads(desk.run([python, "-c", COUNT_ROWS], django_env, "comptage"))
        rows = json.loads(client_json.read_text(encoding="utf-8"))["rows"]
        memory = memory_summary(sampler.samples)
        errors_logged = [
            line
            for line in (var / "error.log")
            .read_text(encoding="utf-8", errors="replace")
            .splitlines()
            if "Traceback" in line or "ERROR" in line or "CRITICAL" in line
        ]
        result = {
            "date": started_at.strftime("%Y-%m-%d %H:%M UTC"),
            "database": "postgresql",
            "agents": args.agents,
            "managers": args.managers,
            "duration_s": args.duration,
            "agent_think_s": args.agent_think,
            "manager_think_s": args.manager_think,
            "gunicorn": {
                k: documented.get(k)
                for k in ("PFSPILOT_WORKERS", "PFSPILOT_THREADS", "PFSPILOT_DB_POOL_MAX")
            },
            "background": not args.no_background,
            "machine_before": before,
            "machine_after": after,
            "client": rows,
            "server": server_times(var / "access.log", skip=warm_lines),
            "written": counted,
            "error_log_lines": errors_logged[:20],
            "memory": memory,
            "memory_samples": sampler.samples,
        }
        print("\nTemps vus par gunicorn (journal d'accès, ms) :")
        for row in result["server"]:
            print(
                f"  {row['requête']} : {row['nombre']} ; p50 {row['p50_ms']:g} ; "
                f"p95 {row['p95_ms']:g} ; p99 {row['p99_ms']:g}"
            )
        print(f"Écrit en base : {counted['fiches']} fiches ouvertes, {counted['closes']} closes")
        for key, label in (("rss_mb", "RSS"), ("pss_mb", "PSS")):
            m = memory.get(key, {})
            print(
                f"Mémoire {label} (maître + workers, Mo) : début {m.get('start')}, max {m.get('max')}, "
                f"fin {m.get('end')}, pente sur les 2/3 finaux {m.get('slope_mb_per_hour_last_two_thirds')} Mo/h"
            )
        print(f"Charge moyenne : {before['load_average']} avant, {after['load_average']} après")
        if errors_logged:
            print(f"Journal d'erreurs de gunicorn : {len(errors_logged)} ligne(s)")
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(
                json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
            )
        return 1 if code else 0
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    finally:
        if sampler is not None:
            sampler.stopped.set()
        if server is not None:
            desk.stop(server)
        for process in background:
            stop_group(process)
        if args.keep:
            desk.say(f"conservés : {var}, base {database_name}")
        else:
            if database_name:
                desk.drop_database(args.postgres, database_name)
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

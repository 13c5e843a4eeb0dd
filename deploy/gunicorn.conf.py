"""gunicorn configuration of PFS Pilot in production (`make serve`; issue 12 §6).

Every value comes from the environment, with defaults for one machine behind a reverse proxy:
  PFSPILOT_BIND      address:port to listen on (default 127.0.0.1:8000: only the proxy reaches it)
  PFSPILOT_WORKERS   processes (default 2 × cores + 1)
  PFSPILOT_THREADS   threads per process (default 4; > 1 selects the gthread worker)
  PFSPILOT_TIMEOUT   seconds before a silent worker is killed and replaced (default 60)
  PFSPILOT_FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (default 127.0.0.1)
  PFSPILOT_PRELOAD   1 (default): the application is loaded once by the master process before it
                     listens, and every worker (recycled ones too) forks ready to answer; 0: each
                     worker imports it as it boots (a code change then reloads on SIGHUP)
The access log never carries query strings: searches and filters may hold personal data
(a caller number, a claimant's name), so only the path is written.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise SystemExit(f"{name} doit être un entier (reçu : {value!r})") from exc


wsgi_app = "pfspilot.wsgi:application"
# Importing the application takes seconds (SciPy, Polars, OR-Tools behind the planning views).
# Loaded in each worker, it kept the first callers after a start, and after every recycling of a
# worker (max_requests below), waiting: the desk's API benchmark saw 22 s at start-up under load.
# Preloaded, the port opens only once it is loaded, and workers fork ready (pages shared too).
# Nothing opens a database connection at import time, so no connection crosses the fork.
preload_app = os.environ.get("PFSPILOT_PRELOAD", "1") != "0"
bind = [os.environ.get("PFSPILOT_BIND", "127.0.0.1:8000")]
workers = _int("PFSPILOT_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("PFSPILOT_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("PFSPILOT_TIMEOUT", 60)
graceful_timeout = _int("PFSPILOT_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = _int("PFSPILOT_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("PFSPILOT_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("PFSPILOT_ACCESS_LOG", "-")
errorlog = os.environ.get("PFSPILOT_ERROR_LOG", "-")
loglevel = os.environ.get("PFSPILOT_LOG_LEVEL", "info").lower()
# %(U)s is the path without its query string (%(r)s would log the whole request line);
# %(M)s is the response time in milliseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# gunicorn's control socket defaults to one path in $HOME, shared by every server of the account
# (tests and benchmarks start several side by side); systemd and signals manage the processes.
# PFSPILOT_CONTROL_SOCKET names a private path to turn it on (`gunicornc`).
if os.environ.get("PFSPILOT_CONTROL_SOCKET"):
    control_socket = os.environ["PFSPILOT_CONTROL_SOCKET"]
else:
    control_socket_disable = True

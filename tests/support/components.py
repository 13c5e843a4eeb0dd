"""What to do when a real component is missing, and small process helpers shared by the fixtures.

Locally a missing component (Debian's chromium, Dovecot) skips its tests with the reason; in CI
(`CI=true`, set by the CI runner) it fails them, so that CI can never pass without running them.
"""

import os
import socket
import subprocess
import time

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(reason: str):
    """Skip (locally) or fail (CI) the test that needs a component which is not there."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true : composant obligatoire, lancez `bash .ci/run`)")
    pytest.skip(f"{reason} ; `make test-deps` (root) l'installe")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on the loopback right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(host: str, port: int, process: subprocess.Popen, log_path=None, timeout=30.0):
    """Block until `host:port` accepts connections; fail with the process's log if it died.

    A readiness wait, not a timed assertion: `timeout` only bounds a server that never starts.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    log = ""
    if log_path and os.path.exists(log_path):
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            log = handle.read()[-4000:]
    stop(process)
    pytest.fail(f"le serveur n'écoute pas sur {host}:{port} (code {process.returncode}) :\n{log}")


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate a child process (SIGTERM, then SIGKILL) and reap it: nothing is left running."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

"""The production set-up answers: gunicorn with deploy/gunicorn.conf.py, PFSPILOT_DEBUG=0, a
migrated SQLite file, static files collected and served by whitenoise (issue 12 §6)."""

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.components import free_port, stop, wait_for_port

pytestmark = pytest.mark.server

PROJECT = Path(settings.PROJECT_DIR)


def get(url: str, host: str | None = None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn on a free loopback port with production settings; stopped at the end."""
    var = tmp_path_factory.mktemp("production")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{var / 'pfspilot.sqlite3'}",
        "PFSPILOT_VAR_DIR": str(var),
        "PFSPILOT_DEBUG": "0",
        "SECRET_KEY": "test-production-secret-key-not-a-default-0123456789",
        "CALLER_HASH_KEY": "test-production-caller-hash-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PFSPILOT_BIND": f"127.0.0.1:{port}",
        "PFSPILOT_WORKERS": "1",
        "PFSPILOT_THREADS": "2",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the command presets it, as in production
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = subprocess.run(
            [sys.executable, "-m", "pfspilot", *command],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    log = var / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port("127.0.0.1", port, process, log_path=log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop(process)


def test_the_login_page_answers_with_its_static_files(production_server):
    base, _ = production_server
    status, _, body = get(base + "/connexion/")
    page = body.decode()
    assert status == 200
    assert "Mot de passe" in page
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    stylesheet = next(url for url in assets if url.endswith(".css"))
    # Collected under a content-hashed name: cached for good by browsers and proxies.
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
    status, headers, css = get(base + stylesheet)
    assert status == 200 and css
    assert headers["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in headers["Cache-Control"]
    for script in (url for url in assets if url.endswith(".js")):
        assert get(base + script)[0] == 200


def test_pages_need_login_and_unknown_hosts_are_refused(production_server):
    base, _ = production_server
    request = urllib.request.Request(base + "/guide/")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=30)
    assert redirect.value.code == 302
    assert redirect.value.headers["Location"].startswith("/connexion/")
    assert get(base + "/connexion/", host="pfs.example.org")[0] == 400  # ALLOWED_HOSTS


def test_the_access_log_keeps_paths_without_query_strings(production_server):
    base, log = production_server
    assert get(base + "/connexion/?next=/guide/%3Fq%3D0612345678")[0] == 200
    written = log.read_text(encoding="utf-8")
    assert '"GET /connexion/ HTTP/1.1" 200' in written
    assert "0612345678" not in written


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

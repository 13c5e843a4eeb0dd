"""The WSGI application imports every view when it loads, not on its first request."""

import os
import subprocess
import sys

from django.conf import settings

CHECK = (
    "import sys, pfspilot.wsgi; "
    "print(all(m in sys.modules for m in ('pfspilot.api.views', 'pfspilot.desk.views_desk', "
    "'pfspilot.planning.views')))"
)


def test_loading_the_application_imports_the_views_before_any_request():
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=settings.PROJECT_DIR,
        env={**os.environ, "PYTHONPATH": str(settings.PROJECT_DIR)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"


def _gunicorn_conf(**env) -> dict:
    path = settings.PROJECT_DIR / "deploy" / "gunicorn.conf.py"
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        namespace: dict = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
        return namespace
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_gunicorn_loads_the_application_before_forking_its_workers():
    assert _gunicorn_conf()["preload_app"] is True
    assert _gunicorn_conf(PFSPILOT_PRELOAD="0")["preload_app"] is False

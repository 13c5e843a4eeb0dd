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

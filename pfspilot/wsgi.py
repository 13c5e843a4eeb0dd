"""WSGI entry point (gunicorn: `deploy/gunicorn.conf.py`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pfspilot.settings")
application = get_wsgi_application()

# Import every view (and what they import: Polars, SciPy, OR-Tools…) while the worker boots,
# not on its first request: a freshly started or recycled gunicorn worker (max_requests) would
# otherwise keep its first callers waiting several seconds (the desk's API benchmark saw 4.7 s).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 (the import is the point)

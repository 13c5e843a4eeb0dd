"""Settings, all from environment variables with safe defaults (SQLite, French, Paris)."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from pfspilot.engine.records import TIMEZONE

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("PFSPILOT_VAR_DIR", PROJECT_DIR / "var"))

DEBUG = os.environ.get("PFSPILOT_DEBUG", "1") == "1"
# Production mode as configured (the test runner forces DEBUG to False, not this).
PRODUCTION = not DEBUG
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
DEV_CALLER_HASH_KEY = "dev-only-caller-hash-key"
MIN_KEY_LENGTH = 16


def _check_production_key(name: str, value: str, default: str) -> None:
    """A production key is neither a published default, nor the example's placeholder, nor short
    enough to be guessed."""
    if value in (default, "CHANGEME") or len(value) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{name} invalide en production : ni la clé de développement, ni CHANGEME, au moins "
            f"{MIN_KEY_LENGTH} caractères aléatoires (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')."
        )


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY est obligatoire en production (PFSPILOT_DEBUG=0).")
    SECRET_KEY = DEV_SECRET_KEY
elif not DEBUG:
    _check_production_key("SECRET_KEY", SECRET_KEY, DEV_SECRET_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_tasks",
    "pfspilot.background.apps.BackgroundTasksConfig",  # django_tasks_db, labelled in French
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "pfspilot.people",
    "pfspilot.workitems",
    "pfspilot.lists",
    "pfspilot.reference",
    "pfspilot.desk",
    "pfspilot.contacts",
    "pfspilot.indicators",
    "pfspilot.planning",
    "pfspilot.supervision",
    "pfspilot.mailbox",
    "pfspilot.api",
    "pfspilot.emaildesk",
    "pfspilot.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pfspilot.people.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pfspilot.people.middleware.IdleSessionMiddleware",
    # Every page requires login unless explicitly marked otherwise (the login page itself).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pfspilot.people.middleware.EndedAccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login refused for too many failures into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pfspilot.urls"
WSGI_APPLICATION = "pfspilot.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pfspilot.people.access.navigation",
                "pfspilot.desk.context.urgencies_alert",
                "pfspilot.supervision.context.reminders_alert",
            ],
            # French figures everywhere (`{{ value|fr:"rate" }}`) without a `{% load %}`.
            "builtins": ["pfspilot.templatetags.french"],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'pfspilot.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_sqlite, conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's connection pool (Django ≥ 5.1) when PFSPILOT_DB_POOL_MAX > 0: each gunicorn
    # process holds at most PFSPILOT_DB_POOL_MAX connections and its threads wait their turn
    # (PFSPILOT_DB_POOL_TIMEOUT s) instead of opening one each; workers × max stays below
    # PostgreSQL's max_connections (docs/deploy.md). 0 (the default, and the test suite's
    # setting) keeps one persistent connection per thread.
    _pool_max = int(os.environ.get("PFSPILOT_DB_POOL_MAX", "0") or 0)
    if _pool_max > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections, not Django
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, _pool_max),
            "max_size": _pool_max,
            "timeout": float(os.environ.get("PFSPILOT_DB_POOL_TIMEOUT", "10")),
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the import worker writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
# django-axes first: it refuses a login locked out for too many failures before the password is
# even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "pfspilot.people.backends.AccountBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A password fit for an administration: 12 characters at least, not close to the account's
# name, not a common password, not digits only (checked by every form and `changepassword`).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures, the pair (account, address)
# is locked for PFSPILOT_LOCKOUT_MINUTES. The pair, not the address alone: the agents of a CAF
# share one NAT address, and one agent's typing errors must not lock out the whole platform;
# nor the account alone: anyone could lock out a colleague from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("PFSPILOT_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("PFSPILOT_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pfspilot.people.security.lockout_response"  # French page, 429
# The client's address: REMOTE_ADDR, or behind the reverse proxy (PFSPILOT_TRUSTED_PROXIES) the
# address the proxy appended to X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "pfspilot.people.security.client_ip"
TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("PFSPILOT_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p
]
# No personal data in logs: no log line per login, no account name or address in the warnings.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = TIMEZONE  # the platform's clock, defined once (engine/records.py)
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `collectstatic` (make serve) gathers the assets here; whitenoise serves them from gunicorn.
STATIC_ROOT = Path(os.environ.get("PFSPILOT_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development assets are served straight from the apps, without a collectstatic step; in
# production from STATIC_ROOT, compressed, with content-hashed names cached for a year.
WHITENOISE_USE_FINDERS = DEBUG
if not DEBUG:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "pfspilot.static_storage.StaticStorage"},
    }

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
# Sessions end with the browser, and after PFSPILOT_SESSION_IDLE_MINUTES without activity
# (IdleSessionMiddleware pushes the expiry back at most once a minute; htmx polling is not
# activity).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * int(os.environ.get("PFSPILOT_SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_SAMESITE = "Lax"

# Behind the TLS reverse proxy (docs/deploy.md): every value from the environment.
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if os.environ.get("PFSPILOT_PROXY_SSL_HEADER", "0") == "1":
    # Only when the proxy sets X-Forwarded-Proto itself (and strips the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off unless set: gunicorn also answers plain HTTP on loopback (tests, benchmarks, health
# checks); deploy/pfspilot.env turns them on and `pfspilot check --deploy` warns when they are off.
SECURE_SSL_REDIRECT = os.environ.get("PFSPILOT_SSL_REDIRECT", "0") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("PFSPILOT_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("PFSPILOT_HSTS_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("PFSPILOT_HSTS_PRELOAD", "0") == "1"
# Submitting the domain to the browsers' preload list binds every subdomain of the organisation
# for good: a decision of its IT department, not of this application (docs/deploy.md).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The health page answers the proxy or the monitor over plain HTTP on loopback.
SECURE_REDIRECT_EXEMPT = [r"^sante/"]

# Content-Security-Policy (django-csp): scripts from the site only, never inline (charts read
# their figures from JSON blocks); inline style attributes remain (the day plan's timeline
# positions its segments with them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (PermissionsPolicyMiddleware): no page uses these browser features.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_UPLOAD_DIR = VAR_DIR / "uploads"
IMPORT_MAX_BYTES = int(os.environ.get("PFSPILOT_IMPORT_MAX_BYTES", 1024**3))
# Key of the HMAC that turns caller identifiers into comparable fingerprints (never stored raw).
# The development key is public: fingerprints made with it could be reversed by trying numbers.
CALLER_HASH_KEY = os.environ.get("CALLER_HASH_KEY", "")
if not CALLER_HASH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CALLER_HASH_KEY est obligatoire en production (PFSPILOT_DEBUG=0) : sans elle, "
            "les empreintes des appelants reposeraient sur une clé publique."
        )
    CALLER_HASH_KEY = DEV_CALLER_HASH_KEY
elif not DEBUG:
    _check_production_key("CALLER_HASH_KEY", CALLER_HASH_KEY, DEV_CALLER_HASH_KEY)

# Incoming email (pfspilot/mailbox): files under MAIL_DIR, never served inline.
MAIL_DIR = Path(os.environ.get("PFSPILOT_MAIL_DIR", VAR_DIR / "mail"))
# An attachment over this size, or of a type not listed, is kept aside (file kept, not offered
# for download, the reason shown); the email itself is accepted.
MAIL_ATTACHMENT_MAX_BYTES = int(os.environ.get("PFSPILOT_MAIL_ATTACHMENT_MAX_BYTES", 10 * 1024**2))
MAIL_ATTACHMENT_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/heic",
    "image/tiff",
    "text/plain",
    "text/csv",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "message/rfc822",
)
# A message larger than this is not parsed: quarantined whole (raw kept) with the reason.
MAIL_MESSAGE_MAX_BYTES = int(os.environ.get("PFSPILOT_MAIL_MESSAGE_MAX_BYTES", 50 * 1024**2))
# TLS: the system's authorities, or this file (a private CA, the tests' self-signed server).
MAIL_IMAP_CAFILE = os.environ.get("PFSPILOT_MAIL_CAFILE") or None
MAIL_IMAP_TIMEOUT = float(os.environ.get("PFSPILOT_MAIL_TIMEOUT", 30))
# After a failed poll the next one waits BASE, then twice as long each time, up to CAP seconds.
MAIL_BACKOFF_BASE_S = 60
MAIL_BACKOFF_CAP_S = 3600

TASKS = {
    "default": {
        "BACKEND": os.environ.get("PFSPILOT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}

# Shared material (real datasets) lives beside the project; tests skip when it is absent.
SHARED_DIR = Path(os.environ.get("PFSPILOT_SHARED_DIR", PROJECT_DIR.parent / "shared"))

# No personal data in logs: requests are not logged with bodies, only errors with paths.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PFSPILOT_LOG_LEVEL", "WARNING")},
}

# The HTTP API (pfspilot/api): token or session login, JSON errors in French, OpenAPI 3 schema.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pfspilot.api.auth.AccountTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pfspilot.api.errors.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PFS Pilot — API",
    "DESCRIPTION": (
        "API du poste des téléconseillers pour la téléphonie et l'automatisation. "
        "Authentification : en-tête « Authorization: Token CLÉ » (pfspilot token create "
        'IDENTIFIANT) ou session. Erreurs : JSON {"detail": message en français}.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Answers of the email desk go out by SMTP (issue 10 §4); the server comes from the environment.
EMAIL_BACKEND = os.environ.get(
    "PFSPILOT_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("PFSPILOT_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("PFSPILOT_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PFSPILOT_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PFSPILOT_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("PFSPILOT_SMTP_STARTTLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("PFSPILOT_SMTP_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("PFSPILOT_SMTP_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("PFSPILOT_SMTP_FROM", "Caf du Nord <ne-pas-repondre@localhost>")
PFSPILOT_MAIL_DOMAIN = os.environ.get("PFSPILOT_MAIL_DOMAIN", "pfspilot.localhost")

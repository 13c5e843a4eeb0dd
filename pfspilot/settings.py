"""Settings, all from environment variables with safe defaults (SQLite, French, Paris)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from pfspilot.engine.records import TIMEZONE

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("PFSPILOT_VAR_DIR", PROJECT_DIR / "var"))

DEBUG = os.environ.get("PFSPILOT_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY est obligatoire en production (PFSPILOT_DEBUG=0).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page requires login unless explicitly marked otherwise (the login page itself).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pfspilot.people.middleware.EndedAccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
AUTHENTICATION_BACKENDS = ["pfspilot.people.backends.AccountBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

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
    CALLER_HASH_KEY = "dev-only-caller-hash-key"

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

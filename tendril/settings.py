"""Django settings for Tendril, read from the environment (see README, "Configuration").

Every value comes through ``tendril.core.config`` so that a malformed variable stops start-up with
one clear line. The same settings serve the web process, the workers and the CLI.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url

from tendril.core.config import ConfigError, env_bool, env_int, env_str, env_url, secret_key
from tendril.core.files import private_dir, private_touch

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("TENDRIL_VAR_DIR", "var")).resolve()

SECRET_KEY = secret_key(VAR_DIR)
DEBUG = env_bool("TENDRIL_DEBUG", False)

BASE_URL = env_url("TENDRIL_BASE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip(
    "/"
)
_base_host = urlsplit(BASE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = sorted(
    {_base_host, "127.0.0.1", "localhost", "testserver"}
    | {h.strip() for h in env_str("TENDRIL_ALLOWED_HOSTS").split(",") if h.strip()}
)
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("https://") else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "tendril.core",
    "tendril.accounts",
    "tendril.notifications",
    "tendril.contacts",
    "tendril.system",
    "tendril.scoring",
    "tendril.tracking",
    "tendril.segments",
    "tendril.lifecycle",
    "tendril.alerts",
    "tendril.personas",
    "tendril.web",
    "tendril.preferences",
    "tendril.personalisation",
    "tendril.messaging",
    "tendril.ui",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tendril.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the user's own language and time zone win over the browser's.
    "tendril.accounts.middleware.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tendril.core.middleware.RequestTooBigMiddleware",
    "tendril.core.middleware.MultipartBoundaryMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tendril.urls"
WSGI_APPLICATION = "tendril.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tendril.ui.context_processors.navigation",
                "tendril.notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_db = f"sqlite:///{VAR_DIR / 'tendril.sqlite3'}"
_db_url = env_url("DATABASE_URL", _default_db, schemes=("sqlite", "postgres", "postgresql"))
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=60, conn_health_checks=True)
except ValueError as exc:  # pragma: no cover - dj_database_url already checked the scheme
    raise ConfigError(f"DATABASE_URL is malformed: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets readers work while the worker writes; IMMEDIATE takes the write lock up front
        # so two threads never deadlock upgrading a read lock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # The test database is a file too, never Django's shared-cache in-memory default: there a
    # background job that meets a page's read gets "database table is locked" at once, where a
    # real file waits its turn (WAL, timeout). One per test process, removed when it ends.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    if _db["NAME"] and _db["NAME"] != ":memory:":
        # Created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the same
        # mode): the database holds every contact's personal data.
        private_dir(Path(_db["NAME"]).parent)
        private_touch(Path(_db["NAME"]))
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _db["ENGINE"].endswith("postgresql")

# --- Background work ------------------------------------------------------------------------
BROKER_URL = env_url("BROKER_URL", "", schemes=("redis", "rediss", "amqp", "pyamqp"))
# /healthz says "lagging" when an event consumer's oldest unread event waited longer than this.
HEALTH_MAX_LAG_SECONDS = env_int("TENDRIL_HEALTH_MAX_LAG_SECONDS", 300, minimum=1)
# Reverse proxies in front of Tendril that append the client's address to X-Forwarded-For: the
# visitor's IP (internal traffic, company from IP) is the entry that many places from the right.
TRUSTED_PROXY_HOPS = env_int("TENDRIL_TRUSTED_PROXY_HOPS", 0)
# A CSV file of "network,company domain or name" rows: visits from those networks are the
# company's (tendril.tracking.organisations), after the networks entered on company pages.
IP_ORGANISATIONS_FILE = env_str("TENDRIL_IP_ORGANISATIONS_FILE")

# --- Cache -----------------------------------------------------------------------------------
# What tells a person from a robot or a flood (hits and form posts per minute) and the ids of
# hits already stored (replays): in each process's memory, unless every process shares a Redis.
_cache_url = env_url("TENDRIL_CACHE_URL", "", schemes=("redis", "rediss"))
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "tendril",
        }
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Email ----------------------------------------------------------------------------------
_email_url = env_url(
    "EMAIL_URL", "console://", schemes=("smtp", "smtps", "smtp+tls", "console", "file")
)
_email = urlsplit(_email_url)
if _email.scheme == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email.scheme == "file":
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _email.path or str(VAR_DIR / "mail")
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
DEFAULT_FROM_EMAIL = env_str("TENDRIL_FROM_EMAIL", f"Tendril <no-reply@{_base_host}>")

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "ui:login"
LOGIN_REDIRECT_URL = "contacts:dashboard"
LOGOUT_REDIRECT_URL = "ui:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
# Sign-in throttling (django-axes): 5 wrong passwords for one account from one address lock that
# pair out; LOGIN_FAILURES_PER_IP from one address, whatever the accounts, lock the address.
# Each lock lasts 15 minutes; a successful sign-in clears its account's count. Only the sign-in
# form goes through it: API keys are checked without Django's authenticate().
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "tendril.accounts.throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURES_PER_IP = 30
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "tendril.accounts.throttle.login_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # the audit log records sign-ins worth keeping
# A refused form gets a page in the reader's language instead of Django's technical one.
CSRF_FAILURE_VIEW = "tendril.ui.views.csrf_failure"
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Requests -------------------------------------------------------------------------------
# A batch of 1,000 events fits well inside 5 MB; bigger bodies get a 413, not a 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TENDRIL_MAX_BODY_BYTES", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MAX_IMPORT_BYTES = env_int("TENDRIL_MAX_IMPORT_BYTES", 512 * 1024 * 1024, minimum=1024)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("vi", "Tiếng Việt"), ("th", "ภาษาไทย")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tendril.formats"]
USE_I18N = True
TIME_ZONE = env_str("TENDRIL_TIME_ZONE", "UTC")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Browser security -----------------------------------------------------------------------
# Every HTML page (tendril.core.middleware): scripts and styles from our own static files only,
# no inline code; images may be data: URIs (icons in the CSS); no framing, no foreign forms.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TENDRIL_LOG_LEVEL", "INFO").upper()},
    # axes logs its start-up banner at INFO in every command; its failures are WARNING.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Celery (only used when BROKER_URL is set) ----------------------------------------------
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = BROKER_URL if BROKER_URL.startswith(("redis://", "rediss://")) else "rpc://"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

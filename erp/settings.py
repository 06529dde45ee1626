"""Settings, all from the environment, with production-safe defaults.

With `DEBUG` unset the project runs as in production: a `SECRET_KEY` must be given, cookies
are secure and HTTP is redirected to HTTPS (`STOCKLINE_HTTPS=false` turns the HTTPS parts off
for a plain-HTTP demo on localhost).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from erp.pooler import TRANSACTION, for_transaction_pooler, pool_mode

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
# Under pytest the test settings apply even when the variable was not exported.
TESTING = env_bool("STOCKLINE_TESTING", "pytest" in sys.modules)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-0123456789abcdef"
# Left empty otherwise: management commands that sign nothing (check, makemigrations,
# migrate) still run, Django refuses any use of the empty key, and erp.wsgi will not serve.

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Settings only read the environment: the commands that need servers (manage.py, make demo,
# make test, pytest through erp.pytest_servers) start or attach to the embedded ones first
# and export their URLs (DESIGN.md, "Running it"). Anything else (a bare `celery -A erp`)
# takes them from `eval "$(python -m erp.embedded env)"`.
for _name in ("DATABASE_URL", "REDIS_URL"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(
            f"{_name} is not set. Run through manage.py or make, or export the embedded "
            'servers\' URLs first: eval "$(python -m erp.embedded env)".'
        )

DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Django's own queries use client-side binding and are never prepared; the ledger's posting
# statement asks for preparation explicitly, which psycopg only honours when a threshold is
# set (None disables prepared statements altogether). The huge value means "only on request".
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1_000_000
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}

# A streaming replica for reads that may be seconds stale (reports, exports: erp/replica.py).
# Unset, there is no `replica` alias and every read stays on the primary. Tests leave it out
# and start a replica of the test database themselves (tests/faults/test_replica.py).
DATABASE_REPLICA_URL = "" if TESTING else os.environ.get("DATABASE_REPLICA_URL", "")
# Further behind than this (or down), reports read the primary and say so.
try:
    DATABASE_REPLICA_MAX_LAG_SECONDS = float(
        os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "30")
    )
except ValueError:
    raise ImproperlyConfigured(
        "DATABASE_REPLICA_MAX_LAG_SECONDS must be a number of seconds"
    ) from None
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    _replica_options = DATABASES["replica"].setdefault("OPTIONS", {})
    _replica_options["prepare_threshold"] = 1_000_000
    # A replica that is gone must cost a report seconds, not the kernel's minutes.
    _replica_options.setdefault("connect_timeout", 3)
    # Never created or flushed by the test runner: it is the primary's copy.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["erp.replica.PrimaryRouter"]
# Behind PgBouncer in transaction mode (erp/pooler.py, README "Databases and settings"): no
# prepared statements or server-side cursors, and session-level work on a direct connection.
DATABASE_POOL_MODE = pool_mode(os.environ.get("DATABASE_POOL_MODE", ""))
DATABASE_DIRECT = None
if DATABASE_POOL_MODE == TRANSACTION:
    for_transaction_pooler(DATABASES["default"])
    if not os.environ.get("DATABASE_DIRECT_URL"):
        raise ImproperlyConfigured(
            "DATABASE_POOL_MODE=transaction needs DATABASE_DIRECT_URL: the URL of the same "
            "database straight to PostgreSQL, for the locks that must live in a session."
        )
    DATABASE_DIRECT = dj_database_url.parse(os.environ["DATABASE_DIRECT_URL"])
REDIS_URL = os.environ["REDIS_URL"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "ninja",  # its Swagger UI files, served as static files (no CDN)
    "simple_history",
    "erp",
    "inventory",
    "purchasing",
    "orders",
    "warehouse",
    "returns",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An API token becomes its member before TenantMiddleware opens the request transaction.
    "erp.api.middleware.ApiTokenMiddleware",
    "erp.middleware.TenantMiddleware",
    "inventory.middleware.SiteMiddleware",
    "erp.formats.TenantFormatsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Inside the request transaction, so a key is claimed with the work it stands for.
    "erp.api.idempotency.ApiIdempotencyMiddleware",
    # Last, so it is asked first about a view's exception: a table's ExportRequested becomes
    # the file (or the background-export page) inside the request's tenant transaction.
    "erp.exports.middleware.ExportMiddleware",
]
API_PREFIX = "/api/v1/"

ROOT_URLCONF = "erp.urls"
WSGI_APPLICATION = "erp.wsgi.application"
AUTH_USER_MODEL = "erp.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "erp.context_processors.shell",
                "inventory.context_processors.site_switch",
            ],
            # Every page formats numbers and dates with these, every {% csrf_token %} finds
            # its token and every form may carry {% idempotency_key %}, with no {% load %}.
            "builtins": [
                "erp.templatetags.csrf_everywhere",
                "erp.templatetags.form_keys",
                "erp.templatetags.numbers",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (erp/throttle.py): this many failures for one account from one address
# lock that pair for the window; x 4 from one address (or against one account) slow it to one
# attempt per LOGIN_SLOW_SECONDS.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
LOGIN_SLOW_SECONDS = int(os.environ.get("LOGIN_SLOW_SECONDS", "10"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Background exports' files (erp.exports): a folder both the web and the worker reach; another
# storage backend (S3 and the like) can stand here.
STORAGES["exports"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": os.environ.get("STOCKLINE_EXPORT_ROOT", str(BASE_DIR / ".data" / "exports"))
    },
}
# Exports of more rows than this run as a background job; fewer stream while the user waits.
STOCKLINE_EXPORT_INLINE_ROWS = int(os.environ.get("STOCKLINE_EXPORT_INLINE_ROWS", "50000"))
STOCKLINE_EXPORT_KEEP_HOURS = int(os.environ.get("STOCKLINE_EXPORT_KEEP_HOURS", "24"))
# A background export replays its page's request in the worker: through these middleware
# (those after the tenant's that pages read from), with these session values of the page's.
STOCKLINE_EXPORT_REPLAY_MIDDLEWARE = [
    "inventory.middleware.SiteMiddleware",
    "erp.formats.TenantFormatsMiddleware",
]
STOCKLINE_EXPORT_SESSION_KEYS = ["current_site"]

# Audit reports built in the background (reporting): a folder both the web and the worker
# reach; another storage backend (S3 and the like) can stand here.
STORAGES["reports"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": os.environ.get("STOCKLINE_REPORT_ROOT", str(BASE_DIR / ".data" / "reports"))
    },
}
# Audit PDFs of more rows than this are built by a Celery task; fewer while the user waits.
STOCKLINE_AUDIT_PDF_INLINE_ROWS = int(os.environ.get("STOCKLINE_AUDIT_PDF_INLINE_ROWS", "5000"))
# Serve straight from the apps' static folders when nothing was collected (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "stockline"),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Security: secure by default, relaxed only where HTTPS is explicitly off.
HTTPS = env_bool("STOCKLINE_HTTPS", not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind the documented TLS proxy, which sets X-Forwarded-Proto and appends the client's
# address to X-Forwarded-For; both headers are trusted only then.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# E-mail: console in demo and development, SMTP when EMAIL_HOST is given.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")  # links in e-mails
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Stockline <stockline@localhost>")

# Webhooks may call loopback and private addresses only in development and tests; in
# production a receiver URL resolving to one is refused at delivery (erp.webhooks.delivery).
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", DEBUG or TESTING)

# Celery
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
# Nothing reads task results; storing them would only make publishing wait on Redis.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "stockline")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "erp.tasks.heartbeat_task", "schedule": 30.0},
    "sweep-outbox": {"task": "erp.tasks.sweep_outbox_task", "schedule": 30.0},
    "forget-idempotent-requests": {
        "task": "erp.tasks.forget_idempotent_requests_task",
        "schedule": crontab(hour=3, minute=10),
    },
    "forget-old-webhooks": {
        "task": "erp.webhooks.tasks.forget_old_webhooks_task",
        "schedule": crontab(hour=3, minute=40),
    },
    "forget-sign-in-failures": {
        "task": "erp.tasks.forget_sign_in_failures_task",
        "schedule": crontab(minute=17),
    },
    # From each tenant's checkpoint Monday to Saturday; on Sundays from the first entry, which
    # also finds an entry changed below the checkpoint.
    "verify-ledger-nightly": {
        "task": "inventory.tasks.verify_ledger_all_task",
        "schedule": crontab(hour=2, minute=30, day_of_week="1-6"),
    },
    "verify-ledger-weekly-full": {
        "task": "inventory.tasks.verify_ledger_all_task",
        "schedule": crontab(hour=2, minute=30, day_of_week="0"),
        "kwargs": {"full": True},
    },
    # Valuation snapshots of the months and closes of the days just finished (a site's month or
    # day closes two hours after it ends in the site's time zone, so hourly runs follow every
    # zone).
    "close-valuation-periods": {
        "task": "inventory.tasks.close_valuation_periods_all_task",
        "schedule": crontab(minute=25),
    },
    # ABC/XYZ segments for counting and planning, as of each tenant's date.
    # KPI snapshots of each tenant's yesterday, in the first run after its midnight.
    "kpi-snapshots": {
        "task": "reporting.tasks.write_kpi_snapshots_all_task",
        "schedule": crontab(minute=35),
    },
    "segment-items-nightly": {
        "task": "inventory.tasks.compute_segments_all_task",
        "schedule": crontab(hour=3, minute=40),
    },
    # Cycle counts by ABC class, after the night's segments.
    "plan-counts-nightly": {
        "task": "warehouse.tasks.plan_counts_all_task",
        "schedule": crontab(hour=4, minute=20),
    },
    # Reorder suggestions from the night's segments and the day's shipments.
    "plan-reorders-nightly": {
        "task": "purchasing.tasks.run_planning_all_task",
        "schedule": crontab(hour=4, minute=50),
    },
    # Pick faces at or below their min get replenishment tasks from reserve.
    "replenish-pick-faces": {"task": "warehouse.tasks.replenish_all_task", "schedule": 300.0},
    # Pick faces an inventory adjustment or move left at zero or negative get a count (warehouse
    # flows open theirs as they post; inventory cannot call warehouse code).
    "count-pick-faces": {"task": "warehouse.tasks.count_pick_faces_all_task", "schedule": 300.0},
    # Exception alerts: each app's rules, per tenant, while the problem can still be fixed.
    "alert-rules": {"task": "erp.alerts.tasks.run_alert_rules_all_task", "schedule": 180.0},
    # Webhook retries that are due, deliveries whose worker died, events never fanned out.
    "sweep-webhooks": {"task": "erp.webhooks.tasks.sweep_webhooks_task", "schedule": 30.0},
    # Background exports and their files past STOCKLINE_EXPORT_KEEP_HOURS.
    "expire-exports": {
        "task": "erp.exports.tasks.expire_exports_task",
        "schedule": crontab(minute=5),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Upload limits: CSV imports are read in memory; 25 MB holds well over 100,000 bin rows.
DATA_UPLOAD_MAX_MEMORY_SIZE = 26_214_400
FILE_UPLOAD_MAX_MEMORY_SIZE = 26_214_400
IMPORT_MAX_BYTES = 25 * 1024 * 1024

if TESTING:
    # Hashing strength is not under test; PBKDF2 would make every test user cost 0.3 s.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""Mailbox settings: one module, every value from the environment (see .env.example).

Malformed or missing required values are collected by ``mailbox_project.env`` and reported by
the system check ``mailbox.E001`` (and by ``checks.fail_fast`` in wsgi/asgi/celery), naming the
variable, so a misconfigured process stops at boot.
"""

from __future__ import annotations

import ipaddress
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF

from mailbox_project import env

# Lets typed generics such as ModelAdmin[Message] work at run time, not only under mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core --------------------------------------------------------------------------------------

DEBUG = env.boolean("DEBUG", False)
# Only debug may run with a throwaway key; production must set SECRET_KEY (or SECRET_KEY_FILE).
SECRET_KEY = env.required(
    "SECRET_KEY", unless=DEBUG, dev_default="dev-insecure-key-only-for-debug-" + "x" * 32
)
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])
# The public origin, used for absolute links (push webhook, OAuth redirect) and the demo banner.
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "mailbox_project.apps.MongoAdminConfig",
    "mailbox_project.apps.MongoAuthConfig",
    "mailbox_project.apps.MongoContentTypesConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "mailbox_project.apps.MongoSocialAuthConfig",
    "mailbox_project.apps.MongoAxesConfig",
    "django_mongodb_backend",
    "mailbox_project.apps.MailboxProjectConfig",
    "accounts",
    "mails",
    "analysis",
    "tracker",
    "ops",
    "oauth_server",
    "mcp_server",
    "privacy",
]

MIDDLEWARE = [
    # First: times the whole request, every other middleware included (mailbox_project/metrics.py).
    "ops.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost but security: every error under /api/ leaves as JSON, whoever raised it.
    "mailbox_project.api_errors.ApiJsonErrors",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "mailbox_project.headers.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Dates on every page in the person's own zone (User.time_zone).
    "accounts.time_zone_middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.LastSeenMiddleware",
    "accounts.middleware.FriendlySocialAuthErrors",
    # Last: turns a lockout flagged during authentication into the 429 lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mailbox_project.urls"
WSGI_APPLICATION = "mailbox_project.wsgi.application"
ASGI_APPLICATION = "mailbox_project.asgi.application"

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
                "mailbox_project.context_processors.site",
            ],
        },
    },
]

# --- MongoDB (django-mongodb-backend) ------------------------------------------------------------

MONGODB_URI = env.required(
    "MONGODB_URI", unless=DEBUG, dev_default="mongodb://127.0.0.1:27017/?replicaSet=rs0"
)
MONGODB_NAME = env.string("MONGODB_NAME", "mailbox")
DATABASES: dict[str, dict[str, Any]] = {
    "default": {
        "ENGINE": "django_mongodb_backend",
        "HOST": MONGODB_URI,
        "NAME": MONGODB_NAME,
        # Fail fast when MongoDB is down instead of hanging a request for 30 s.
        "OPTIONS": {"serverSelectionTimeoutMS": env.integer("MONGODB_TIMEOUT_MS", 5000)},
    },
}
DEFAULT_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"
# Contrib apps need ObjectId primary keys, so their migrations are generated into the project.
MIGRATION_MODULES = {
    "admin": "mailbox_project.mongo_migrations.admin",
    "auth": "mailbox_project.mongo_migrations.auth",
    "contenttypes": "mailbox_project.mongo_migrations.contenttypes",
    "social_django": "mailbox_project.mongo_migrations.social_django",
    "axes": "mailbox_project.mongo_migrations.axes",
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out admin login before any password is checked (see AXES_*).
    "mailbox_project.login_throttle.AdminLoginThrottle",
    "accounts.backends.GoogleOAuth2",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "/mails"

# --- Redis: cache, sessions, locks -------------------------------------------------------------

REDIS_URL = env.required("REDIS_URL", unless=DEBUG, dev_default="redis://127.0.0.1:6379/0")
CACHE_KEY_PREFIX = env.string("CACHE_KEY_PREFIX", "mailbox")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "TIMEOUT": 300,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            # Short timeouts: a dead Redis must turn into a clear error, not a hung worker.
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    },
}
# Redis is a cache here, not the system of record: with Redis down, a cache read is a miss and a
# write is dropped (logged as one warning, see mailbox_project/redis_outage.py), so pages keep
# working from MongoDB. Code that needs Redis to be right (locks, versions, the broker) uses
# the raw client, which still raises.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# /healthz shows timings and topology to staff and to `Authorization: Bearer <HEALTH_TOKEN>`
# (empty: staff only); everyone else sees ok/down per service.
HEALTH_TOKEN = env.string("HEALTH_TOKEN")

# Sessions live in MongoDB alone (one read by key per request). Not cached_db: with Redis down
# its cache calls fail, and a session deleted (signed out, rotated at sign-in) while Redis could
# not hear of it would come back from the cache once Redis returns.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=60)
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# JSON under /api/ (a cookie-authenticated write without its token), Django's page elsewhere.
CSRF_FAILURE_VIEW = "mailbox_project.api_errors.csrf_failure"

# --- HTTPS and headers (production) ------------------------------------------------------------

SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", not DEBUG)
# Health checks (the orchestrator) and metric scrapes (Prometheus) come over plain HTTP inside
# the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", False)
# Preloading is a one-way commitment for the whole domain, so it is the operator's to opt into
# (SECURE_HSTS_PRELOAD=true); until then `check --deploy` need not remind us.
SILENCED_SYSTEM_CHECKS = [
    # social_django declares CheckConstraint(uid != ""), which MongoDB cannot enforce; social-core
    # never writes an empty uid (social_uid raises first), so nothing relies on it.
    "models.W027",
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
if env.boolean("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-csp: only our own scripts, styles and images; no inline script or style anywhere, so an
# injected tag in a mail's subject could not run even if escaping ever failed. No form-action:
# the sign-in form's POST redirects to Google, and browsers apply form-action to that redirect.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the empty favicon (<link rel="icon" href="data:,">).
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}


# --- Static files ------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need `collectstatic` first: on in production images only.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.boolean("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Celery (read by mailbox_project/celery.py with namespace CELERY) ---------------------------

CELERY_BROKER_URL = env.string("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env.string("CELERY_RESULT_BACKEND", REDIS_URL)
# One visibility timeout for broker and result backend: a task unacknowledged for longer is
# redelivered, so every task (one sync page, one analysis batch) must finish well inside it.
CELERY_VISIBILITY_TIMEOUT = env.integer("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
CELERY_TASK_SOFT_TIME_LIMIT = env.integer("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_TASK_ALWAYS_EAGER = False
# JSON only: pickle would let whoever can write to the broker run code in our workers.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_ACCEPT_CONTENT = ["json"]
# At-least-once: acknowledge after the task ran, requeue when a worker dies mid-task. Every task
# is therefore idempotent (upserts by (user, gmail id), checkpointed page tokens).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # A broker that does not answer at all (a lost host, not a refused port) must fail a publish
    # in seconds, not the system's minutes-long connect timeout: "sync now" then says it cannot
    # be queued instead of hanging the page. (Publishes retry 3 times, 0.2 s apart: the default.)
    "socket_connect_timeout": 2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_DEFAULT_QUEUE = "maintenance"
CELERY_TASK_ROUTES = {
    "mails.tasks.*": {"queue": "sync"},
    "analysis.tasks.*": {"queue": "analysis"},
    "accounts.tasks.*": {"queue": "maintenance"},
    "tracker.tasks.*": {"queue": "maintenance"},
    "privacy.tasks.*": {"queue": "maintenance"},
    # A beat job, kept off the analysis queue so a backlog there cannot delay it.
    "analysis.tasks.reconcile_pending": {"queue": "maintenance"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker outlives a Redis outage of any length: it retries forever (Celery's default gives up
# after 100 tries, about 50 minutes) and carries on when Redis returns.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the connection drops finishes (its ack then fails and Redis redelivers it
# after the visibility timeout; tasks are idempotent): killing it would also lose the next step
# it schedules once Redis is back, as a sync chain does.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"


def _beat(task: str, schedule: Any, expires: float, queue: str = "maintenance") -> dict[str, Any]:
    """A beat entry that expires just under its period, so a backlog never piles up."""
    return {"task": task, "schedule": schedule, "options": {"expires": expires, "queue": queue}}


CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "cleanup-expired-tokens": _beat(
        "accounts.tasks.cleanup_expired_tokens", crontab(minute=7), expires=3500
    ),
}

# --- Google (real, or the emulator) -----------------------------------------------------------

GOOGLE_CLIENT_ID = env.string("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = env.string("GOOGLE_CLIENT_SECRET")
# With no Google project configured, a debug run talks to the bundled emulator (the demo).
GOOGLE_EMULATOR_URL = env.string(
    "GOOGLE_EMULATOR_URL", "http://127.0.0.1:8765" if DEBUG and not GOOGLE_CLIENT_ID else ""
).rstrip("/")
USING_GOOGLE_EMULATOR = bool(GOOGLE_EMULATOR_URL)
if USING_GOOGLE_EMULATOR:
    GOOGLE_CLIENT_ID = GOOGLE_CLIENT_ID or "mailbox-demo-client"
    GOOGLE_CLIENT_SECRET = GOOGLE_CLIENT_SECRET or "mailbox-demo-secret"
elif not GOOGLE_CLIENT_ID or not GOOGLE_CLIENT_SECRET:
    env.PROBLEMS.append(
        ("GOOGLE_CLIENT_ID", "and GOOGLE_CLIENT_SECRET are required (or set GOOGLE_EMULATOR_URL)")
    )
_google = GOOGLE_EMULATOR_URL
GOOGLE_AUTH_URL = env.string(
    "GOOGLE_AUTH_URL",
    f"{_google}/o/oauth2/auth" if _google else "https://accounts.google.com/o/oauth2/auth",
)
GOOGLE_TOKEN_URL = env.string(
    "GOOGLE_TOKEN_URL", f"{_google}/token" if _google else "https://oauth2.googleapis.com/token"
)
GOOGLE_USERINFO_URL = env.string(
    "GOOGLE_USERINFO_URL",
    f"{_google}/oauth2/v3/userinfo" if _google else "https://www.googleapis.com/oauth2/v3/userinfo",
)
GOOGLE_REVOKE_URL = env.string(
    "GOOGLE_REVOKE_URL", f"{_google}/revoke" if _google else "https://oauth2.googleapis.com/revoke"
)
GMAIL_API_ROOT = env.string("GMAIL_API_ROOT", _google or "https://gmail.googleapis.com").rstrip("/")

# --- Sign in with Google (social-auth-app-django) ----------------------------------------------

SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = GOOGLE_CLIENT_ID
SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = GOOGLE_CLIENT_SECRET
SOCIAL_AUTH_GOOGLE_OAUTH2_SCOPE = ["https://www.googleapis.com/auth/gmail.readonly"]
# offline + consent: Google returns a refresh token on every consent, so workers can sync later.
SOCIAL_AUTH_GOOGLE_OAUTH2_AUTH_EXTRA_ARGUMENTS = {"access_type": "offline", "prompt": "consent"}
SOCIAL_AUTH_GOOGLE_OAUTH2_USE_UNIQUE_USER_ID = True
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/mails"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/sign_in"
SOCIAL_AUTH_RAISE_EXCEPTIONS = False
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env.boolean("SOCIAL_AUTH_REDIRECT_IS_HTTPS", not DEBUG)
SOCIAL_AUTH_JSONFIELD_ENABLED = True
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "accounts.pipeline.create_or_update_user",
    "social_core.pipeline.social_auth.associate_user",
    # No social_core's load_extra_data: it would write Google's tokens into extra_data (and so
    # into MongoDB and its oplog) before store_tokens could strip them. store_tokens reads the
    # token response itself and sends the tokens straight to the encrypted token store.
    "accounts.pipeline.store_tokens",
    "accounts.pipeline.announce_connection",
)

# --- Admin login throttling (django-axes) -------------------------------------------------------

# The admin's password login is the door to everyone's mail. Failures are counted in MongoDB
# (axes' database handler), not Redis: a lockout must not vanish with a Redis flush, and a Redis
# outage must neither lock everyone out nor turn the login into a 500. Users sign in with Google,
# which has no password to guess, so only the admin site is throttled.
AXES_ENABLED = env.boolean("AXES_ENABLED", True)
AXES_ONLY_ADMIN_SITE = True
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("AXES_COOLOFF_MINUTES", 30, minimum=1))
# Either is enough to lock: one account guessed from many addresses, or one address guessing
# many accounts. A success resets the account's count.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The admin's login form posts "username" (holding the email); axes would look for "email".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Successful logins are not our business to log per request; failures are counted above.
AXES_DISABLE_ACCESS_LOG = True

# --- Token store --------------------------------------------------------------------------------

TOKEN_ENCRYPTION_KEYS = env.string_list("TOKEN_ENCRYPTION_KEYS", [])
TOKEN_STORE_ALLOW_PLAINTEXT = env.boolean("TOKEN_STORE_ALLOW_PLAINTEXT", False)
if not TOKEN_ENCRYPTION_KEYS and not TOKEN_STORE_ALLOW_PLAINTEXT and not DEBUG:
    env.PROBLEMS.append(("TOKEN_ENCRYPTION_KEYS", "is required (comma-separated Fernet keys)"))
TOKEN_STORE_BACKEND = env.string("TOKEN_STORE_BACKEND", "mongo")
if TOKEN_STORE_BACKEND not in {"mongo", "sqlite"}:
    env.PROBLEMS.append(
        ("TOKEN_STORE_BACKEND", f"must be mongo or sqlite, got {TOKEN_STORE_BACKEND!r}")
    )
TOKEN_STORE_SQLITE_PATH = env.string("TOKEN_STORE_SQLITE_PATH", str(BASE_DIR / "tokens.sqlite3"))
# Seconds a process may serve a token record from memory. Writes (revocations) are announced on
# Redis pub/sub and evicted everywhere at once; only while Redis is unreachable can a token
# revoked in one process be accepted by another, for at most this long.
TOKEN_STORE_CACHE_TTL = env.floating("TOKEN_STORE_CACHE_TTL", 30.0, minimum=0)
TOKEN_STORE_INVALIDATION_PUBSUB = env.boolean("TOKEN_STORE_INVALIDATION_PUBSUB", True)
TOKEN_STORE_CACHE_NEGATIVE_TTL = env.floating("TOKEN_STORE_CACHE_NEGATIVE_TTL", 5.0, minimum=0)
TOKEN_STORE_CACHE_MAXSIZE = env.integer("TOKEN_STORE_CACHE_MAXSIZE", 10_000, minimum=1)
TOKEN_STORE_BUFFER_BATCH_SIZE = env.integer("TOKEN_STORE_BUFFER_BATCH_SIZE", 500, minimum=1)
TOKEN_STORE_BUFFER_MAX_DELAY = env.floating("TOKEN_STORE_BUFFER_MAX_DELAY", 1.0, minimum=0.01)

# --- Logging ------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every record passes RedactSecrets: no credential, OAuth code/state, token or search query.
    "filters": {
        "redact": {"()": "mailbox_project.logredact.RedactSecrets"},
        "cache_outage": {"()": "mailbox_project.redis_outage.IgnoredCacheErrors"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers for these print unfiltered (runserver's request lines carry
        # query strings); configured here without handlers they reach the root's, redacted.
        "django": {"level": "INFO", "propagate": True},
        "django.server": {"level": "INFO", "propagate": True},
        "pymongo": {"level": "WARNING"},
        "googleapiclient": {"level": "WARNING"},
        # axes logs every successful login at INFO; lockouts and failures are WARNING.
        "axes": {"level": "WARNING"},
        # A cache call that failed and was ignored: one warning line, not a traceback per call.
        "django_redis.cache": {"filters": ["cache_outage"]},
    },
}

# --- Mailbox sync -------------------------------------------------------------------------------

# Gmail quota per user (units/s): 250 for classic projects, 100 for projects created after
# 2026-05-01. 0 turns our own throttle off (the emulator's benchmarks).
GMAIL_QUOTA_UNITS_PER_SECOND = env.integer("GMAIL_QUOTA_UNITS_PER_SECOND", 250, minimum=0)
# The quota Google grants may be lower (a new project, a lowered limit): the throttle learns it
# from refusals, never going under this floor (units/s), and remembers it per user this long (s).
GMAIL_QUOTA_MIN_UNITS_PER_SECOND = env.integer("GMAIL_QUOTA_MIN_UNITS_PER_SECOND", 10, minimum=1)
GMAIL_QUOTA_LEARNED_TTL = env.integer("GMAIL_QUOTA_LEARNED_TTL", 24 * 3600, minimum=60)


def _quota_costs(name: str) -> dict[str, int]:
    """Gmail's documented per-method costs, with entries overridden by a JSON object."""
    # https://developers.google.com/workspace/gmail/api/reference/quota
    costs = {"messages.list": 5, "messages.get": 5, "history.list": 2, "getProfile": 1}
    costs |= {"labels.list": 1, "watch": 100, "stop": 50, "attachments.get": 5}
    value = env.raw(name)
    if not value:
        return costs
    try:
        override = json.loads(value)
    except ValueError:
        override = None
    if not isinstance(override, dict) or not all(
        isinstance(units, int) and units > 0 for units in override.values()
    ):
        env.PROBLEMS.append((name, 'must be a JSON object like {"messages.get": 5}'))
        return costs
    return costs | override


# Quota units per Gmail method (JSON, e.g. {"messages.get": 5}); unlisted methods keep the table.
GMAIL_QUOTA_COSTS = _quota_costs("GMAIL_QUOTA_COSTS")
# Batches of messages.get in flight at once per sync (overlaps network waits with parsing).
GMAIL_FETCH_THREADS = env.integer("GMAIL_FETCH_THREADS", 4, minimum=1)
# Share of the learned limit the throttle paces at: 1.0 paces at it and lets the 429s seen
# lower it; less trades throughput for fewer refusals.
GMAIL_QUOTA_HEADROOM = env.floating("GMAIL_QUOTA_HEADROOM", 1.0, minimum=0.1)
# Message ids per messages.list page, i.e. per full-sync task (Gmail allows at most 500).
SYNC_PAGE_SIZE = min(500, env.integer("SYNC_PAGE_SIZE", 500, minimum=1))
# Slack for queueing delays before a silent sync chain counts as dead and beat restarts it.
SYNC_CHAIN_GRACE = env.integer("SYNC_CHAIN_GRACE", 30, minimum=1)
# A running sync step renews its chain and lock every quarter of this many seconds; a chain
# silent for longer (its worker was killed) is restarted by the next dispatch (every 15 s).
SYNC_HEARTBEAT_TTL = env.integer("SYNC_HEARTBEAT_TTL", 20, minimum=2)
# Seconds between syncs of an active person's mailbox (well under the visibility timeout).
SYNC_INTERVAL = env.integer("SYNC_INTERVAL", 60, minimum=1)
# Keep syncing while the person was seen within this many seconds (from last_seen_at).
SYNC_ACTIVE_WINDOW = env.integer("SYNC_ACTIVE_WINDOW", 30 * 60, minimum=60)
if SYNC_INTERVAL + CELERY_TASK_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    env.PROBLEMS.append(
        ("SYNC_INTERVAL", "plus CELERY_TASK_TIME_LIMIT must stay under the visibility timeout")
    )

# Push notifications: the Pub/Sub topic Gmail publishes to (empty = no push, polling only) and
# how POST /mails/push/ authenticates Pub/Sub: a shared bearer token, and/or Google's OIDC JWT.
GMAIL_PUSH_TOPIC = env.string(
    "GMAIL_PUSH_TOPIC", "projects/mailbox-demo/topics/gmail" if USING_GOOGLE_EMULATOR else ""
)
PUSH_WEBHOOK_TOKEN = env.string("PUSH_WEBHOOK_TOKEN")
PUSH_OIDC_AUDIENCE = env.string("PUSH_OIDC_AUDIENCE")
PUSH_OIDC_SERVICE_ACCOUNT = env.string("PUSH_OIDC_SERVICE_ACCOUNT")
# Where Google publishes the certificates that sign those JWTs (cached per Cache-Control).
PUSH_OIDC_CERTS_URL = env.string(
    "PUSH_OIDC_CERTS_URL", "https://www.googleapis.com/oauth2/v1/certs"
)
if GMAIL_PUSH_TOPIC and not (PUSH_WEBHOOK_TOKEN or PUSH_OIDC_AUDIENCE) and not DEBUG:
    env.PROBLEMS.append(
        ("PUSH_WEBHOOK_TOKEN", "or PUSH_OIDC_AUDIENCE is required when GMAIL_PUSH_TOPIC is set")
    )

CELERY_BEAT_SCHEDULE.update(
    {
        # Often: it is what restarts a dead chain (see SYNC_HEARTBEAT_TTL).
        "dispatch-syncs": _beat("mails.tasks.dispatch_syncs", 15.0, expires=14),
        "renew-watches": _beat(
            "mails.tasks.renew_watches", crontab(minute=17, hour=3), expires=3500
        ),
        # Hourly: a digest goes out on the first run past TRACKER_DIGEST_HOUR in its reader's
        # zone and is claimed per user per day, so a repeated run sends nothing twice.
        "tracker-digests": _beat("tracker.tasks.send_digests", crontab(minute=23), expires=3500),
        "tracker-interview-scan": _beat(
            "tracker.tasks.scan_interviews", crontab(minute="*/15"), expires=890
        ),
    }
)

# The mail store's files after a large sync hold blocks MongoDB freed and keeps (mails.compaction):
# compacted nightly when at least this much, and this share of the files, is free.
MAIL_STORE_COMPACT_MIN_MB = env.integer("MAIL_STORE_COMPACT_MIN_MB", 256, minimum=0)
MAIL_STORE_COMPACT_MIN_SHARE = env.floating("MAIL_STORE_COMPACT_MIN_SHARE", 0.25, minimum=0.0)
CELERY_BEAT_SCHEDULE["compact-mail-store"] = _beat(
    "mails.tasks.compact_mail_store", crontab(minute=41, hour=4), expires=3500
)

# --- Email (the tracker's daily digest) ----------------------------------------------------------

# SMTP from the environment; the console backend (mail printed to the log) when none is set.
EMAIL_HOST = env.string("EMAIL_HOST")
EMAIL_BACKEND = env.string(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.integer("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Mailbox <mailbox@localhost>")
TRACKER_DIGEST_HOUR = env.integer("TRACKER_DIGEST_HOUR", 7, minimum=0)
# Mail this many days from an application's emails is a new application of the same role (a
# re-application after it closed), not the old one reopened (tracker.grouping).
TRACKER_REAPPLY_GAP_DAYS = env.integer("TRACKER_REAPPLY_GAP_DAYS", 180, minimum=1)

# --- Search -------------------------------------------------------------------------------------

SEARCH_PAGE_SIZE = 50
SEARCH_MAX_PAGE_SIZE = 100
# Seconds a query's first page stays in Redis. Staleness is not what this bounds: every sync
# write bumps the mailbox version the key includes. It only bounds the memory of old queries.
SEARCH_CACHE_TTL = env.integer("SEARCH_CACHE_TTL", 600, minimum=0)
# Longest query accepted, in characters; past it the answer is a 400 naming the limit. Real
# trackers send Gmail queries of several thousand characters; parsing stays linear in length.
SEARCH_MAX_QUERY_CHARS = env.integer("SEARCH_MAX_QUERY_CHARS", 16_000, minimum=1)

# --- Per-user rate limits (mailbox_project/ratelimit.py) ----------------------------------------


def _parse_rate(value: str) -> tuple[int, int] | None:
    count, _, seconds = value.partition("/")
    if count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0:
        return int(count), int(seconds)
    return None


def _rate(name: str, default: str) -> tuple[int, int] | None:
    """Read "N/S" (N requests per S seconds) as (N, S); "off" turns the limit off (None)."""
    value = env.string(name, default).strip().lower()
    if value == "off":
        return None
    rate = _parse_rate(value)
    if rate is None:
        env.PROBLEMS.append((name, f'must be "requests/seconds" such as 120/60, or off: {value!r}'))
        return _parse_rate(default)
    return rate


RATE_LIMIT_SEARCH = _rate("RATE_LIMIT_SEARCH", "120/60")
RATE_LIMIT_API = _rate("RATE_LIMIT_API", "600/60")
RATE_LIMIT_SYNC_NOW = _rate("RATE_LIMIT_SYNC_NOW", "3/60")
# django-ratelimit's own: if a count cannot be read (Redis lost a key mid-request), let it pass.
RATELIMIT_FAIL_OPEN = True

# --- OAuth server and MCP (issue 18: oauth_server/, mcp_server/) --------------------------------

# The public origin (https://mail.example.com) naming the issuer and the MCP resource; empty:
# each request's own scheme and host (fine on one host; set it behind a proxy that rewrites Host).
OAUTH_ISSUER = env.string("OAUTH_ISSUER")
OAUTH_ACCESS_TOKEN_TTL = env.integer("OAUTH_ACCESS_TOKEN_TTL", 3600, minimum=60)
OAUTH_REFRESH_TOKEN_TTL = env.integer("OAUTH_REFRESH_TOKEN_TTL", 30 * 24 * 3600, minimum=3600)
# Dynamic client registrations per client address, and MCP requests per access token.
OAUTH_REGISTRATION_RATE = _rate("OAUTH_REGISTRATION_RATE", "20/3600")
RATE_LIMIT_MCP = _rate("RATE_LIMIT_MCP", "120/60")

# --- Analysis -----------------------------------------------------------------------------------

# Optional LLM engine: any OpenAI-compatible chat-completions endpoint (empty = rules only).
ANALYSIS_LLM_URL = env.string("ANALYSIS_LLM_URL")
ANALYSIS_LLM_MODEL = env.string("ANALYSIS_LLM_MODEL")
ANALYSIS_LLM_API_KEY = env.string("ANALYSIS_LLM_API_KEY")
ANALYSIS_LLM_TIMEOUT = env.floating("ANALYSIS_LLM_TIMEOUT", 20.0, minimum=0.1)
if ANALYSIS_LLM_URL and not ANALYSIS_LLM_MODEL:
    env.PROBLEMS.append(("ANALYSIS_LLM_MODEL", "is required when ANALYSIS_LLM_URL is set"))
# Analyses less confident than this show as "Needs review" in the tracker (0..1).
ANALYSIS_REVIEW_THRESHOLD = env.floating("ANALYSIS_REVIEW_THRESHOLD", 0.6, minimum=0.0)
if ANALYSIS_REVIEW_THRESHOLD > 1:
    env.PROBLEMS.append(("ANALYSIS_REVIEW_THRESHOLD", "must be at most 1"))
# Message ids per analysis task.
ANALYSIS_BATCH_SIZE = env.integer("ANALYSIS_BATCH_SIZE", 200, minimum=1)
# The three cache tiers: L1 in each process, L2 in Redis, L3 in MongoDB (TTL index, 360 days).
ANALYSIS_L1_MAXSIZE = env.integer("ANALYSIS_L1_MAXSIZE", 1000, minimum=1)
ANALYSIS_L1_TTL = env.integer("ANALYSIS_L1_TTL", 7 * 24 * 3600, minimum=1)
ANALYSIS_L2_TTL = env.integer("ANALYSIS_L2_TTL", 7 * 24 * 3600, minimum=1)
# A failed analysis is remembered this long (L1 and L2 only), then tried again.
ANALYSIS_FAILED_TTL = env.integer("ANALYSIS_FAILED_TTL", 300, minimum=1)
# A stored message still waiting for its analysis this long is queued again by the
# reconciliation (its announcement was lost: a crash, the broker down, a killed worker).
ANALYSIS_PENDING_GRACE = env.integer("ANALYSIS_PENDING_GRACE", 300, minimum=0)
ANALYSIS_RECONCILE_EVERY = env.integer("ANALYSIS_RECONCILE_EVERY", 120, minimum=10)
CELERY_BEAT_SCHEDULE["reconcile-pending-analyses"] = _beat(
    "analysis.tasks.reconcile_pending",
    float(ANALYSIS_RECONCILE_EVERY),
    expires=ANALYSIS_RECONCILE_EVERY * 0.9,
)

# --- Operations: backups and metrics (ops/) -----------------------------------------------------

# Where `manage.py backup` and the scheduled backup write (one folder per backup, 0700/0600).
BACKUP_DIR = Path(env.string("BACKUP_DIR") or str(BASE_DIR / ".data" / "backups"))
# Fernet key that encrypts backup files at rest (never one of TOKEN_ENCRYPTION_KEYS: a backup
# holds the token ciphertexts). Empty: backups are written unencrypted, and say so.
BACKUP_ENCRYPTION_KEY = env.string("BACKUP_ENCRYPTION_KEY")
if BACKUP_ENCRYPTION_KEY:
    try:
        from cryptography.fernet import Fernet

        Fernet(BACKUP_ENCRYPTION_KEY.encode())
    except ValueError:
        env.PROBLEMS.append(("BACKUP_ENCRYPTION_KEY", "must be a Fernet key (32 url-safe bytes)"))
    if BACKUP_ENCRYPTION_KEY in TOKEN_ENCRYPTION_KEYS:
        env.PROBLEMS.append(("BACKUP_ENCRYPTION_KEY", "must not be a TOKEN_ENCRYPTION_KEYS key"))
# Seconds between scheduled backups (0: none); retention keeps the newest backup of each of the
# last KEEP_DAILY days and of each of the last KEEP_WEEKLY ISO weeks.
BACKUP_INTERVAL = env.integer("BACKUP_INTERVAL", 24 * 3600, minimum=0)
BACKUP_KEEP_DAILY = env.integer("BACKUP_KEEP_DAILY", 7, minimum=1)
BACKUP_KEEP_WEEKLY = env.integer("BACKUP_KEEP_WEEKLY", 4, minimum=0)
if BACKUP_INTERVAL:
    CELERY_BEAT_SCHEDULE["scheduled-backup"] = _beat(
        "ops.tasks.scheduled_backup", float(BACKUP_INTERVAL), expires=BACKUP_INTERVAL * 0.9
    )
# --- Your data: exports (privacy/) -------------------------------------------------------------

# Where data exports are built (folder 0700, zips 0600 under random names; deleted after a day).
EXPORT_DIR = Path(env.string("EXPORT_DIR") or str(BASE_DIR / ".data" / "exports"))
CELERY_BEAT_SCHEDULE["expire-exports"] = _beat(
    "privacy.tasks.expire_exports", crontab(minute=37), expires=3500
)
# /metrics answers `Authorization: Bearer METRICS_TOKEN` and addresses in METRICS_ALLOWED_IPS
# (comma-separated IPs or networks, e.g. 10.0.0.0/8); with neither set it answers nobody.
METRICS_TOKEN = env.string("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env.string_list("METRICS_ALLOWED_IPS", [])
for _network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        env.PROBLEMS.append(("METRICS_ALLOWED_IPS", f"{_network!r} is no IP address or network"))

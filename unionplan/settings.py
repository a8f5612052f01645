"""Settings for unionplan, driven entirely by environment variables.

With nothing set, unionplan runs in its embedded mode: SQLite in the project folder, Celery jobs
executed in-process, DEBUG on and a secret generated once into ``.local-secret-key``.
``DATABASE_URL`` / ``REDIS_URL`` switch to PostgreSQL and a real Redis broker, and
``UNIONPLAN_PRODUCTION=1`` turns on production mode, which refuses to start without a real
secret and allowed hosts. Every variable is listed in README.md.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """Read a string variable, stripped; empty means unset."""
    return os.environ.get(name, default).strip() or default


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything unrecognised stops start-up naming the variable."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    """Read a whole-number variable; anything else stops start-up naming the variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list variable."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("UNIONPLAN_PRODUCTION", False)
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when UNIONPLAN_PRODUCTION=1.")


def _secret_key() -> str:
    key = env_str("DJANGO_SECRET_KEY")
    if PRODUCTION:
        if not key:
            raise ImproperlyConfigured(
                "DJANGO_SECRET_KEY is required when UNIONPLAN_PRODUCTION=1 "
                "(a random string of at least 50 characters)."
            )
        if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
            raise ImproperlyConfigured(
                "DJANGO_SECRET_KEY is too weak for production: use at least 50 random characters."
            )
        return key
    if key:
        return key
    # Embedded mode: generate one secret per checkout so sessions survive restarts.
    path = BASE_DIR / ".local-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required when UNIONPLAN_PRODUCTION=1 "
        "(comma-separated host names of this site)."
    )
if "*" in ALLOWED_HOSTS and PRODUCTION:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts; '*' is not allowed.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    "unionplan",
    "history",
    "departments",
    "tasks",
    "planning",
    "reports",
    "exports",
    "notifications",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (the others come from SecurityMiddleware).
    "unionplan.headers.SecurityHeadersMiddleware",
    # Compresses what every middleware below has written (WhiteNoise, inserted before it,
    # answers static files itself); Django pads each response against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "unionplan.middleware.RequestSizeLimitMiddleware",
    "unionplan.middleware.CleanTextInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before anything that answers for a signed-in user: an idle session is signed out first.
    "unionplan.idle.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "departments.middleware.PasswordChangeRequiredMiddleware",
    "unionplan.middleware.AdminRecordingMiddleware",
    # Last, so that it turns a lockout into the sign-in page with the reason (unionplan.logins).
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION or not DEBUG:
    # The project serves its own static files (no CDN, no separate web server needed); with
    # DEBUG off runserver no longer does, e.g. in `make run`, which shows the product's 404 page.
    # After the security headers, so that static files carry them too.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")
if not PRODUCTION:
    # Outside production static files come straight from the source folders: no collectstatic.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

ROOT_URLCONF = "unionplan.urls"
WSGI_APPLICATION = "unionplan.wsgi.application"
ASGI_APPLICATION = "unionplan.asgi.application"

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
                "unionplan.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL names another one.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://", "sqlite:")):
        raise ImproperlyConfigured(
            "DATABASE_URL must start with postgres:// (or sqlite:///) — "
            f"got {DATABASE_URL.split('://')[0]!r}."
        )
    try:
        # Persistent connections, checked before each request or job reuses them: a database
        # restart (or dropped connections) costs no failed request and no restart of our processes.
        DATABASES = {
            "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # Django accepts a path here (startproject writes the same); the stubs want a str.
            "NAME": BASE_DIR / "db.sqlite3",  # type: ignore[typeddict-item]
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "departments.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's rule, with the Chinese message Django 5.2's catalogue lost (departments.passwords).
    {"NAME": "departments.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked account+address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Redis: broker for Celery and the shared cache. Without it jobs run in-process.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, got {REDIS_URL!r}.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "unionplan",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    # In-process jobs record their failure on the job row instead of breaking the page.
    CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call then gets 401 with WWW-Authenticate: Bearer.
        "unionplan.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["unionplan.api.PolicyPermission"],
    # Every string that comes in loses its control characters (unionplan.text).
    "DEFAULT_PARSER_CLASSES": [
        "unionplan.api.CleanJSONParser",
        "unionplan.api.CleanFormParser",
        "unionplan.api.CleanMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "unionplan.api.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "unionplan.api.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "unionplan API",
    "DESCRIPTION": "龙岗区总工会重点工作推进系统 API（/api/v1/）",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation pages for signed-in users only (session or token), like
    # /api/v1/; an anonymous browser is sent to the sign-in page (unionplan.api.exception_handler).
    "SERVE_PERMISSIONS": ["unionplan.api.PolicyPermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "tasks.models.PlanStatus",
        "ProgressStatusEnum": "tasks.models.ProgressStatus",
        "JobKindEnum": "reports.models.JobKind",
        "UnitKindEnum": "departments.models.UnitKind",
        "IndicatorKindEnum": "tasks.models.IndicatorKind",
        "PeriodKindEnum": "tasks.models.PeriodKind",
    },
}

# Email: in-app notifications are always sent; email too when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "unionplan@localhost")
if not EMAIL_ENABLED:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Outgoing webhooks (企业微信 / 钉钉 group robots, plain JSON): endpoints are kept in the admin;
# UNIONPLAN_WEBHOOK_URL adds one more from the environment. Links in messages are made absolute
# with UNIONPLAN_BASE_URL (e.g. https://plan.lgzgh.example) when it is set.
UNIONPLAN_BASE_URL = env_str("UNIONPLAN_BASE_URL").rstrip("/")
if UNIONPLAN_BASE_URL and not UNIONPLAN_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"UNIONPLAN_BASE_URL must start with http:// or https://, not {UNIONPLAN_BASE_URL!r}."
    )
UNIONPLAN_WEBHOOK_URL = env_str("UNIONPLAN_WEBHOOK_URL")
if UNIONPLAN_WEBHOOK_URL and not UNIONPLAN_WEBHOOK_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("UNIONPLAN_WEBHOOK_URL must start with http:// or https://.")
UNIONPLAN_WEBHOOK_FORMAT = env_str("UNIONPLAN_WEBHOOK_FORMAT", "json")
if UNIONPLAN_WEBHOOK_FORMAT not in {"wecom", "dingtalk", "json"}:
    raise ImproperlyConfigured(
        "UNIONPLAN_WEBHOOK_FORMAT must be wecom, dingtalk or json, "
        f"not {UNIONPLAN_WEBHOOK_FORMAT!r}."
    )
UNIONPLAN_WEBHOOK_EVENTS = env_list(
    "UNIONPLAN_WEBHOOK_EVENTS", "reminder,instruction,entry_returned,job_done"
)
if set(UNIONPLAN_WEBHOOK_EVENTS) - {"reminder", "instruction", "entry_returned", "job_done"}:
    raise ImproperlyConfigured(
        "UNIONPLAN_WEBHOOK_EVENTS lists events among reminder, instruction, entry_returned, "
        f"job_done; got {','.join(UNIONPLAN_WEBHOOK_EVENTS)!r}."
    )
UNIONPLAN_WEBHOOK_SECRET = env_str("UNIONPLAN_WEBHOOK_SECRET")  # 钉钉 加签 secret; none by default
# Seconds per attempt (at most 5: in-process jobs run inside the request) and before the first
# retry (doubling each time, five attempts in all).
UNIONPLAN_WEBHOOK_TIMEOUT = min(env_int("UNIONPLAN_WEBHOOK_TIMEOUT", 5), 5)
UNIONPLAN_WEBHOOK_RETRY_SECONDS = env_int("UNIONPLAN_WEBHOOK_RETRY_SECONDS", 30)

# Unit reports: evidence files and reminders (催报).
UNIONPLAN_ATTACHMENT_MAX_BYTES = env_int("UNIONPLAN_ATTACHMENT_MAX_MB", 20) * 1024 * 1024
UNIONPLAN_ATTACHMENTS_PER_ENTRY = 10
UNIONPLAN_REMIND_DAYS_BEFORE = env_int("UNIONPLAN_REMIND_DAYS_BEFORE", 3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Workbook jobs: the job row is the truth. Late acknowledgement with requeue when a worker dies,
# one job at a time per worker process, time limits, a visibility timeout longer than the hard
# limit, and a sweeper for jobs stuck past it.
UNIONPLAN_JOB_SOFT_LIMIT = env_int("UNIONPLAN_JOB_SOFT_LIMIT", 240)
UNIONPLAN_JOB_HARD_LIMIT = env_int("UNIONPLAN_JOB_HARD_LIMIT", 300)
UNIONPLAN_JOB_STALE_SECONDS = env_int("UNIONPLAN_JOB_STALE_SECONDS", UNIONPLAN_JOB_HARD_LIMIT + 120)
UNIONPLAN_EXPORT_RETENTION_DAYS = env_int("UNIONPLAN_EXPORT_RETENTION_DAYS", 30)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int(
        "UNIONPLAN_BROKER_VISIBILITY_TIMEOUT", UNIONPLAN_JOB_HARD_LIMIT + 60
    )
}
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "reports.jobs.send_deadline_reminders",
        "schedule": 24 * 60 * 60,  # daily; the job itself sends at most one reminder a day
    },
    "closed-period-workbooks": {
        "task": "exports.jobs.request_closed_period_workbooks",
        "schedule": 24 * 60 * 60,
    },
    "closed-period-briefings": {
        "task": "exports.jobs.request_closed_period_briefings",
        "schedule": 24 * 60 * 60,
    },
    "sweep-export-jobs": {"task": "exports.jobs.sweep_export_jobs", "schedule": 5 * 60},
    "expire-export-files": {"task": "exports.jobs.expire_export_files", "schedule": 24 * 60 * 60},
}

# Status colours (红黄绿灯): how many points behind expected progress a task may be.
UNIONPLAN_AMBER_POINTS = env_int("UNIONPLAN_AMBER_POINTS", 10)
UNIONPLAN_RED_POINTS = env_int("UNIONPLAN_RED_POINTS", 25)
_today = env_str("UNIONPLAN_TODAY")
try:
    # Pins "today" (YYYY-MM-DD): the demo shows the 2024 plan as it stood in October 2024.
    UNIONPLAN_TODAY = dt.date.fromisoformat(_today) if _today else None
except ValueError:
    raise ImproperlyConfigured(
        f"UNIONPLAN_TODAY must be a date like 2024-10-20, not {_today!r}."
    ) from None
# Unit ranking (考核排名): weights of on-time submission, contributions against allocated targets,
# and entries not returned; shown with the formula on the dashboard.
UNIONPLAN_RANKING_WEIGHTS = {
    "on_time": env_int("UNIONPLAN_RANK_WEIGHT_ON_TIME", 50),
    "contribution": env_int("UNIONPLAN_RANK_WEIGHT_CONTRIBUTION", 40),
    "not_returned": env_int("UNIONPLAN_RANK_WEIGHT_NOT_RETURNED", 10),
}
UNIONPLAN_SITE_NAME = env_str("UNIONPLAN_SITE_NAME", "龙岗区总工会重点工作推进系统")
# Whom a unit contacts to reopen a locked period (e.g. "系统管理员：张三（电话 0755-1234）");
# empty: the active system administrators with their phone numbers.
UNIONPLAN_SUPPORT_CONTACT = env_str("UNIONPLAN_SUPPORT_CONTACT", "")

# Security: production turns on every protection `check --deploy` asks for.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # plain-HTTP probes of load balancers and compose
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("DJANGO_BEHIND_HTTPS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in lockout (django-axes): after UNIONPLAN_LOGIN_FAILURE_LIMIT failed sign-ins one account
# is locked at one address for UNIONPLAN_LOGIN_LOCKOUT_MINUTES (both sign-in pages; API tokens are
# not passwords and never count). Administrators unlock in 系统管理 → 登录锁定.
UNIONPLAN_LOGIN_FAILURE_LIMIT = env_int("UNIONPLAN_LOGIN_FAILURE_LIMIT", 5)
UNIONPLAN_LOGIN_LOCKOUT_MINUTES = env_int("UNIONPLAN_LOGIN_LOCKOUT_MINUTES", 15)
# How many reverse proxies in front of unionplan append to X-Forwarded-For; 0 (the default) uses
# the connection's address only, since a client can write any X-Forwarded-For it likes.
UNIONPLAN_TRUSTED_PROXY_COUNT = env_int("UNIONPLAN_TRUSTED_PROXY_COUNT", 0)
AXES_FAILURE_LIMIT = UNIONPLAN_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "unionplan.logins.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A lockout lasts its minutes from the failure that caused it; refused tries do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429  # Too Many Requests, on the sign-in page itself
AXES_LOCKOUT_CALLABLE = "unionplan.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "history.logins.client_address"
AXES_ENABLE_ADMIN = False  # shown in Chinese by history.admin (登录锁定)
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are recorded as actions (登录记录)
AXES_VERBOSE = False

# Idle sessions end after UNIONPLAN_IDLE_MINUTES without a request (unionplan.idle); the page
# warns UNIONPLAN_IDLE_WARNING_SECONDS before. Tests shorten UNIONPLAN_IDLE_SECONDS directly.
UNIONPLAN_IDLE_MINUTES = env_int("UNIONPLAN_IDLE_MINUTES", 30)
if UNIONPLAN_IDLE_MINUTES < 2:
    raise ImproperlyConfigured(
        f"UNIONPLAN_IDLE_MINUTES must be at least 2 (minutes), not {UNIONPLAN_IDLE_MINUTES}."
    )
UNIONPLAN_IDLE_SECONDS = UNIONPLAN_IDLE_MINUTES * 60
UNIONPLAN_IDLE_WARNING_SECONDS = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts; not every sign-in's bookkeeping
        "weasyprint": {"level": "WARNING"},  # not seven progress lines per briefing PDF
        "fontTools": {"level": "WARNING"},  # its font subsetting, run by WeasyPrint
    },
}

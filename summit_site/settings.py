"""Settings for Summit Site.

One module for every environment: each difference between a laptop and production
comes from an environment variable (or an optional `.env` file beside manage.py).
The README lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Real environment variables win over the file, so CI and production can override it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Put a long random value in the SECRET_KEY environment "
        "variable or in .env (`make run` writes one for local use)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its admin integration registers first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "summit_site.apps.TasksDatabaseConfig",
    "summit_site.apps.AxesConfig",
    "auditlog",
    "events",
    "delegates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the policy too: every response has it.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside WhiteNoise, so static files keep their long-lived headers.
    "events.page_cache.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Ties each audit entry to the user and the kind of actor (organizer or delegate).
    "delegates.audit.AuditActorMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "summit_site.urls"
WSGI_APPLICATION = "summit_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # {{ CSP_NONCE }} for an inline <script> or <style>, should one ever be needed.
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default; DATABASE_URL=postgres://... switches to PostgreSQL (psycopg 3).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
        # behind each other (up to the timeout) instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
# Local memory by default; in production every process must share one cache
# (CACHE_URL=redis://...), because rate limits and page caches must not live in one process.
CACHE_URL = env.str("CACHE_URL", default="locmemcache://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="summit"),
        }
    }
else:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}

# Seconds a reverse proxy or CDN may serve a public page before revalidating it (s-maxage);
# pages for visitors with a session, and every other response, are private and never stored.
PUBLIC_PAGE_SHARED_MAX_AGE = env.int("PUBLIC_PAGE_SHARED_MAX_AGE", default=30)

# --- E-mail and background tasks ------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Japan-Taiwan Exchange Summit <summit@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# E-mail is sent through Django's tasks API (the django-tasks backport). The immediate
# backend runs a task at once; in production TASKS_BACKEND=django_tasks_db.DatabaseBackend
# queues tasks in PostgreSQL for `manage.py db_worker` processes, so a request never waits
# on the mail server and any app process can enqueue.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")}}

# /health/ reports the queue as behind when a task has waited longer than this (seconds).
HEALTH_TASK_QUEUE_MAX_DELAY = env.int("HEALTH_TASK_QUEUE_MAX_DELAY", default=300)

# --- Delegate registration ------------------------------------------------------------
# E-mails are rendered in a task, away from any request, so links need the public address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
REGISTRATION_CONFIRM_MAX_AGE = env.int("REGISTRATION_CONFIRM_MAX_AGE", default=60 * 60 * 24 * 7)
REGISTRATION_LINK_MAX_AGE = env.int("REGISTRATION_LINK_MAX_AGE", default=60 * 60 * 24 * 365)
# Days after an edition is held (its end date) before its delegates' personal data is erased
# by `manage.py purge_personal_data`; each edition may set its own.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)
# Posts per client address per window; the counters live in the shared cache.
# A focal point's link stays valid through the registration period; a new one is sent on request.
FOCAL_POINT_LINK_MAX_AGE = 60 * 60 * 24 * 120
# An invitation's link is valid this long after it was (last) sent; `manage.py
# sendinvitationreminders` marks the unanswered ones expired after that.
INVITATION_LINK_MAX_AGE = env.int("INVITATION_LINK_MAX_AGE", default=60 * 60 * 24 * 60)
# A focal point registers a whole delegation in one sitting: counted per delegation, not per address.
RATE_LIMITS = {
    "register": (20, 600),
    "lookup": (10, 600),
    "check_in": (600, 60),
    "focal_point": (300, 600),
    "invitation": (30, 600),
}
# How many proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
RATE_LIMIT_PROXY_COUNT = env.int("RATE_LIMIT_PROXY_COUNT", default=0)
# Badges embed a font that has Japanese and Chinese glyphs (Debian: fonts-noto-cjk).
# Badge sheets and other generated files with personal data: never under a public URL,
# downloaded only through the admin.
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(BASE_DIR / "private")))
BADGE_FONT_PATH = env.str("BADGE_FONT_PATH", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

# --- Authentication -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# django-axes checks for a lockout before the model backend tries the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins live in the database (the default handler), so every process sees the same
# count. Five failures from one address, or for one account, lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# Its start-up banner would print before every manage.py command.
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The same proxies as for the rate limits: behind N of them the client address is read from
# X-Forwarded-For; with none (the default) only REMOTE_ADDR counts, so a client cannot dodge
# the lockout with a forged header. One helper reads it for the lockout, the rate limits and
# the audit log alike.
AXES_CLIENT_IP_CALLABLE = "delegates.client.client_address"

# --- Audit log (django-auditlog) ------------------------------------------------------
# Personal data is recorded as "changed" without its values, so anonymizing a person leaves
# no copy of it in the log; statuses and other fields are recorded with old and new values.
AUDITLOG_MASK_CALLABLE = "delegates.audit.mask_personal_data"
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "delegates.person",
        "include_fields": [
            "family_name",
            "given_name",
            "family_name_first",
            "native_name",
            "honorific",
            "position_en",
            "position_ja",
            "position_zh_hant",
            "organization_en",
            "organization_ja",
            "organization_zh_hant",
            "side",
            "category",
            "listed_publicly",
            "withdrawn_from_public_at",
            "is_public_figure",
            "email",
            "phone",
            "preferred_language",
            "anonymized_at",
        ],
        "mask_fields": ["family_name", "given_name", "native_name", "honorific", "email", "phone"],
    },
    {
        "model": "delegates.registration",
        "include_fields": [
            "edition",
            "person",
            "email",
            "status",
            # Where the place counts (a delegation's quota, the invitees' reserved places).
            "delegation",
            "participation",
            "by_invitation",
            "language",
            "interpretation_language",
            "dietary_needs",
            "accessibility_needs",
            "confirmed_at",
            "checked_in_at",
        ],
        "mask_fields": ["email", "dietary_needs", "accessibility_needs"],
    },
    {"model": "events.resolution", "include_fields": ["status", "status_changed_on"]},
)

# --- Languages and time ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ja", _("Japanese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

# Content fields exist once per language; an empty translation falls back to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ja", "zh-hant")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A production-like instance (DEBUG off, collected static files, gunicorn) tried out over
# plain http on this machine: no https redirect, no HSTS, cookies without Secure (a browser
# would not send them back over http). Off by default; `check --deploy` refuses it.
PLAIN_HTTP_LOOPBACK = env.bool("PLAIN_HTTP_LOOPBACK", default=False)
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not PLAIN_HTTP_LOOPBACK)
    # Load balancers probe the app over plain http.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = not PLAIN_HTTP_LOOPBACK
    CSRF_COOKIE_SECURE = not PLAIN_HTTP_LOOPBACK
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if PLAIN_HTTP_LOOPBACK else 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = not PLAIN_HTTP_LOOPBACK
    SECURE_HSTS_PRELOAD = not PLAIN_HTTP_LOOPBACK

# Content-Security-Policy (django-csp) on every response, the admin's included: scripts,
# styles, images and fonts from this site only; no plugins, no <base>, never in a frame.
# No page has an inline script or style; one that needs it takes {{ CSP_NONCE }}.
# (JSON-LD is a data block, which browsers do not run, so cached pages need no nonce.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # fontTools logs every glyph of every font subset in a PDF at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}},
}

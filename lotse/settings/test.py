"""Settings for the pytest suite."""

from lotse.settings import env
from lotse.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Documents stored by tests stay in memory; the documents' own tests use a temporary folder.
    "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A separate name lets two test runs share one server (e.g. a developer and an editor plugin).
DATABASES["default"]["TEST"] = {"NAME": env.get_str("LOTSE_TEST_DATABASE", "test_lotse")}  # noqa: F405

# The suite signs in with force_login; the two-factor tests switch the requirement on themselves.
LOTSE_REQUIRE_2FA = "off"
# Mails are sent before the answer, so a test finds them in the outbox.
LOTSE_MAIL_IN_BACKGROUND = False
# No test asks a tile server on the internet; the check's own tests switch it on with a stand-in.
LOTSE_MAP_TILE_CHECK = False

"""Settings for `make demo` and local development."""

from lotse.settings import env
from lotse.settings.base import *  # noqa: F403

DEBUG = env.get_bool("DEBUG", True)

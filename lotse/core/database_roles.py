"""Two database roles in production: an owner that migrates, and a runtime role that owns nothing.

The access log and the change history are append-only. Triggers refuse
UPDATE and DELETE, but a table's owner can switch them off (``ALTER TABLE
... DISABLE TRIGGER``, ``DROP TRIGGER``), empty the table (``TRUNCATE``)
or tell pgtrigger's functions to let a statement pass (``SET LOCAL
pgtrigger.ignore``). So the application runs as a role that owns no table
and holds on the append-only tables only INSERT and SELECT: without the
UPDATE, DELETE and TRUNCATE privileges no session variable and no trigger
state lets it change a row. ``manage.py grant_runtime_role`` (run as the
owner after each ``migrate``) grants exactly that; the deploy check
(``lotse.core.checks``) warns when the application runs as an owner or a
superuser.
"""

from __future__ import annotations

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper

# What the runtime role may do: normal work on every table, only append to and read the append-only ones.
ORDINARY_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY_PRIVILEGES = "SELECT, INSERT"
# Migrations are the owner's: the runtime role only reads which ran.
READ_ONLY_TABLES = frozenset({"django_migrations"})


def append_only_tables() -> frozenset[str]:
    """The access log and every pghistory event table (of every app, pghistory's own included)."""
    from lotse.core.models import AccessLogEntry

    events = {
        model._meta.db_table for model in apps.get_models() if getattr(model, "pgh_tracked_model", None) is not None
    }
    return frozenset({AccessLogEntry._meta.db_table, *events})


def owned_tables(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """The tables, views and sequences of the current schema that ``role`` owns."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
              AND pg_get_userbyid(c.relowner) = %s
            ORDER BY c.relname
            """,
            [role],
        )
        return [row[0] for row in cursor.fetchall()]


def is_superuser(connection: BaseDatabaseWrapper, role: str) -> bool | None:
    """Whether ``role`` is a superuser (None: no such role)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


def changeable_append_only_tables(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """The append-only tables on which ``role`` holds UPDATE, DELETE or TRUNCATE (it should hold none)."""
    existing = set(connection.introspection.table_names())
    tables = sorted(append_only_tables() & existing)
    if not tables:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t FROM unnest(%s::text[]) AS t
            WHERE has_table_privilege(%s, quote_ident(current_schema()) || '.' || quote_ident(t),
                                      'UPDATE, DELETE, TRUNCATE')
            ORDER BY t
            """,
            [tables, role],
        )
        return [row[0] for row in cursor.fetchall()]


def grant_statements(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """What the runtime role is granted in the current schema: revoke everything, then grant what it needs.

    Idempotent, and it takes away what an earlier run or a hand-made grant
    gave beyond it (TRUNCATE, TRIGGER, REFERENCES, CREATE on the schema).
    """
    quote = connection.ops.quote_name
    who = quote(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
    append_only = append_only_tables()
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}",
    ]
    for table in sorted(connection.introspection.table_names()):
        if table in READ_ONLY_TABLES:
            privileges = "SELECT"
        elif table in append_only:
            privileges = APPEND_ONLY_PRIVILEGES
        else:
            privileges = ORDINARY_PRIVILEGES
        statements.append(f"GRANT {privileges} ON TABLE {schema}.{quote(table)} TO {who}")
    statements += [
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        # Tables and sequences a later migration creates are usable at once; the next run of the command
        # takes UPDATE and DELETE back from a new append-only table.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {ORDINARY_PRIVILEGES} ON TABLES TO {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {who}",
    ]
    return statements

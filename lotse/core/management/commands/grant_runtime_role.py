from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

from lotse.core.database_roles import APPEND_ONLY_PRIVILEGES, grant_statements, is_superuser, owned_tables


class Command(BaseCommand):
    help = (
        "Grant the database role the application runs as what it needs and no more: normal work on every table, "
        "only INSERT and SELECT on the access log and the change history, no TRUNCATE, no ownership. "
        "Run it as the owner of the tables after each migrate. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the runtime role, e.g. lotse_app (it must exist and own nothing)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database connection to use")

    def handle(self, *args: Any, **options: Any) -> None:
        role: str = options["role"]
        connection = connections[options["database"]]
        superuser = is_superuser(connection, role)
        if superuser is None:
            raise CommandError(_("There is no database role “%(role)s”. Create it first.") % {"role": role})
        if superuser:
            raise CommandError(
                _("The role “%(role)s” is a superuser: no grant restricts it. Use a role without SUPERUSER.")
                % {"role": role}
            )
        owned = owned_tables(connection, role)
        if owned:
            raise CommandError(
                _(
                    "The role “%(role)s” owns tables (%(tables)s), and an owner can empty them and switch their "
                    "triggers off. Migrate as another role and hand them over (REASSIGN OWNED BY)."
                )
                % {"role": role, "tables": ", ".join(owned[:5]) + (", …" if len(owned) > 5 else "")}
            )
        statements = grant_statements(connection, role)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        tables = [s for s in statements if s.startswith("GRANT") and " ON TABLE " in s]
        append_only = [s for s in tables if s.startswith(f"GRANT {APPEND_ONLY_PRIVILEGES} ON TABLE")]
        self.stdout.write(
            f"Granted {role}: {len(tables)} tables, of which {len(append_only)} append-only "
            "(INSERT and SELECT only), and the sequences."
        )

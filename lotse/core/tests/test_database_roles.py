"""The runtime database role cannot erase the access log or the change history (issue 16).

The test creates a role without login (inside the test's transaction, so it
is gone afterwards), grants it what ``manage.py grant_runtime_role`` grants,
and then works as that role with ``SET LOCAL ROLE``: every way an owner has
to erase or rewrite the append-only tables is refused, normal work is not.
The server's own user (superuser, owner of the tables) shows each attack
working, so the test proves the role, not the setup, stops it.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pgtrigger
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lotse.core.checks import check_runtime_role, runtime_role_warnings
from lotse.core.choices import AccessAction
from lotse.core.database_roles import append_only_tables
from lotse.core.models import AccessLogEntry, Organisation

RUNTIME = "lotse_runtime_test"
INSUFFICIENT_PRIVILEGE = "42501"

LOG_TABLE = AccessLogEntry._meta.db_table


def organisation_events() -> type:
    """The pghistory event model of organisations: one of the history tables."""
    return next(model for model in apps.get_models() if getattr(model, "pgh_tracked_model", None) is Organisation)


HISTORY_TABLE = organisation_events()._meta.db_table  # type: ignore[attr-defined]


def execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def runtime_role(db) -> str:
    # Another test run on the same server may have left the role behind (it is server-wide).
    execute(
        f"DO $$ BEGIN CREATE ROLE {RUNTIME} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    call_command("grant_runtime_role", RUNTIME, stdout=io.StringIO())
    return RUNTIME


@contextmanager
def working_as(role: str) -> Iterator[None]:
    execute(f"SET LOCAL ROLE {role}")
    try:
        yield
    finally:
        execute("RESET ROLE")


def refused(attempt: Callable[[], object]) -> bool:
    """Whether the database refuses ``attempt`` for want of a privilege (in a savepoint, so the test goes on)."""
    try:
        with transaction.atomic():
            attempt()
    except DatabaseError as error:
        code = getattr(error.__cause__, "sqlstate", None)
        assert code == INSUFFICIENT_PRIVILEGE, f"refused, but not for a privilege: {error}"
        return True
    return False


def attacks(entry: AccessLogEntry) -> dict[str, Callable[[], object]]:
    """Every way the owner of the tables has to erase or rewrite the access log and the history."""

    def bypass_trigger() -> None:
        # pgtrigger resets its variable on the way out, so the refused statement gets a savepoint of its own.
        with pgtrigger.ignore("core.AccessLogEntry:access_log_append_only"), transaction.atomic():
            AccessLogEntry.objects.filter(pk=entry.pk).update(action=AccessAction.EXPORT)

    def bypass_trigger_by_hand() -> None:
        execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + _trigger_name(LOG_TABLE) + "}"])
        execute(f"DELETE FROM {log} WHERE id = %s", [entry.pk])  # noqa: S608 - the table names come from the models

    # The table names come from the models.
    log, history = LOG_TABLE, HISTORY_TABLE
    return {
        "update the log": lambda: execute(f"UPDATE {log} SET action = 'export'"),  # noqa: S608
        "delete from the log": lambda: execute(f"DELETE FROM {log}"),  # noqa: S608
        "truncate the log": lambda: execute(f"TRUNCATE {log} CASCADE"),
        "bypass the trigger (pgtrigger.ignore)": bypass_trigger,
        "bypass the trigger (SET LOCAL pgtrigger.ignore)": bypass_trigger_by_hand,
        "disable the trigger": lambda: execute(f"ALTER TABLE {log} DISABLE TRIGGER ALL"),
        "drop the trigger": lambda: execute(f'DROP TRIGGER "{_trigger_name(log)}" ON {log}'),
        "update the history": lambda: execute(f"UPDATE {history} SET name = 'x'"),  # noqa: S608
        "delete from the history": lambda: execute(f"DELETE FROM {history}"),  # noqa: S608
        "truncate the history": lambda: execute(f"TRUNCATE {history}"),
        "disable the history's trigger": lambda: execute(f"ALTER TABLE {history} DISABLE TRIGGER ALL"),
        "drop the history table": lambda: execute(f"DROP TABLE {history}"),
    }


def _trigger_name(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname", [table]
        )
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_it_refuses_the_runtime_role_every_way_of_erasing_the_logs(runtime_role, org_admin_a, colleague_a):
    from lotse.core.services import log_access

    entry = log_access(acting_user=org_admin_a, action=AccessAction.VIEW, record=colleague_a)
    assert entry is not None
    with working_as(runtime_role):
        not_refused = [name for name, attack in attacks(entry).items() if not refused(attack)]
    assert not_refused == []
    assert AccessLogEntry.objects.get(pk=entry.pk).action == AccessAction.VIEW
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.django_db
def test_it_lets_the_owner_do_what_the_runtime_role_may_not(org_admin_a, colleague_a):
    """The attacks of issue 16 work for the owner of the tables: the test above tests the role, not the setup."""
    from lotse.core.services import log_access

    entry = log_access(acting_user=org_admin_a, action=AccessAction.VIEW, record=colleague_a)
    assert entry is not None
    possible = attacks(entry)
    # The row's foreign keys are checked at commit; check them now, as ALTER TABLE waits for no pending check.
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name in ("bypass the trigger (pgtrigger.ignore)", "disable the trigger", "truncate the log"):
        with transaction.atomic():
            assert not refused(possible[name]), name
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_it_lets_the_runtime_role_do_the_normal_work(runtime_role, caseworker_a, org_admin_a, colleague_a):
    from lotse.cases import services as case_services
    from lotse.cases.models import Case
    from lotse.core.services import audit_context, log_access
    from lotse.core.tests.factories import MunicipalityFactory

    case = case_services.open_case(
        acting_user=None,
        organisation=caseworker_a.organisation,
        municipality=MunicipalityFactory.create(),
        start_date=datetime.date(2025, 3, 3),
        responsible=caseworker_a,
        head={"family_name": "Haddad", "given_names": "Amina"},
    )
    with working_as(runtime_role):
        entry = log_access(acting_user=caseworker_a, action=AccessAction.VIEW, record=case)
        assert entry is not None
        assert AccessLogEntry.objects.get(pk=entry.pk).record_organisation_id == caseworker_a.organisation_id
        changed = case_services.update_case(
            acting_user=caseworker_a,
            case=Case.objects.get(pk=case.pk),
            expected_version=case.version,
            responsible=caseworker_a,
            municipality=case.municipality,
            start_date=datetime.date(2025, 4, 1),
        )
        # A change writes its history (an INSERT into an event table and pghistory's context).
        with audit_context(org_admin_a):
            organisation = Organisation.objects.get(pk=org_admin_a.organisation_id)
            organisation.name = "Caritas Testkreis e. V."
            organisation.save()
        execute("SELECT current_user")
    assert Case.objects.get(pk=case.pk).start_date == changed.start_date == datetime.date(2025, 4, 1)
    events = organisation_events().objects.filter(pgh_obj=organisation, pgh_label="update")  # type: ignore[attr-defined]
    assert events.exists()


@pytest.mark.django_db
def test_it_grants_only_insert_and_select_on_the_append_only_tables(runtime_role):
    call_command("grant_runtime_role", runtime_role, stdout=io.StringIO())  # twice: idempotent

    def holds(table: str, privilege: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [runtime_role, table, privilege])
            return bool(cursor.fetchone()[0])

    tables = connection.introspection.table_names()
    append_only = append_only_tables()
    assert LOG_TABLE in append_only and HISTORY_TABLE in append_only
    assert "pghistory_context" not in append_only  # pghistory updates a request's context as it goes
    for table in tables:
        assert not holds(table, "TRUNCATE") and not holds(table, "TRIGGER") and not holds(table, "REFERENCES"), table
        assert holds(table, "SELECT"), table
        changeable = table not in append_only and table != "django_migrations"
        assert holds(table, "INSERT") == (table != "django_migrations"), table
        assert holds(table, "UPDATE") == changeable and holds(table, "DELETE") == changeable, table


@pytest.mark.django_db
def test_it_refuses_to_grant_to_a_missing_role_a_superuser_or_an_owner():
    with pytest.raises(CommandError, match="lotse_no_such_role"):
        call_command("grant_runtime_role", "lotse_no_such_role", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        server_user = cursor.fetchone()[0]
    # The test server's own user is a superuser, and owns the tables.
    with pytest.raises(CommandError, match="SUPERUSER"):
        call_command("grant_runtime_role", server_user, stdout=io.StringIO())
    execute(
        "DO $$ BEGIN CREATE ROLE lotse_owner_test NOLOGIN; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    execute("ALTER TABLE django_migrations OWNER TO lotse_owner_test")
    with pytest.raises(CommandError, match="REASSIGN OWNED BY"):
        call_command("grant_runtime_role", "lotse_owner_test", stdout=io.StringIO())


@pytest.mark.django_db
def test_it_warns_on_deploy_when_the_application_runs_as_superuser_or_owner(runtime_role):
    warnings = {message.id for message in runtime_role_warnings(connection)}
    assert "lotse.W001" in warnings  # the test server's user is a superuser (and owns the tables)
    with working_as(runtime_role):
        assert runtime_role_warnings(connection) == []
    # A grant by hand beyond what the command grants.
    execute(f"GRANT UPDATE ON {LOG_TABLE} TO {runtime_role}")
    with working_as(runtime_role):
        assert [message.id for message in runtime_role_warnings(connection)] == ["lotse.W003"]


@pytest.mark.django_db
def test_it_skips_the_deploy_check_quietly_without_a_database_server(monkeypatch):
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    monkeypatch.setitem(settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(settings_dict, "PORT", "1")
    assert check_runtime_role() == []

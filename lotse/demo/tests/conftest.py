"""The demo county, loaded once per test session through load_demo_data.

It is loaded inside a transaction that is rolled back at the session's end;
each test that reads it runs in a savepoint within it. The tests that read it
run last, so no other test of the session sees the demo county.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: "demo" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo_data", "--quiet-logins", stdout=out)
        with connection.cursor() as cursor:
            # The statistics of the demo's rows for the tests' queries (tables emptied by earlier tests can be
            # known to the planner as empty; see lotse.demo.data.analyze_written_tables).
            cursor.execute("ANALYZE")
        yield out.getvalue()
        transaction.set_rollback(True)

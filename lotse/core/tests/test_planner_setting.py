"""A planner setting changed for one query applies inside its block and never outlives it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from lotse.core.transactions import planner_setting

pytestmark = pytest.mark.django_db


def current(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return str(cursor.fetchone()[0])


def test_it_changes_the_setting_inside_and_restores_the_callers_value_after() -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '7MB'")
        with planner_setting("work_mem", "11MB"):
            assert current("work_mem") == "11MB"
        assert current("work_mem") == "7MB"


def test_it_lets_a_failed_query_raise_its_own_error_and_restores_the_setting() -> None:
    with transaction.atomic():
        with (
            pytest.raises(DatabaseError, match="no_such_table"),
            planner_setting("enable_seqscan", "off"),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT * FROM no_such_table")
        assert current("enable_seqscan") == "on"


def test_it_restores_the_setting_when_the_block_fails() -> None:
    before = current("enable_seqscan")
    with pytest.raises(ZeroDivisionError), planner_setting("enable_seqscan", "off"):
        assert current("enable_seqscan") == "off"
        raise ZeroDivisionError
    assert current("enable_seqscan") == before == "on"

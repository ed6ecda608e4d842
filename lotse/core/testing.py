"""The test kit's query counting: list pages run a fixed number of queries, so no N+1 ever comes back.

Used by the tests of every app (the personas live in the root ``conftest.py``).
On failure the assertion prints the SQL, so the extra query is found at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _listing(context: CaptureQueriesContext) -> str:
    return "\n".join(f"{number}. {query['sql']}" for number, query in enumerate(context.captured_queries, 1))


@contextmanager
def assert_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """The block runs exactly ``expected`` queries."""
    with CaptureQueriesContext(connection) as context:
        yield context
    assert len(context) == expected, f"{len(context)} queries instead of {expected}:\n{_listing(context)}"


def queries_of(client: Any, url: str, status: int = 200) -> CaptureQueriesContext:
    """The queries of one GET of ``url`` (which must answer ``status``)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == status, f"GET {url} answered {response.status_code}, not {status}"
    return context


def assert_same_queries(few: CaptureQueriesContext, many: CaptureQueriesContext) -> None:
    """A page with many rows runs as many queries as with few: the count does not grow with the rows."""
    message = f"{len(few)} queries with few rows, {len(many)} with many"
    assert len(few) == len(many), f"{message}:\n--- few\n{_listing(few)}\n--- many\n{_listing(many)}"


def run_jobs() -> int:
    """Run the queued background jobs (lotse.core.jobs) here and now, as a worker would; returns how many ran.

    A worker has a connection of its own and cannot see what a test wrote in its
    transaction: this takes the jobs through procrastinate's own functions in the
    test's connection and runs their tasks in this thread. A job whose task
    raises is marked failed, as a worker marks it, and the error goes on.
    """
    from procrastinate.contrib.django import app

    done = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, task_name, args FROM procrastinate_fetch_job_v2(NULL, NULL) WHERE id IS NOT NULL"
            )
            found = cursor.fetchone()
        if found is None:
            return done
        job_id, task_name, args = found
        try:
            # Django's connection hands jsonb over as text.
            app.tasks[task_name].func(**(json.loads(args) if isinstance(args, str) else args))
        except BaseException:
            with connection.cursor() as cursor:
                cursor.execute("SELECT procrastinate_finish_job_v1(%s, 'failed', false)", [job_id])
            raise
        with connection.cursor() as cursor:
            cursor.execute("SELECT procrastinate_finish_job_v1(%s, 'succeeded', false)", [job_id])
        done += 1

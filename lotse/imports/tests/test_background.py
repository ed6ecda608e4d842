"""The workbook import through the browser with a real worker (``manage.py procrastinate worker``).

The worker has its own connections, so this test commits what it writes
(``transaction=True``): upload, the check in the worker, the progress page,
the commit in the worker, and a worker that died midway whose job is started
again.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import cast

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector

from lotse.cases.models import Case
from lotse.conftest import client_for
from lotse.core.choices import ImportStatus
from lotse.core.jobs import JobState, job_state
from lotse.core.models import ImportRun
from lotse.core.tasks import QUEUE, retry_stalled_jobs
from lotse.imports.tests.test_views import upload_file, workbook
from lotse.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def work_off_the_queue() -> None:
    """A worker, as `make demo` and the production service start it, until the queue is empty."""
    call_command("procrastinate", "worker", "--one-shot", "--queues", QUEUE)


def kill_the_worker_of(job_id: int) -> None:
    """What a worker killed while running a job leaves behind: the job taken, its worker silent for long."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour') RETURNING id"
        )
        (worker,) = cursor.fetchone()
        cursor.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s", [worker, job_id])


def retry_stalled() -> None:
    """What the periodic task of a running worker does once a minute."""
    connector = app.connector
    assert isinstance(connector, DjangoConnector)

    async def retry() -> None:
        with app.replace_connector(connector.get_worker_connector()) as worker_app:
            async with worker_app.open_async():
                await retry_stalled_jobs.func(cast(JobContext, SimpleNamespace(app=worker_app)), 0)

    asyncio.run(retry())


def test_a_worker_checks_and_imports_an_upload_and_one_killed_midway_is_started_again(org_admin_a, municipalities):
    client = client_for(org_admin_a)
    response = upload_file(client, workbook())
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.CHECKING

    page = client.get(response["Location"]).content.decode()
    progress = reverse("imports:progress", args=[run.pk])
    assert f'hx-get="{progress}"' in page and "Die Prüfung läuft" in page
    assert "Wartet auf den Start" in client.get(progress).content.decode()

    work_off_the_queue()
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and run.report["counts"]["Personen"]["created"] == 2
    done = client.get(progress)
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")  # the page reloads and shows the report
    assert "Jetzt importieren" in client.get(response["Location"]).content.decode()

    client.post(reverse("imports:commit", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTING and run.job_id is not None
    kill_the_worker_of(run.job_id)
    assert job_state(run.job_id) == JobState.INTERRUPTED
    assert "wurde unterbrochen" in client.get(progress).content.decode()
    assert Person.objects.count() == 0

    retry_stalled()
    assert job_state(run.job_id) == JobState.WAITING
    work_off_the_queue()
    run.refresh_from_db()
    assert (run.status, run.content, run.committed_by) == (ImportStatus.COMMITTED, None, org_admin_a)
    assert Person.objects.count() == 2 and Case.objects.count() == 1
    assert "Die Arbeitsmappe wurde importiert." in client.get(response["Location"]).content.decode()

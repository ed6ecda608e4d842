"""Long work in the background: jobs on a queue kept in PostgreSQL, and how far they are.

The queue is procrastinate's (``procrastinate.contrib.django``): no server
beside PostgreSQL, so it works with the embedded database as with a real one,
and several workers (``manage.py procrastinate worker``) may share it. A job
is deferred in the transaction of the request that asks for it, so it exists
exactly when what the request wrote does. The tasks are in
``lotse.core.tasks``.

A job runs in one transaction of its own; what it has done so far goes to
:class:`~lotse.core.models.JobProgress` through a connection of its own,
outside that transaction, so that a page can poll it while the job's writes
stay invisible until they commit. A worker killed midway leaves nothing
half-written: its transaction ends with its connection, and the job is started
again (``retry_stalled_jobs``).
"""

from __future__ import annotations

import enum
import json
import time
from datetime import timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

# A worker silent for this long (no heartbeat, seconds) is taken for dead (procrastinate's own default).
STALLED_SECONDS = 30
# Progress is written at most this often (seconds), except when the phase changes.
WRITE_INTERVAL = 0.5


class Phase(enum.StrEnum):
    """What a job of the staged import is doing; the page names it (lotse/core/templates/core/_job_progress.html)."""

    READING = "reading"
    CHECKING = "checking"
    WRITING = "writing"


class Progress:
    """Receives how far a job is. This one forgets it: the command line and the importers' own tests."""

    def phase(self, phase: Phase) -> None:
        """The job begins another phase."""

    def sheet(self, name: str, done: int, total: int | None) -> None:
        """Of sheet ``name``, ``done`` rows are read and checked, of about ``total`` (None: not known)."""


NO_PROGRESS = Progress()


class RecordedProgress(Progress):
    """Writes the progress of the job with ``key`` to JobProgress, outside the job's transaction."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.data: dict[str, Any] = {"phase": "", "sheets": []}
        self._connection: BaseDatabaseWrapper | None = None
        self._written = 0.0

    def phase(self, phase: Phase) -> None:
        self.data["phase"] = str(phase)
        self._write(force=True)

    def sheet(self, name: str, done: int, total: int | None) -> None:
        sheets: list[list[Any]] = self.data["sheets"]
        if not sheets or sheets[-1][0] != name:
            sheets.append([name, done, total])
        else:
            sheets[-1][1:] = [done, total]
        self._write(force=False)

    def _write(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._written < WRITE_INTERVAL:
            return
        self._written = now
        try:
            with self._side().cursor() as cursor:
                cursor.execute(
                    "INSERT INTO core_jobprogress (key, data, updated_at) VALUES (%s, %s, now()) "
                    "ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at",
                    [self.key, json.dumps(self.data)],
                )
        except DatabaseError:
            # Progress is for the eyes only: the job goes on without it.
            self._close()

    def _side(self) -> BaseDatabaseWrapper:
        """A connection of its own, in autocommit: what it writes is seen at once, whatever the job's transaction."""
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        return self._connection

    def finish(self) -> None:
        """The job is done: its progress is dropped (the page shows the result now)."""
        try:
            with self._side().cursor() as cursor:
                cursor.execute("DELETE FROM core_jobprogress WHERE key = %s", [self.key])
        except DatabaseError:
            pass
        self._close()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def progress_of(key: str) -> dict[str, Any]:
    """What the job with ``key`` last wrote of its progress ({} before it began)."""
    from lotse.core.models import JobProgress

    found = JobProgress.objects.filter(key=key).values_list("data", flat=True).first()
    return dict(found) if found else {}


class JobState(enum.StrEnum):
    """Where a job is, as its page tells the user."""

    WAITING = "waiting"  # in the queue: no worker has taken it yet
    RUNNING = "running"
    INTERRUPTED = "interrupted"  # its worker is gone; a worker starts it again (retry_stalled_jobs)
    FAILED = "failed"  # it ended with an error, or is gone: it may be started again
    DONE = "done"


def job_state(job_id: int | None) -> JobState:
    """The state of the job ``job_id`` in procrastinate's table."""
    if job_id is None:
        return JobState.FAILED
    found = ProcrastinateJob.objects.filter(pk=job_id).values_list("status", "worker__last_heartbeat").first()
    if found is None:
        return JobState.FAILED
    status, heartbeat = found
    if status == "todo":
        return JobState.WAITING
    if status == "doing":
        alive = heartbeat is not None and heartbeat > timezone.now() - timedelta(seconds=STALLED_SECONDS)
        return JobState.RUNNING if alive else JobState.INTERRUPTED
    if status == "succeeded":
        return JobState.DONE
    return JobState.FAILED

"""The background jobs of the platform (lotse.core.jobs): a staged import's check and commit, large exports.

procrastinate finds this module by its name (``tasks``) in every installed
app; a worker runs the jobs: ``manage.py procrastinate worker``.
"""

from __future__ import annotations

from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.jobs import Status

from lotse.core import downloads, staged_import

# All of the platform's jobs go to this queue.
QUEUE = "lotse"
# How often a job may lose its worker before it is given up as failed.
STALLED_ATTEMPTS = 3


@app.task(name="lotse.check_import", queue=QUEUE)
def check_import(run_id: int, user_id: int | None) -> None:
    """Check an upload in a dry run and keep its report (lotse.core.staged_import.run_check)."""
    staged_import.run_check(run_id, user_id)


@app.task(name="lotse.commit_import", queue=QUEUE)
def commit_import(run_id: int, user_id: int | None) -> None:
    """Import a checked upload, all rows or none (lotse.core.staged_import.run_commit)."""
    staged_import.run_commit(run_id, user_id)


@app.task(name="lotse.prepare_download", queue=QUEUE)
def prepare_download(download_id: int) -> None:
    """Write a large export into its PreparedDownload (lotse.core.downloads.run_prepare)."""
    downloads.run_prepare(download_id)


@app.periodic(cron="17 * * * *", periodic_id="delete_expired_downloads")
@app.task(name="lotse.delete_expired_downloads", queue=QUEUE, queueing_lock="delete_expired_downloads")
def delete_expired_downloads(timestamp: int) -> None:
    """Every hour: delete the prepared exports older than a day (they hold personal data), and stale progress."""
    downloads.delete_expired()


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(name="lotse.retry_stalled_jobs", queue=QUEUE, queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Start again, once a minute, the jobs whose worker stopped sending its heartbeat (killed, or its host gone).

    What such a job wrote was rolled back with its connection; the check and
    the commit may run again from the beginning. A job that lost its worker
    ``STALLED_ATTEMPTS`` times (one that kills its worker, say by running out
    of memory) is marked failed instead: its page offers to start it again or
    to discard it, and the organisation's next import may run.
    """
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        if job.attempts + 1 >= STALLED_ATTEMPTS:
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
        else:
            await manager.retry_job(job)


@app.periodic(cron="43 3 * * *", periodic_id="remove_old_jobs")
@app.task(name="lotse.remove_old_jobs", queue=QUEUE, queueing_lock="remove_old_jobs", pass_context=True)
async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
    """Every night: forget the jobs that ended more than a week ago (one retry check a minute adds up)."""
    await context.app.job_manager.delete_old_jobs(
        nb_hours=7 * 24, include_failed=True, include_cancelled=True, include_aborted=True
    )

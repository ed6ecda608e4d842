"""The background jobs of housing (found by procrastinate by this module's name)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from lotse.core.tasks import QUEUE
from lotse.housing.placement_services import record_tenancies_begun


@app.periodic(cron="23 2 * * *", periodic_id="record_tenancies_begun")
@app.task(name="lotse.record_tenancies_begun", queue=QUEUE, queueing_lock="record_tenancies_begun")
def record_tenancies_begun_job(timestamp: int) -> None:
    """Every night: the private tenancy of the households whose lease began (a lease is often signed weeks before
    the tenancy begins; the housing facts are dated and written on its first day)."""
    record_tenancies_begun(acting_user=None)

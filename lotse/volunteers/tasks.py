"""The background jobs of volunteering (found by procrastinate by this module's name)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from lotse.core.tasks import QUEUE
from lotse.volunteers import volunteer_services


@app.periodic(cron="11 3 * * *", periodic_id="anonymise_left_volunteers")
@app.task(name="lotse.anonymise_left_volunteers", queue=QUEUE, queueing_lock="anonymise_left_volunteers")
def anonymise_left_volunteers(timestamp: int) -> None:
    """Every night: anonymise the volunteers who left more than LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS ago."""
    volunteer_services.anonymise_left_volunteers(acting_user=None)

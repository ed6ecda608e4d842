"""The background jobs of the key figures (found by procrastinate by this module's name)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from lotse.core.tasks import QUEUE
from lotse.reports import closed_months


@app.periodic(cron="29 2 * * *", periodic_id="forget_outdated_figures")
@app.task(name="lotse.forget_outdated_figures", queue=QUEUE, queueing_lock="forget_outdated_figures")
def forget_outdated_figures(timestamp: int) -> None:
    """Every night: delete kept figures of closed months that no longer hold, and the changes logged before."""
    closed_months.forget_outdated()

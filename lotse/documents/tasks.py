"""The background job of documents (lotse.core.jobs): removing files that no document names, every night."""

from __future__ import annotations

from procrastinate.contrib.django import app

from lotse.documents import services

# The platform's queue (lotse.core.tasks.QUEUE).
QUEUE = "lotse"


@app.periodic(cron="29 4 * * *", periodic_id="remove_unrecorded_document_files")
@app.task(name="lotse.remove_unrecorded_document_files", queue=QUEUE, queueing_lock="remove_unrecorded_document_files")
def remove_unrecorded_document_files(timestamp: int) -> None:
    """Every night: remove the files a rolled-back upload or a failed removal left in the document storage."""
    services.remove_unrecorded_files()

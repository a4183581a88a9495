"""Background work owned by contacts: running a CSV import job started from the import screen."""

from __future__ import annotations

from celery import shared_task

from tendril.contacts.importer import import_job_execute


@shared_task(name="tendril.contacts.import_job_run", ignore_result=True)
def import_job_run(job_id: int) -> str | None:
    """Run one waiting import job; a redelivered message finds it claimed and does nothing."""
    job = import_job_execute(job_id=job_id)
    return job.status if job is not None else None

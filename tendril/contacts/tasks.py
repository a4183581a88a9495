"""Background work owned by contacts: running a CSV import job started from the import screen,
expiring uploads nobody started, and failing the jobs a crashed process left behind."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from tendril.contacts.importer import import_job_execute
from tendril.contacts.importer.jobs import import_jobs_recover, import_uploads_expire
from tendril.core.scheduler import periodic
from tendril.core.startup import on_startup


@shared_task(name="tendril.contacts.import_job_run", ignore_result=True)
def import_job_run(job_id: int) -> str | None:
    """Run one waiting import job; a redelivered message finds it claimed and does nothing."""
    job = import_job_execute(job_id=job_id)
    return job.status if job is not None else None


@periodic(every=600.0)
@shared_task(name="tendril.contacts.import_uploads_expire", ignore_result=True)
def import_uploads_expire_tick() -> int:
    """Delete the uploads nobody started within a day (they hold personal data)."""
    return import_uploads_expire()


@on_startup
def import_jobs_recover_at_startup() -> None:
    if not settings.BROKER_URL:
        # ``tendril run`` with its in-process worker: the only process that runs import jobs.
        import_jobs_recover()
        return
    # A Celery worker: others may be running jobs right now; ask them which (a second at
    # most). Started jobs still waiting have their message in the broker: they will run.
    replies = import_job_run.app.control.inspect(timeout=1.0).active() or {}
    running = {
        int(task["kwargs"]["job_id"])
        for tasks in replies.values()
        for task in tasks
        if task.get("name") == import_job_run.name and "job_id" in (task.get("kwargs") or {})
    }
    import_jobs_recover(running_elsewhere=running)

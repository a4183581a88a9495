"""Background work owned by contacts: running a CSV import job started from the import screen
and a bulk action started from the contact list, expiring uploads nobody started and exports
nobody fetched, and failing the jobs a crashed process left behind."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings

from tendril.contacts.bulk import bulk_exports_expire, bulk_job_execute, bulk_jobs_recover
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


@shared_task(name="tendril.contacts.bulk_job_run", ignore_result=True)
def bulk_job_run(job_id: int) -> str | None:
    """Run one waiting bulk job; a redelivered message finds it claimed and does nothing."""
    job = bulk_job_execute(job_id=job_id)
    return job.status if job is not None else None


@periodic(every=3600.0)
@shared_task(name="tendril.contacts.bulk_exports_expire", ignore_result=True)
def bulk_exports_expire_tick() -> int:
    """Delete the bulk exports' files after a day (they hold personal data)."""
    return bulk_exports_expire()


def _running_elsewhere(task: Task) -> set[int] | None:
    """The job ids live workers run ``task`` for right now, or None in ``tendril run`` with its
    in-process worker, the only process that runs jobs."""
    if not settings.BROKER_URL:
        return None
    # A Celery worker: others may be running jobs right now; ask them which (a second at
    # most). Started jobs still waiting have their message in the broker: they will run.
    replies = task.app.control.inspect(timeout=1.0).active() or {}
    return {
        int(active["kwargs"]["job_id"])
        for tasks in replies.values()
        for active in tasks
        if active.get("name") == task.name and "job_id" in (active.get("kwargs") or {})
    }


@on_startup
def import_jobs_recover_at_startup() -> None:
    import_jobs_recover(running_elsewhere=_running_elsewhere(import_job_run))


@on_startup
def bulk_jobs_recover_at_startup() -> None:
    bulk_jobs_recover(running_elsewhere=_running_elsewhere(bulk_job_run))

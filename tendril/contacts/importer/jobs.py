"""Import jobs (the import screens): storing the uploaded file, starting a job once its mapping
is checked, and running it in the background with progress recorded after each chunk.

The uploaded file holds personal data: it is written readable by Tendril's user only, and
removed as soon as nothing will read it: after the job ran, when a crashed process left the job
behind (:func:`import_jobs_recover`, at start-up), or when nobody started the job within
``UPLOAD_KEPT`` (:func:`import_uploads_expire`, every ten minutes and whenever the job is
shown or started).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from tendril.accounts.services import Actor
from tendril.contacts.importer.mapping import import_mapping_check
from tendril.contacts.importer.reading import import_preview
from tendril.contacts.importer.running import ImportFile, job_closing, job_new
from tendril.contacts.models import ImportJob, ImportStatus
from tendril.core import clock
from tendril.core.errors import DomainError, InvalidInput
from tendril.core.files import private_dir, private_open

logger = logging.getLogger(__name__)
UPLOAD_KEPT = timedelta(days=1)


def imports_dir() -> Path:
    return private_dir(Path(settings.VAR_DIR) / "imports")


def import_job_create(*, upload: Any, by: Actor) -> ImportJob:
    """Store an uploaded file under ``VAR_DIR/imports`` and make a waiting job of it."""
    path = imports_dir() / f"{uuid.uuid4().hex}.csv"
    with private_open(path, "xb") as out:
        for part in upload.chunks():
            out.write(part)
    return job_new(file_name=upload.name or "", by=by, file_path=str(path))


def import_job_start(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Check the mapping against the file, then run the job in the background."""
    from tendril.contacts.tasks import import_job_run
    from tendril.core.tasks import enqueue

    if import_uploads_expire(job=job):
        job.refresh_from_db()
    if job.status == ImportStatus.EXPIRED:
        raise InvalidInput(_("this upload has expired: upload the file again"))
    if job.status != ImportStatus.PENDING:
        raise InvalidInput(_("this import has already been started"))
    import_mapping_check(
        headers=import_preview(path=job.file_path, rows=0)["headers"], mapping=mapping
    )
    job.mapping = mapping
    job.save(update_fields=["mapping"])
    enqueue(import_job_run, job_id=job.pk)
    return job


def import_job_execute(*, job_id: int) -> ImportJob | None:
    """Run a waiting job, recording progress after each chunk; the file is removed afterwards
    (it holds personal data). Returns None when the job was already claimed."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with job_closing(job), open(job.file_path, "rb") as raw:
            ImportFile(raw, mapping=job.mapping).run(job=job, by=job.created_by)
    except DomainError:
        pass  # its message is the job's error, for the status page
    except Exception:
        logger.exception("import job %s failed", job_id)
    finally:
        Path(job.file_path).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def _started(job: ImportJob) -> bool:
    # import_job_start saves the checked mapping (never empty: it names the email column)
    # just before it hands the job to the worker.
    return job.status == ImportStatus.RUNNING or bool(job.mapping)


def _close(job: ImportJob, *, status: str, error: str) -> bool:
    """Move ``job`` from the status it was read with to ``status`` and remove its file; False
    when someone else changed it first."""
    changed = ImportJob.objects.filter(pk=job.pk, status=job.status, mapping=job.mapping).update(
        status=status, error=error, finished_at=clock.now()
    )
    if changed:
        Path(job.file_path).unlink(missing_ok=True)
    return bool(changed)


def import_jobs_recover(*, running_elsewhere: Iterable[int] | None = None) -> list[ImportJob]:
    """Fail the jobs a crashed process left started but unfinished, and remove their files.

    Call it when a process that runs import jobs starts, before it takes one. With
    ``running_elsewhere`` None, this process is the only one that runs them (``tendril run``
    without a broker): every running job, and every started job still waiting (its queue died
    with the process), is stranded. Otherwise (a Celery worker) only running jobs other than
    ``running_elsewhere``, the ones live workers report, are: a waiting job's message is still
    in the broker. Imports without a stored file run inside an API request or ``tendril import``
    (another process, maybe still running): they are not this one's to judge. Returns the jobs
    it failed.
    """
    statuses = [ImportStatus.RUNNING]
    if running_elsewhere is None:
        statuses.append(ImportStatus.PENDING)
    stranded = [
        job
        for job in ImportJob.objects.filter(status__in=statuses)
        .exclude(pk__in=list(running_elsewhere or ()))
        .exclude(file_path="")
        if _started(job)
    ]
    failed = []
    for job in stranded:
        if job.status == ImportStatus.RUNNING:
            error = _(
                "the import was interrupted because Tendril stopped while it ran; the rows "
                "counted as done were imported. Upload the file again to import the rest (rows "
                "already imported are updated, not duplicated)."
            )
        else:
            error = _(
                "the import never ran because Tendril stopped before it began; nothing was "
                "imported. Upload the file again."
            )
        if _close(job, status=ImportStatus.FAILED, error=error):
            logger.warning(
                "import job %s, left %s by a stopped process, failed", job.pk, job.status
            )
            failed.append(job)
    return failed


def import_upload_expires_at(job: ImportJob) -> datetime:
    """When an upload nobody started is deleted (the preview says so)."""
    return job.created_at + UPLOAD_KEPT


def import_uploads_expire(*, job: ImportJob | None = None) -> int:
    """Expire the uploads nobody started within ``UPLOAD_KEPT`` (only ``job``, when given);
    returns how many.

    The periodic pass runs every few minutes; the screens also check the upload they show, so
    an upload is refused from exactly a day after it came, whenever the pass runs.
    """
    cutoff = clock.now() - UPLOAD_KEPT
    error = _(
        "this upload was never imported and was deleted after a day, as it holds personal data. "
        "Upload the file again to import it."
    )
    waiting = ImportJob.objects.filter(status=ImportStatus.PENDING, created_at__lte=cutoff)
    if job is not None:
        waiting = waiting.filter(pk=job.pk)
    return sum(
        _close(upload, status=ImportStatus.EXPIRED, error=error)
        for upload in waiting
        if not _started(upload)
    )

"""Import jobs (the import screens): storing the uploaded file, starting a job once its mapping
is checked, and running it in the background with progress recorded after each chunk."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor
from tendril.contacts.importer.mapping import import_mapping_check
from tendril.contacts.importer.reading import import_preview
from tendril.contacts.importer.running import Progress, run_import
from tendril.contacts.models import ImportJob, ImportStatus
from tendril.core import clock
from tendril.core.errors import DomainError, InvalidInput

logger = logging.getLogger(__name__)


def imports_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def import_job_create(*, upload: Any, by: Actor) -> ImportJob:
    """Store an uploaded file under ``VAR_DIR/imports`` and make a waiting job of it."""
    path = imports_dir() / f"{uuid.uuid4().hex}.csv"
    with open(path, "wb") as out:
        for part in upload.chunks():
            out.write(part)
    return ImportJob.objects.create(
        file_path=str(path),
        file_name=Path(upload.name or "upload.csv").name[:255],
        created_by=by if isinstance(by, User) else None,
        created_at=clock.now(),
    )


def import_job_start(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Check the mapping against the file, then run the job in the background."""
    from tendril.contacts.tasks import import_job_run
    from tendril.core.tasks import enqueue

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

    def record(progress: Progress) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            rows_done=progress.rows_done,
            created=progress.report["created"],
            updated=progress.report["updated"],
            rejected_count=progress.report["rejected_count"],
            rejected=progress.report["rejected"],
        )

    status, error = ImportStatus.DONE, ""
    try:
        with open(job.file_path, "rb") as raw:
            run_import(
                raw,
                file_name=job.file_name,
                mapping=job.mapping,
                source=job.source,
                by=job.created_by,
                on_progress=record,
            )
    except DomainError as exc:
        status, error = ImportStatus.FAILED, exc.message
    except Exception:
        logger.exception("import job %s failed", job_id)
        status = ImportStatus.FAILED
        error = _(
            "the import stopped because of an error on our side (it has been logged); the rows "
            "counted as done were imported"
        )
    finally:
        Path(job.file_path).unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job_id).update(status=status, error=error, finished_at=clock.now())
    job.refresh_from_db()
    return job

"""Bulk actions on contacts: assign an owner, set a stage, export or erase the contacts chosen on
the list, or every contact matching a view of it, as a background job with progress.

A job is made by :func:`bulk_job_create` (which checks the action, counts the contacts and, for
an erasure, that the person confirmed that very count), then run once by
:func:`bulk_job_execute`, whoever calls it and however often: the first caller claims it.
Contacts go through the contact services one by one, in batches of ``BATCH`` between progress
updates, so each changed contact records its events (``stage_changed``, ``owner_assigned``) and
each erasure its audit entry exactly as a change made on the contact's page would; a contact
already at the stage or owner asked for is left alone and records nothing.

A job over a view takes the contacts that match when it runs, up to the newest contact that
existed when it was made: people created meanwhile were not in the list the person looked at.
An export's CSV is written readable by Tendril only and deleted after ``EXPORT_KEPT``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import audit_record
from tendril.contacts import services
from tendril.contacts.exporter import export_contacts
from tendril.contacts.listing import filters_dump, filters_load
from tendril.contacts.models import BulkAction, BulkJob, BulkStatus, Contact
from tendril.contacts.selectors import (
    DEFAULT_ORDER,
    ContactFilters,
    contact_list,
    contact_order_check,
)
from tendril.contacts.stages import stage_keys
from tendril.core import clock
from tendril.core.errors import DomainError, Forbidden, InvalidInput, NotFound, first_or_not_found
from tendril.core.files import private_dir, private_open
from tendril.core.models import EventSource

logger = logging.getLogger(__name__)

# Contacts between two progress updates: each is its own transaction, so this only sets how
# often the job page moves.
BATCH = 100
EXPORT_KEPT = timedelta(days=1)


def exports_dir() -> Path:
    return private_dir(Path(settings.VAR_DIR) / "exports")


def bulk_selection(
    *,
    ids: Collection[int] | None = None,
    filters: ContactFilters | None = None,
    up_to_id: int | None = None,
    order: str = DEFAULT_ORDER,
) -> QuerySet[Contact]:
    """The contacts a bulk action acts on, in the list's ``order``: the chosen ``ids`` that
    still exist, or every contact matching ``filters`` (with an id up to ``up_to_id``)."""
    if ids is not None:
        return contact_list(filters=ContactFilters(), order=order).filter(pk__in=list(ids))
    contacts = contact_list(filters=filters or ContactFilters(), order=order)
    return contacts if up_to_id is None else contacts.filter(pk__lte=up_to_id)


def bulk_job_contacts(job: BulkJob, *, order: str = DEFAULT_ORDER) -> QuerySet[Contact]:
    if job.contact_ids:
        return bulk_selection(ids=job.contact_ids, order=order)
    return bulk_selection(
        filters=filters_load(job.filters), up_to_id=job.params.get("up_to_id"), order=order
    )


def _params_clean(action: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """What the action needs, checked: the owner, the stage, or the export's columns and order."""
    if action == BulkAction.ASSIGN_OWNER:
        owner = params.get("owner")
        if owner is not None and not User.objects.filter(pk=owner, is_active=True).exists():
            raise InvalidInput(_("Choose an active user as the owner."), field="owner")
        return {"owner": owner}
    if action == BulkAction.SET_STAGE:
        stage = params.get("stage")
        if stage not in stage_keys():
            raise InvalidInput(_("Choose the stage to set."), field="stage")
        return {"stage": stage}
    if action == BulkAction.EXPORT:
        columns = params.get("columns")
        return {
            "order": contact_order_check(params.get("order") or DEFAULT_ORDER),
            "columns": None if columns is None else [str(c) for c in columns],
        }
    return {}


def bulk_job_create(
    *,
    action: str,
    by: User,
    ids: Collection[int] | None = None,
    filters: ContactFilters | None = None,
    params: Mapping[str, Any] | None = None,
    confirmed_total: int | None = None,
) -> BulkJob:
    """A job doing ``action`` to the contacts with ``ids``, or else to every contact matching
    ``filters``; it starts in the background once this transaction commits.

    An erasure needs ``confirmed_total``, the number of contacts the person typed: when the
    selection no longer counts that many, nothing happens and they are asked again.
    """
    if not by.can_edit_marketing:
        raise Forbidden(_("Only marketers and admins can change contacts in bulk."))
    if action not in BulkAction.values:
        raise InvalidInput(_("Choose what to do with the contacts."), field="action")
    clean = _params_clean(action, params or {})
    if ids is not None:
        ids = sorted(set(ids))
        if not ids:
            raise InvalidInput(_("Select at least one contact."), field="ids")
        contacts = bulk_selection(ids=ids)
    else:
        clean["up_to_id"] = Contact.objects.aggregate(top=Max("id"))["top"] or 0
        contacts = bulk_selection(filters=filters, up_to_id=clean["up_to_id"])
    total = contacts.count()
    if not total:
        raise InvalidInput(_("No contact matches: there is nothing to do."), field="ids")
    if action == BulkAction.ERASE and confirmed_total != total:
        raise InvalidInput(
            _("The selection now holds %(count)s contacts. Check it and confirm again.")
            % {"count": total},
            field="typed",
        )
    from tendril.contacts.tasks import bulk_job_run
    from tendril.core.tasks import enqueue

    with transaction.atomic():
        job = BulkJob.objects.create(
            action=action,
            params=clean,
            contact_ids=ids or [],
            filters={} if ids is not None else filters_dump(filters or ContactFilters()),
            total=total,
            created_by=by,
            created_at=clock.now(),
        )
        if action in (BulkAction.ERASE, BulkAction.EXPORT):
            audit_record(
                actor=by,
                action="contacts.bulk_erase" if action == BulkAction.ERASE else "contacts.export",
                target_type="bulk_job",
                target_id=job.pk,
                detail={"contacts": total, "chosen": len(ids or []), "filters": job.filters},
            )
        enqueue(bulk_job_run, job_id=job.pk)
    return job


# --- running a job ----------------------------------------------------------------------------


def _claim(job_id: int) -> BulkJob | None:
    """Take a waiting job for this caller alone: a second worker, or a redelivered message,
    skips the row the first one holds and then finds it running."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.status != BulkStatus.PENDING:
            return None
        # On SQLite FOR UPDATE is a no-op: the status check in this UPDATE is the claim there.
        if not BulkJob.objects.filter(pk=job_id, status=BulkStatus.PENDING).update(
            status=BulkStatus.RUNNING
        ):
            return None
    job.status = BulkStatus.RUNNING
    return job


def _update(key: str) -> Callable[[BulkJob, Contact], None]:
    """The action that gives each contact the job's ``key`` value through the contact's one
    write path, so each change records its event (owner_assigned, stage_changed) once."""

    def update(job: BulkJob, contact: Contact) -> None:
        services.contact_update(
            contact=contact, data={key: job.params[key]}, by=job.created_by, method=EventSource.UI
        )

    return update


def _erase(job: BulkJob, contact: Contact) -> None:
    services.contact_erase(contact=contact, by=job.created_by)


_EACH: dict[str, Callable[[BulkJob, Contact], None]] = {
    BulkAction.ASSIGN_OWNER: _update("owner"),
    BulkAction.SET_STAGE: _update("stage"),
    BulkAction.ERASE: _erase,
}


def _progress(job: BulkJob, done: int) -> None:
    BulkJob.objects.filter(pk=job.pk).update(done=done)


def _each_contact(job: BulkJob, act: Callable[[BulkJob, Contact], None]) -> None:
    """``act`` on each contact of the job in id order, a batch at a time; the walk goes by id,
    so contacts a batch changed (or erased) never shift the next batch."""
    contacts = bulk_job_contacts(job).order_by("pk").values_list("pk", flat=True)
    done = last = 0
    while batch := list(contacts.filter(pk__gt=last)[:BATCH]):
        for contact_id in batch:
            # A contact erased since the batch was read has nothing left to do.
            with contextlib.suppress(Contact.DoesNotExist):
                act(job, Contact(pk=contact_id))
        done += len(batch)
        last = batch[-1]
        _progress(job, done)


def _export(job: BulkJob) -> None:
    path = exports_dir() / f"{uuid.uuid4().hex}.csv"
    BulkJob.objects.filter(pk=job.pk).update(file_path=str(path))
    job.file_path = str(path)
    contacts = bulk_job_contacts(job, order=job.params.get("order") or DEFAULT_ORDER)
    # A BOM first, so spreadsheets read the file as UTF-8 (as the export link's file).
    with io.TextIOWrapper(private_open(path, "xb"), encoding="utf-8-sig", newline="") as out:
        export_contacts(
            out=out,
            contacts=contacts,
            columns=job.params.get("columns"),
            progress=lambda done: _progress(job, done),
        )


def bulk_job_execute(*, job_id: int) -> BulkJob | None:
    """Run a waiting job to its end, recording progress; None when it was not waiting (another
    worker has it, or it ran already)."""
    job = _claim(job_id)
    if job is None:
        return None
    status, error = BulkStatus.DONE, ""
    try:
        if job.action == BulkAction.EXPORT:
            _export(job)
        else:
            _each_contact(job, _EACH[job.action])
    except DomainError as exc:  # e.g. the new owner was deactivated meanwhile
        status, error = BulkStatus.FAILED, exc.message
    except Exception:
        logger.exception("bulk job %s failed", job_id)
        status = BulkStatus.FAILED
        error = _(
            "The action stopped because of an error on our side (it has been logged); the "
            "contacts counted as done were changed."
        )
    if status == BulkStatus.FAILED and job.file_path:
        Path(job.file_path).unlink(missing_ok=True)
        job.file_path = ""
    BulkJob.objects.filter(pk=job_id).update(
        status=status, error=error, file_path=job.file_path, finished_at=clock.now()
    )
    job.refresh_from_db()
    return job


# --- reading jobs, their files, and cleaning up ---------------------------------------------


def bulk_job_get_for(viewer: User, job_id: int) -> BulkJob:
    """Bulk jobs are marketing's work; every marketer and admin sees every job (as imports)."""
    if not viewer.can_edit_marketing:
        raise NotFound(_("There is no such bulk action."))
    return first_or_not_found(
        BulkJob.objects.select_related("created_by").filter(pk=job_id),
        _("There is no such bulk action."),
    )


def bulk_job_file(job: BulkJob, viewer: User) -> Path:
    """The CSV of a finished export, for the person who asked for it only (it holds personal
    data); NotFound for anyone else, and once it has been deleted."""
    path = Path(job.file_path) if job.file_path else None
    if (
        job.created_by_id != viewer.pk
        or job.status != BulkStatus.DONE
        or path is None
        or not path.exists()
    ):
        raise NotFound(_("This export's file is not available."))
    return path


def bulk_job_file_available(job: BulkJob, viewer: User) -> bool:
    try:
        bulk_job_file(job, viewer)
    except NotFound:
        return False
    return True


def bulk_jobs_recover(*, running_elsewhere: Iterable[int] | None = None) -> list[BulkJob]:
    """Fail the jobs a stopped process left unfinished (as ``import_jobs_recover`` does for
    imports). ``running_elsewhere`` None: this process is the only one that runs jobs, so every
    running or waiting job is stranded; otherwise only running jobs other than those, the ones
    live workers report (a waiting job's message is still in the broker)."""
    statuses = [BulkStatus.RUNNING]
    if running_elsewhere is None:
        statuses.append(BulkStatus.PENDING)
    failed = []
    stranded = BulkJob.objects.filter(status__in=statuses).exclude(
        pk__in=list(running_elsewhere or ())
    )
    for job in stranded:
        if job.status == BulkStatus.RUNNING:
            error = _(
                "Tendril stopped while this ran; %(done)s of %(total)s contacts were done. Run "
                "the action again for the rest."
            ) % {"done": job.done, "total": job.total}
        else:
            error = _(
                "This never ran because Tendril stopped before it began; nothing was changed. "
                "Run the action again."
            )
        closed = BulkJob.objects.filter(pk=job.pk, status=job.status).update(
            status=BulkStatus.FAILED, error=error, finished_at=clock.now()
        )
        if closed:
            if job.file_path:
                Path(job.file_path).unlink(missing_ok=True)
            logger.warning("bulk job %s, left %s by a stopped process, failed", job.pk, job.status)
            failed.append(job)
    return failed


def bulk_exports_expire() -> int:
    """Delete the export files older than ``EXPORT_KEPT`` (they hold personal data)."""
    old = BulkJob.objects.filter(
        action=BulkAction.EXPORT, finished_at__lt=clock.now() - EXPORT_KEPT
    ).exclude(file_path="")
    count = 0
    for job in old:
        Path(job.file_path).unlink(missing_ok=True)
        count += BulkJob.objects.filter(pk=job.pk).update(file_path="")
    return count

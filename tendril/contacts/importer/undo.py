"""Undoing an import: deleting, in one audited action, the contacts it created.

A wrong file (the wrong list, a bad column mapping) is the mistake an undo is for, so it is
offered for ``UNDO_DAYS`` after the import finished, once. Only the contacts the import created
go (those it updated existed before it and stay); their events stay in the log, anonymised,
like an erased person's. It is not a GDPR erasure: the addresses are not suppressed, so the
right file can bring the same people back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from tendril.accounts.services import Actor, audit_record
from tendril.contacts.models import Contact, ImportJob
from tendril.contacts.services import contact_events_anonymise
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput

UNDO_DAYS = 30
# Contacts deleted per statement: few enough for any database's parameter limit, and for the
# ORM to collect their consents without holding thousands of rows.
_BATCH = 1000


def import_job_undo_until(job: ImportJob) -> datetime | None:
    """Until when ``job`` can be undone; None when it cannot (not finished, or already undone)."""
    if job.finished_at is None or job.undone_at is not None:
        return None
    return job.finished_at + timedelta(days=UNDO_DAYS)


def import_job_undoable(job: ImportJob) -> bool:
    """Whether the undo may be offered now (it also needs contacts left to delete)."""
    until = import_job_undo_until(job)
    return until is not None and clock.now() <= until


def import_job_created_count(job: ImportJob) -> int:
    """How many of the contacts ``job`` created are still there: what an undo deletes."""
    return Contact.objects.filter(import_job=job).count()


def _check(job: ImportJob) -> None:
    if job.undone_at is not None:
        raise Conflict(_("This import has already been undone."))
    if job.finished_at is None:
        raise InvalidInput(_("This import has not finished yet: it can be undone once it has."))
    if not import_job_undoable(job):
        raise InvalidInput(
            _(
                "This import finished more than %(days)d days ago: the contacts it created can "
                "no longer be deleted in one action."
            )
            % {"days": UNDO_DAYS}
        )


def import_job_undo(*, job: ImportJob, by: Actor) -> ImportJob:
    """Delete the contacts ``job`` created and mark it undone, with one audit entry.

    The job row is locked first, so of two people undoing the same import at once, one deletes
    and the other is told it was already undone.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        _check(job)
        created = Contact.objects.filter(import_job=job).order_by("pk")
        deleted = 0
        while batch := list(created.values_list("pk", flat=True)[:_BATCH]):
            contact_events_anonymise(contact_ids=batch)
            deleted += Contact.objects.filter(pk__in=batch).delete()[1].get("contacts.Contact", 0)
        if not deleted:
            raise InvalidInput(_("None of the contacts this import created is left to delete."))
        job.undone_at = clock.now()
        job.undone_count = deleted
        job.save(update_fields=["undone_at", "undone_count"])
        audit_record(
            actor=by,
            action="contacts.import_undo",
            target_type="import",
            target_id=job.pk,
            detail={"file": job.file_name, "deleted": deleted},
        )
    return job

"""Running an import from an open file: read, map, clean, write in chunks of ``CHUNK_ROWS``,
count every row, record the counts on the import's :class:`ImportJob` after each chunk, and
audit it; and the entry points that import in the calling process (the CLI and the API).

Every import is an :class:`ImportJob`, wherever it comes from: the screens make one when the
file is uploaded, the CLI and the API when their file has passed its header checks. So the
contacts it creates carry its id, its counts are on its status page, and it can be undone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypedDict

from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.importer.mapping import mapping_parse, plan_columns
from tendril.contacts.importer.reading import CsvFile
from tendril.contacts.importer.rows import RowRules, SeenEmails, merge_row
from tendril.contacts.importer.writing import ChunkWriter
from tendril.contacts.models import ImportJob, ImportStatus
from tendril.contacts.services import consent_withdrawn_message, custom_field_definitions
from tendril.core import clock
from tendril.core.errors import DomainError, InvalidInput
from tendril.core.models import EventSource

# Rows per transaction: big enough for bulk statements to pay off, small enough that a chunk's
# objects stay a few MB and a failed chunk costs little to redo.
CHUNK_ROWS = 2000
REJECTED_KEPT = 1000


class ImportReport(TypedDict):
    """What happened to each row read: ``rows`` = created + updated + merged + rejected_count.

    ``created`` and ``updated`` count the first row of each email (a new contact, or one that
    existed before the import); ``merged`` the rows whose email an earlier row of the file
    already had (their non-empty cells were folded into that row's contact).
    """

    rows: int
    created: int
    updated: int
    merged: int
    rejected: list[dict[str, Any]]
    rejected_count: int


def job_new(*, file_name: str, by: Actor, **fields: Any) -> ImportJob:
    """A new import job; only people (not API keys) are kept as its creator."""
    return ImportJob.objects.create(
        file_name=Path(file_name or "upload.csv").name[:255],
        created_by=by if isinstance(by, User) else None,
        created_at=clock.now(),
        **fields,
    )


@contextmanager
def job_closing(job: ImportJob) -> Iterator[None]:
    """Close ``job`` when the block ends: done, or failed with the reason (a domain error's
    message, else a plain apology); the exception goes on to the caller."""
    status = ImportStatus.FAILED
    error = _(
        "the import stopped because of an error on our side (it has been logged); the rows "
        "counted as done were imported"
    )
    try:
        yield
        status, error = ImportStatus.DONE, ""
    except DomainError as exc:
        error = exc.message
        raise
    finally:
        ImportJob.objects.filter(pk=job.pk).update(
            status=status, error=error, finished_at=clock.now()
        )


def _consent_refused(
    report: ImportReport, row: tuple[int, bool], unsubscribed_at: datetime
) -> None:
    """A row that granted email consent to someone who unsubscribed: reported as rejected
    (counted as such instead of as updated or merged), though its other cells were written."""
    line, first = row
    report["updated" if first else "merged"] -= 1
    report["rejected_count"] += 1
    if len(report["rejected"]) < REJECTED_KEPT:
        detail = _(
            "Email consent was not granted: %(reason)s The other cells of the row were imported."
        ) % {"reason": consent_withdrawn_message(unsubscribed_at)}
        report["rejected"].append({"row": line, "detail": detail})


def _record(job: ImportJob, report: ImportReport) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        rows_done=report["rows"],
        created=report["created"],
        updated=report["updated"],
        merged=report["merged"],
        rejected_count=report["rejected_count"],
        rejected=report["rejected"],
    )


class ImportFile:
    """A CSV file opened for import: its header read, its columns planned and the row rules
    loaded, so a file that cannot be imported is refused before anything is written."""

    def __init__(self, raw: IO[bytes], *, mapping: Mapping[str, str] | None) -> None:
        self.reader = CsvFile(raw)
        columns = plan_columns(self.reader.headers, mapping, custom_field_definitions())
        self.rules = RowRules(columns, self.reader.headers)

    def run(
        self,
        *,
        job: ImportJob,
        by: Actor,
        on_progress: Callable[[ImportReport], None] | None = None,
    ) -> ImportReport:
        """Import every row for ``job``, recording its counts after each chunk."""
        writer = ChunkWriter(
            self.rules, job.source or EventSource.IMPORT, job_id=job.pk, file_name=job.file_name
        )
        report: ImportReport = {
            "rows": 0,
            "created": 0,
            "updated": 0,
            "merged": 0,
            "rejected": [],
            "rejected_count": 0,
        }
        seen = SeenEmails()
        chunk: dict[str, dict[str, Any]] = {}
        rows_in_chunk = first_rows = 0  # first_rows: rows of the chunk whose email is new
        # Per email of the chunk, the row whose consent cell counts (the last one), and
        # whether it was the email's first row in the file.
        consent_rows: dict[str, tuple[int, bool]] = {}

        def flush() -> None:
            nonlocal chunk, rows_in_chunk, first_rows, consent_rows
            created = writer.write(chunk) if chunk else 0
            # The first row of an email either made a contact or met one from before the file.
            report["created"] += created
            report["updated"] += first_rows - created
            for email, unsubscribed_at in (writer.refused if chunk else {}).items():
                _consent_refused(report, consent_rows[email], unsubscribed_at)
            chunk, rows_in_chunk, first_rows, consent_rows = {}, 0, 0, {}
            _record(job, report)
            if on_progress is not None:
                on_progress(report)

        for line, cells, problem in self.reader.records():
            report["rows"] += 1
            rows_in_chunk += 1
            try:
                if problem:
                    raise InvalidInput(problem)
                values = self.rules.row(cells)
            except InvalidInput as exc:
                report["rejected_count"] += 1
                if len(report["rejected"]) < REJECTED_KEPT:
                    report["rejected"].append({"row": line, "detail": exc.message})
            else:
                email = values["email"]
                first = seen.add(email)
                if first:
                    first_rows += 1
                else:
                    report["merged"] += 1
                if "consent" in values:
                    consent_rows[email] = (line, first)
                if email in chunk:
                    merge_row(chunk[email], values)
                else:
                    # A repeat of an email from an earlier chunk is written again: the
                    # contact that chunk made or met gets this row's non-empty cells.
                    chunk[email] = values
            if rows_in_chunk >= CHUNK_ROWS:
                flush()
        flush()
        audit_record(
            actor=by,
            action="contacts.import",
            target_type="import",
            target_id=job.pk,
            detail={
                "file": job.file_name,
                "rows": report["rows"],
                "created": report["created"],
                "updated": report["updated"],
                "merged": report["merged"],
                "rejected": report["rejected_count"],
                "encoding": self.reader.encoding,
            },
        )
        return report


def _import_now(
    raw: IO[bytes],
    *,
    file_name: str,
    mapping: Mapping[str, str] | None,
    source: str,
    by: Actor,
    on_progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import in this process, recorded as a job once the file's header has passed."""
    opened = ImportFile(raw, mapping=mapping)
    job = job_new(
        file_name=file_name,
        by=by,
        source=source or EventSource.IMPORT,
        status=ImportStatus.RUNNING,
        mapping=dict(mapping or {}),
    )
    with job_closing(job):
        return opened.run(job=job, by=by, on_progress=on_progress)


def import_contacts_path(
    *,
    path: str | Path,
    mapping: dict[str, str] | None = None,
    source: str = "import",
    by: Actor = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV file from disk (the CLI); ``progress`` gets the rows read after each chunk."""
    path = Path(path)
    with open(path, "rb") as raw:
        return _import_now(
            raw,
            file_name=path.name,
            mapping=mapping,
            source=source,
            by=by,
            on_progress=(lambda report: progress(report["rows"])) if progress else None,
        )


def import_contacts_file(*, upload: Any, mapping_json: str | None, by: Actor) -> ImportReport:
    """Import an uploaded CSV file (the API), in the request."""
    mapping = mapping_parse(mapping_json)
    upload.seek(0)
    return _import_now(
        upload.file, file_name=upload.name or "", mapping=mapping, source="import", by=by
    )

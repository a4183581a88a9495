"""Running an import from an open file: read, map, clean, write in chunks of ``CHUNK_ROWS``,
report rejected rows and progress, and audit it; the CLI and the API entry points."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypedDict

from tendril.accounts.services import Actor, audit_record
from tendril.contacts.importer.mapping import mapping_parse, plan_columns
from tendril.contacts.importer.reading import CsvFile
from tendril.contacts.importer.rows import RowRules, merge_row
from tendril.contacts.importer.writing import ChunkWriter
from tendril.contacts.services import custom_field_definitions
from tendril.core.errors import InvalidInput
from tendril.core.models import EventSource

# Rows per transaction: big enough for bulk statements to pay off, small enough that a chunk's
# objects stay a few MB and a failed chunk costs little to redo.
CHUNK_ROWS = 2000
REJECTED_KEPT = 1000


class ImportReport(TypedDict):
    created: int
    updated: int
    rejected: list[dict[str, Any]]
    rejected_count: int


@dataclass
class Progress:
    rows_done: int
    report: ImportReport


def run_import(
    raw: IO[bytes],
    *,
    file_name: str,
    mapping: Mapping[str, str] | None,
    source: str,
    by: Actor,
    on_progress: Callable[[Progress], None] | None = None,
) -> ImportReport:
    reader = CsvFile(raw)
    customs = custom_field_definitions()
    columns = plan_columns(reader.headers, mapping, customs)
    rules = RowRules(columns, reader.headers)
    writer = ChunkWriter(rules, source or EventSource.IMPORT)
    report: ImportReport = {"created": 0, "updated": 0, "rejected": [], "rejected_count": 0}
    chunk: dict[str, dict[str, Any]] = {}
    rows_in_chunk = rows_done = 0

    def flush() -> None:
        nonlocal chunk, rows_in_chunk
        if chunk:
            created, updated = writer.write(chunk)
            report["created"] += created
            report["updated"] += updated
        chunk, rows_in_chunk = {}, 0
        if on_progress is not None:
            on_progress(Progress(rows_done, report))

    for line, cells, problem in reader.records():
        rows_done += 1
        rows_in_chunk += 1
        try:
            if problem:
                raise InvalidInput(problem)
            values = rules.row(cells)
        except InvalidInput as exc:
            report["rejected_count"] += 1
            if len(report["rejected"]) < REJECTED_KEPT:
                report["rejected"].append({"row": line, "detail": exc.message})
        else:
            if values["email"] in chunk:
                merge_row(chunk[values["email"]], values)
            else:
                chunk[values["email"]] = values
        if rows_in_chunk >= CHUNK_ROWS:
            flush()
    flush()
    audit_record(
        actor=by,
        action="contacts.import",
        target_type="file",
        target_id=file_name[:200],
        detail={
            "file": file_name,
            "rows": rows_done,
            "created": report["created"],
            "updated": report["updated"],
            "rejected": report["rejected_count"],
            "encoding": reader.encoding,
        },
    )
    return report


def import_contacts_path(
    *,
    path: str | Path,
    mapping: dict[str, str] | None = None,
    source: str = "import",
    by: Actor = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV file from disk (the CLI); ``progress`` gets the rows done after each chunk."""
    path = Path(path)
    with open(path, "rb") as raw:
        return run_import(
            raw,
            file_name=path.name,
            mapping=mapping,
            source=source,
            by=by,
            on_progress=(lambda p: progress(p.rows_done)) if progress else None,
        )


def import_contacts_file(*, upload: Any, mapping_json: str | None, by: Actor) -> ImportReport:
    """Import an uploaded CSV file (the API), in the request."""
    mapping = mapping_parse(mapping_json)
    upload.seek(0)
    name = Path(upload.name or "upload.csv").name
    return run_import(upload.file, file_name=name, mapping=mapping, source="import", by=by)

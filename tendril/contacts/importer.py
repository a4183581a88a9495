"""CSV import of contacts (being written: see the import helper's brief)."""

from __future__ import annotations

from typing import Any, TypedDict


class ImportReport(TypedDict):
    created: int
    updated: int
    rejected: list[dict[str, Any]]
    rejected_count: int


def import_contacts_file(*, upload: Any, mapping_json: str | None, by: Any) -> ImportReport:
    raise RuntimeError("not yet")

"""CSV export of contacts: one row per contact, one column per custom field.

The columns are the ones the importer reads back (an export re-imported gives the same
contacts); score, created_at and last_seen_at are Tendril's own figures, skipped on import.
A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is
written with a leading ``'``, which the importer takes off again.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TextIO

from django.db.models import OuterRef, Subquery

from tendril.contacts.models import Channel, Consent, CustomField
from tendril.contacts.selectors import ContactFilters, contact_list

COLUMNS = [
    "email",
    "first_name",
    "last_name",
    "phone",
    "company",
    "company_domain",
    "source",
    "stage",
    "score",
    "owner",
    "created_at",
    "last_seen_at",
    "email_consent",
]
_VALUES = {
    "company": "company__name",
    "company_domain": "company__domain",
    "owner": "owner__email",
}
CHUNK = 2000
PROGRESS_EVERY = 10_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def export_rows(*, segment: int | None = None) -> Iterator[list[str]]:
    """The header row, then one row per contact, read in chunks (memory stays flat).

    ``segment`` goes through ``contact_list``: until segments exist no contact is in one.
    """
    keys = list(CustomField.objects.order_by("key").values_list("key", flat=True))
    yield COLUMNS + keys
    consent = Consent.objects.filter(contact=OuterRef("pk"), channel=Channel.EMAIL)
    contacts = (
        contact_list(filters=ContactFilters(segment=segment))
        .annotate(email_consent=Subquery(consent.values("status")[:1]))
        .values(*[_VALUES.get(c, c) for c in COLUMNS], "fields")
    )
    for contact in contacts.iterator(chunk_size=CHUNK):
        fields = contact["fields"] or {}
        row = [_cell(contact[_VALUES.get(c, c)]) for c in COLUMNS]
        yield row + [_cell(fields.get(key)) for key in keys]


def export_contacts(
    *, out: TextIO, segment: int | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Write the CSV to ``out``; returns how many contacts were written."""
    writer = csv.writer(out)
    count = 0
    for count, row in enumerate(export_rows(segment=segment)):
        writer.writerow(row)
        if progress is not None and count and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(count)
    return count

"""CSV export of contacts: one row per contact of a list (every contact, or the ones a view of
the contact list matches, in its order), one column per field (or the view's columns only).

The full set of columns is the one the importer reads back (an export re-imported gives the same
contacts); score, created_at and last_seen_at are Tendril's own figures, skipped on import.
A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is
written with a leading ``'``, which the importer takes off again.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO

from django.db.models import OuterRef, QuerySet, Subquery

from tendril.contacts.models import Channel, Consent, Contact, CustomField
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


def export_rows(
    *, contacts: QuerySet[Contact] | None = None, columns: Sequence[str] | None = None
) -> Iterator[list[str]]:
    """The header row, then one row per contact, read in chunks (memory stays flat).

    ``contacts`` in their order (a filtered, sorted list; default every contact, newest
    first); ``columns`` names the CSV columns, from ``COLUMNS`` and the custom field keys
    (default all of them: the file then imports back into the same contacts).
    """
    keys = list(CustomField.objects.order_by("key").values_list("key", flat=True))
    header = (
        COLUMNS + keys if columns is None else [c for c in columns if c in COLUMNS or c in keys]
    )
    yield header
    standard = [c for c in header if c in COLUMNS]
    if contacts is None:
        contacts = contact_list(filters=ContactFilters())
    if "email_consent" in standard:
        consent = Consent.objects.filter(contact=OuterRef("pk"), channel=Channel.EMAIL)
        contacts = contacts.annotate(email_consent=Subquery(consent.values("status")[:1]))
    rows = contacts.values(*[_VALUES.get(c, c) for c in standard], "fields")
    for contact in rows.iterator(chunk_size=CHUNK):
        fields = contact["fields"] or {}
        cells = {c: contact[_VALUES.get(c, c)] for c in standard}
        yield [_cell(cells[c] if c in cells else fields.get(c)) for c in header]


def export_contacts(
    *,
    out: TextIO,
    contacts: QuerySet[Contact] | None = None,
    columns: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the CSV to ``out`` (see ``export_rows``); returns how many contacts were written."""
    writer = csv.writer(out)
    count = 0
    for count, row in enumerate(export_rows(contacts=contacts, columns=columns)):
        writer.writerow(row)
        if progress is not None and count and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(count)
    return count

"""Writes to the event log that every app shares: recording a fact, and joining an anonymous
visitor's history to a contact (announced by a ``visitor_identified`` event)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from tendril.core import clock
from tendril.core.bulk import column_names, insert_rows
from tendril.core.errors import InvalidInput
from tendril.core.events import VISITOR_IDENTIFIED
from tendril.core.models import Event, EventSource, VisitorLink

# Column order of raw event rows, for writers that bypass the ORM (ingest, CSV import); the
# database fills in ``txid`` itself.
EVENT_COLUMNS = (
    "contact_id",
    "visitor_id",
    "type",
    "properties",
    "occurred_at",
    "received_at",
    "source",
)


def event_record(
    *,
    contact_id: int | None,
    type: str,
    properties: dict[str, Any] | None = None,
    source: str = EventSource.SYSTEM,
    occurred_at: datetime | None = None,
    visitor_id: str = "",
) -> Event:
    """Record one fact Tendril itself observed (no validation of the type: callers are ours)."""
    at = clock.now()
    return Event.objects.create(
        contact_id=contact_id,
        visitor_id=visitor_id,
        type=type,
        properties=properties or {},
        occurred_at=occurred_at or at,
        received_at=at,
        source=source,
    )


def events_record(
    facts: Iterable[tuple[int, str, dict[str, Any]]],
    *,
    source: str = EventSource.SYSTEM,
    batch_size: int = 1000,
) -> None:
    """Record many facts Tendril observed now, each ``(contact_id, type, properties)``, in
    batched raw inserts (segment entries and exits, score and stage changes): consumers write
    these on every batch, and the ORM's ``bulk_create`` was half the scoring consumer's time
    (bench/RESULTS.md, "Scoring throughput")."""
    at = connection.ops.adapt_datetimefield_value(clock.now())
    rows = [
        (contact_id, "", type, properties, at, at, source) for contact_id, type, properties in facts
    ]
    for start in range(0, len(rows), batch_size):
        insert_rows(Event, EVENT_COLUMNS, rows[start : start + batch_size])


def visitor_events_record(
    events: Sequence[tuple[str, str, dict[str, Any]]], *, source: str
) -> None:
    """Record what browsers did just now, ``(visitor_id, type, properties)`` each, as the contact
    each visitor was identified as, or as the anonymous visitor. Each row reads its visitor's
    link itself, so any number of hits is one statement and one round trip: reading the links
    first and then inserting, through ``events_ingest``, was 40 % of the collector's time
    (bench/collector.py). The caller checked the events; nobody is identified here."""
    if not events:
        return
    at = connection.ops.adapt_datetimefield_value(clock.now())
    quote = connection.ops.quote_name
    columns = ", ".join(column_names(Event, EVENT_COLUMNS))
    link = quote(VisitorLink._meta.db_table)
    row = f"((SELECT contact_id FROM {link} WHERE visitor_id = %s), %s, %s, %s, %s, %s, %s)"
    params: list[Any] = []
    for visitor_id, kind, properties in events:
        params += [visitor_id, visitor_id, kind, json.dumps(properties), at, at, source]
    sql = f"INSERT INTO {quote(Event._meta.db_table)} ({columns}) VALUES "
    with connection.cursor() as cursor:
        cursor.execute(sql + ", ".join([row] * len(events)), params)


def utc_clean(value: datetime, *, field: str) -> datetime:
    """The same instant in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(_("%(field)s is out of range") % {"field": field}, field=field) from None


def visitor_identify(*, visitor_id: str, contact_id: int) -> int:
    """Join an anonymous visitor to a contact: their earlier anonymous events become the
    contact's, and a ``visitor_identified {visitor_id, events}`` event tells every consumer
    which events just joined (their cursors passed those rows while they were anonymous).

    Returns how many events joined. Idempotent, and exact when two requests identify the same
    visitor at once: the rows are locked, so only one of them moves (and announces) each event.
    """
    now = clock.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                VisitorLink.objects.update_or_create(
                    visitor_id=visitor_id,
                    defaults={"contact_id": contact_id, "linked_at": now},
                )
        except IntegrityError:  # linked by a concurrent request a moment ago
            VisitorLink.objects.filter(visitor_id=visitor_id).update(
                contact_id=contact_id, linked_at=now
            )
        joined = list(
            Event.objects.select_for_update()
            .filter(visitor_id=visitor_id, contact_id__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if not joined:
            return 0
        Event.objects.filter(id__in=joined).update(contact_id=contact_id)
        event_record(
            contact_id=contact_id,
            type=VISITOR_IDENTIFIED,
            properties={"visitor_id": visitor_id, "events": joined},
        )
        return len(joined)

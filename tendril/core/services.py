"""Writes to the event log: recording facts, batch ingest, and joining anonymous visitors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from tendril.core import clock
from tendril.core.bulk import insert_rows
from tendril.core.errors import DomainError, InvalidInput, NotFound
from tendril.core.events import missing_properties, normalise_type
from tendril.core.models import Event, EventSource, VisitorLink

# Clocks drift; a day ahead is a client bug, not drift.
MAX_FUTURE = timedelta(days=1)


@dataclass(frozen=True)
class NewEvent:
    """One event as a client described it; who it is about is resolved at ingest."""

    type: str
    properties: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime | None = None
    contact_id: int | None = None
    email: str | None = None
    visitor_id: str = ""


@dataclass
class IngestResult:
    ids: list[int | None]
    errors: list[tuple[int, DomainError]]

    @property
    def accepted(self) -> int:
        return sum(1 for i in self.ids if i is not None)


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


def utc_clean(value: datetime, *, field: str) -> datetime:
    """The same instant in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{field} is out of range", field=field) from None


def _occurred(item: NewEvent, now: datetime) -> datetime:
    return utc_clean(item.occurred_at, field="occurred_at") if item.occurred_at else now


def _check_item(item: NewEvent, now: datetime) -> str:
    try:
        event_type = normalise_type(item.type)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="type") from None
    missing = missing_properties(event_type, item.properties)
    if missing:
        raise InvalidInput(
            f"a {event_type} event needs the property '{missing[0]}'",
            field=f"properties.{missing[0]}",
        )
    if item.occurred_at is not None:
        if item.occurred_at.tzinfo is None:
            raise InvalidInput(
                "occurred_at needs a time zone offset, e.g. 2026-01-31T09:00:00+07:00",
                field="occurred_at",
            )
        if utc_clean(item.occurred_at, field="occurred_at") > now + MAX_FUTURE:
            raise InvalidInput("occurred_at is more than a day in the future", field="occurred_at")
    if item.contact_id is None and not item.email and not item.visitor_id:
        raise InvalidInput(
            "an event needs a contact (contact.email or contact_id) or a visitor_id",
            field="contact",
        )
    return event_type


def _resolve_contacts(
    items: Sequence[NewEvent], ok: dict[int, str], errors: list[tuple[int, DomainError]]
) -> tuple[dict[int, int | None], dict[str, int]]:
    """Contact id per accepted item index, and the visitors already linked to a contact.

    Unknown emails become new contacts.
    """
    from tendril.contacts.selectors import contact_ids_existing
    from tendril.contacts.services import contacts_ensure_by_email

    wanted_ids = {cid for i in ok if (cid := items[i].contact_id) is not None}
    known_ids = contact_ids_existing(ids=wanted_ids) if wanted_ids else set()
    emails = {e for i in ok if items[i].contact_id is None and (e := items[i].email)}
    by_email = contacts_ensure_by_email(emails=emails, source="api") if emails else {}
    visitors = {items[i].visitor_id for i in ok if items[i].visitor_id}
    linked = dict(
        VisitorLink.objects.filter(visitor_id__in=visitors).values_list("visitor_id", "contact_id")
    )

    resolved: dict[int, int | None] = {}
    for index in list(ok):
        item = items[index]
        if item.contact_id is not None:
            if item.contact_id not in known_ids:
                errors.append(
                    (index, NotFound(f"no contact with id {item.contact_id}", field="contact_id"))
                )
                del ok[index]
                continue
            resolved[index] = item.contact_id
        elif item.email:
            resolved[index] = by_email[item.email.strip().lower()]
        else:
            resolved[index] = linked.get(item.visitor_id)
    return resolved, linked


def events_ingest(*, items: Sequence[NewEvent], source: str = EventSource.API) -> IngestResult:
    """Validate and store a batch; bad items are reported by index, good ones all stored."""
    now = clock.now()
    errors: list[tuple[int, DomainError]] = []
    ok: dict[int, str] = {}
    for index, item in enumerate(items):
        try:
            ok[index] = _check_item(item, now)
        except DomainError as exc:
            errors.append((index, exc))

    ids: list[int | None] = [None] * len(items)
    with transaction.atomic():
        contacts, linked = _resolve_contacts(items, ok, errors) if ok else ({}, {})
        adapt = connection.ops.adapt_datetimefield_value
        received = adapt(now)
        rows = [
            (
                contacts[index],
                items[index].visitor_id,
                event_type,
                items[index].properties,
                adapt(_occurred(items[index], now)),
                received,
                source,
            )
            for index, event_type in ok.items()
        ]
        event_ids = insert_rows(Event, EVENT_COLUMNS, rows, returning_ids=True)
        for index, event_id in zip(ok, event_ids, strict=True):
            ids[index] = event_id
        identified = {
            (visitor_id, contact_id)
            for index in ok
            if (visitor_id := items[index].visitor_id)
            and (contact_id := contacts[index]) is not None
            and linked.get(visitor_id) != contact_id
        }
        for visitor_id, contact_id in identified:
            visitor_identify(visitor_id=visitor_id, contact_id=contact_id)
    errors.sort(key=lambda pair: pair[0])
    return IngestResult(ids=ids, errors=errors)


# Column order of raw event rows, for writers that bypass the ORM (ingest, CSV import).
EVENT_COLUMNS = (
    "contact_id",
    "visitor_id",
    "type",
    "properties",
    "occurred_at",
    "received_at",
    "source",
)


def visitor_identify(*, visitor_id: str, contact_id: int) -> int:
    """Join an anonymous visitor to a contact: their earlier events become the contact's.

    Returns how many anonymous events were re-attributed. Idempotent.
    """
    with transaction.atomic():
        VisitorLink.objects.update_or_create(
            visitor_id=visitor_id,
            defaults={"contact_id": contact_id, "linked_at": clock.now()},
        )
        return Event.objects.filter(visitor_id=visitor_id, contact__isnull=True).update(
            contact_id=contact_id
        )

"""Event ingest: what clients post to ``/api/v1/events`` checked, resolved to contacts (unknown
emails become contacts, visitors already identified find theirs) and stored in one statement.

It lives with contacts because deciding who an event is about is contacts' business; the log
itself is the kernel's (:mod:`tendril.core.models`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from tendril.accounts.services import Actor
from tendril.contacts.selectors import contact_ids_existing
from tendril.contacts.services import contacts_ensure_by_email
from tendril.core import clock
from tendril.core.bulk import insert_rows
from tendril.core.emails import email_fold
from tendril.core.errors import DomainError, InvalidInput, NotFound
from tendril.core.events import missing_properties, normalise_type
from tendril.core.models import Event, EventSource
from tendril.core.selectors import visitor_contacts
from tendril.core.services import EVENT_COLUMNS, utc_clean, visitor_identify

# Clocks drift; a day ahead is a client bug, not drift.
MAX_FUTURE = timedelta(days=1)
# Deeper properties are a client bug or an attack: every later reader (lists, filters, JSON
# encoders) would have to recurse through them.
MAX_DEPTH = 32


def nesting_depth(value: object) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0), without
    recursion, so a hostile value cannot exhaust the stack while it is measured."""
    if isinstance(value, dict) and not any(isinstance(v, dict | list) for v in value.values()):
        return 1  # the usual flat properties, measured at a tenth of the cost
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


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


def _check_item(item: NewEvent, now: datetime) -> tuple[str, datetime]:
    """The stored type and the time (UTC) of an item, or InvalidInput saying what is wrong."""
    try:
        event_type = normalise_type(item.type)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="type") from None
    if nesting_depth(item.properties) > MAX_DEPTH:
        raise InvalidInput(
            _("properties nest more than %(depth)s levels deep") % {"depth": MAX_DEPTH},
            field="properties",
        )
    missing = missing_properties(event_type, item.properties)
    if missing:
        raise InvalidInput(
            _("a %(type)s event needs the property '%(property)s'")
            % {"type": event_type, "property": missing[0]},
            field=f"properties.{missing[0]}",
        )
    occurred = now
    if item.occurred_at is not None:
        if item.occurred_at.tzinfo is None:
            raise InvalidInput(
                _("occurred_at needs a time zone offset, e.g. 2026-01-31T09:00:00+07:00"),
                field="occurred_at",
            )
        occurred = utc_clean(item.occurred_at, field="occurred_at")
        if occurred > now + MAX_FUTURE:
            raise InvalidInput(
                _("occurred_at is more than a day in the future"), field="occurred_at"
            )
    if item.contact_id is None and not item.email and not item.visitor_id:
        raise InvalidInput(
            _("an event needs a contact (contact.email or contact_id) or a visitor_id"),
            field="contact",
        )
    return event_type, occurred


def _resolve_contacts(
    items: Sequence[NewEvent],
    ok: dict[int, tuple[str, datetime]],
    errors: list[tuple[int, DomainError]],
    by: Actor,
) -> tuple[dict[int, int | None], dict[str, int]]:
    """Contact id per accepted item index, and the visitors already linked to a contact.

    Unknown emails become new contacts, created by ``by`` (the API key or user sending).
    """
    wanted_ids = {cid for i in ok if (cid := items[i].contact_id) is not None}
    known_ids = contact_ids_existing(ids=wanted_ids) if wanted_ids else set()
    emails = {e for i in ok if items[i].contact_id is None and (e := items[i].email)}
    by_email = contacts_ensure_by_email(emails=emails, source="api", by=by) if emails else {}
    visitors = {items[i].visitor_id for i in ok if items[i].visitor_id}
    linked = visitor_contacts(visitors)

    resolved: dict[int, int | None] = {}
    for index in list(ok):
        item = items[index]
        if item.contact_id is not None:
            if item.contact_id not in known_ids:
                errors.append(
                    (
                        index,
                        NotFound(
                            _("no contact with id %(id)s") % {"id": item.contact_id},
                            field="contact_id",
                        ),
                    )
                )
                del ok[index]
                continue
            resolved[index] = item.contact_id
        elif item.email:
            resolved[index] = by_email[email_fold(item.email)]
        else:
            resolved[index] = linked.get(item.visitor_id)
    return resolved, linked


def events_ingest(
    *,
    items: Sequence[NewEvent],
    source: str = EventSource.API,
    by: Actor = None,
    ids: bool = True,
) -> IngestResult:
    """Validate and store a batch; bad items are reported by index, good ones all stored.

    Without ``ids`` (the tracking collector, which answers 204) the stored items' ids are 0,
    saving the round trip that draws them. A batch of anonymous visitors' events only writes
    one ``COPY`` and identifies no one, so it runs without a transaction of its own (two round
    trips fewer per hit, bench/collector.py); any other batch runs in one."""
    now = clock.now()
    errors: list[tuple[int, DomainError]] = []
    ok: dict[int, tuple[str, datetime]] = {}
    for index, item in enumerate(items):
        try:
            ok[index] = _check_item(item, now)
        except DomainError as exc:
            errors.append((index, exc))

    stored: list[int | None] = [None] * len(items)
    single_write = all(item.contact_id is None and not item.email for item in items)
    with contextlib.nullcontext() if single_write else transaction.atomic():
        contacts, linked = _resolve_contacts(items, ok, errors, by) if ok else ({}, {})
        adapt = connection.ops.adapt_datetimefield_value
        received = adapt(now)
        rows = [
            (
                contacts[index],
                items[index].visitor_id,
                event_type,
                items[index].properties,
                adapt(occurred),
                received,
                source,
            )
            for index, (event_type, occurred) in ok.items()
        ]
        if ids:
            event_ids = insert_rows(Event, EVENT_COLUMNS, rows, returning_ids=True)
        else:
            insert_rows(Event, EVENT_COLUMNS, rows)
            event_ids = [0] * len(rows)
        for index, event_id in zip(ok, event_ids, strict=True):
            stored[index] = event_id
        identified = {
            (visitor_id, contact_id)
            for index in ok
            if (visitor_id := items[index].visitor_id)
            and (contact_id := contacts[index]) is not None
            and linked.get(visitor_id) != contact_id
        }
        # In one order, so concurrent batches identifying the same visitors lock their links
        # and events in the same order instead of deadlocking.
        for visitor_id, contact_id in sorted(identified):
            visitor_identify(visitor_id=visitor_id, contact_id=contact_id)
    errors.sort(key=lambda pair: pair[0])
    return IngestResult(ids=stored, errors=errors)

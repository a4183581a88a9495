"""A contact's timeline on their page: newest first, a page at a time, filtered by kind."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tendril.contacts import selectors
from tendril.contacts.models import Contact
from tendril.core.events import event_kinds
from tendril.core.pagination import offset_clamp

TIMELINE_PAGE = 50


def _offset(request: HttpRequest) -> int:
    try:
        return offset_clamp(int(request.GET.get("offset", 0)))
    except ValueError:
        return 0


def _kind(request: HttpRequest) -> str:
    """The kind asked for; anything else (none, or a name no app declares) shows every event."""
    kind = request.GET.get("kind", "")
    return kind if kind in {k.name for k in event_kinds()} else ""


def timeline_context(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    """What the timeline's templates need: one page of events and the kind chooser."""
    offset, kind = _offset(request), _kind(request)
    events = selectors.contact_timeline(contact=contact, kind=kind or None)
    rows = list(events[offset : offset + TIMELINE_PAGE + 1])
    more = len(rows) > TIMELINE_PAGE
    return {
        "events": rows[:TIMELINE_PAGE],
        "next_offset": offset + TIMELINE_PAGE if more else None,
        "offset": offset,
        "kind": kind,
        "kinds": event_kinds(),
    }

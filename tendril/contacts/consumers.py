"""Event-log consumers owned by contacts: keeping ``last_seen_at`` current."""

from __future__ import annotations

from django.db.models import Q

from tendril.contacts.models import Contact
from tendril.core.consumers import event_consumer
from tendril.core.models import Event

# Facts a person did themselves; Tendril's own bookkeeping does not make someone "seen".
ACTIVITY_TYPES = (
    "page_view",
    "form_submit",
    "asset_downloaded",
    "email_opened",
    "email_clicked",
    "purchase",
)


@event_consumer("contacts.last_seen")
def last_seen_update(events: list[Event]) -> None:
    """Move each contact's ``last_seen_at`` forward to its newest activity; replays are harmless."""
    newest: dict[int, Event] = {}
    for event in events:
        if event.contact_id is None:
            continue
        if not (event.type in ACTIVITY_TYPES or event.type.startswith("custom:")):
            continue
        seen = newest.get(event.contact_id)
        if seen is None or event.occurred_at > seen.occurred_at:
            newest[event.contact_id] = event
    for contact_id, event in newest.items():
        Contact.objects.filter(pk=contact_id).filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=event.occurred_at)
        ).update(last_seen_at=event.occurred_at)

"""Event-log consumers owned by contacts: keeping ``last_seen_at`` current."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, DateTimeField, Q, Value, When

from tendril.contacts.models import Contact
from tendril.core.consumers import event_consumer
from tendril.core.events import VISITOR_IDENTIFIED, is_activity
from tendril.core.models import Event


@event_consumer("contacts.last_seen")
def last_seen_update(events: list[Event]) -> None:
    """Move each contact's ``last_seen_at`` forward to its newest activity; replays are harmless.

    Tendril's own bookkeeping does not make someone "seen"; what they did does (``activity`` in
    each app's ``events.py``), including anonymous history that joins them later.
    """
    newest: dict[int, datetime] = {}

    def seen(contact_id: int, at: datetime) -> None:
        if contact_id not in newest or at > newest[contact_id]:
            newest[contact_id] = at

    for event in events:
        if event.contact_id is None:
            continue
        if is_activity(event.type):
            seen(event.contact_id, event.occurred_at)
        elif event.type == VISITOR_IDENTIFIED:
            joined = Event.objects.filter(id__in=event.properties.get("events") or [])
            for kind, at in joined.values_list("type", "occurred_at"):
                if is_activity(kind):
                    seen(event.contact_id, at)
    if not newest:
        return
    # One statement for the whole batch: an UPDATE per contact held the consumer to ~1,000
    # events/s (bench/consumer_lag.py).
    at = Case(
        *(When(pk=contact_id, then=Value(seen)) for contact_id, seen in newest.items()),
        output_field=DateTimeField(),
    )
    Contact.objects.filter(pk__in=list(newest)).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at)
    ).update(last_seen_at=at)

"""Reads of the kernel's state: the log itself, how far behind each event consumer is, and what
it parked.

``tendril status``, the System screen and ``/healthz`` all read these, so an operator, an admin
and a load balancer see the same figures.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, QuerySet

from tendril.core import clock
from tendril.core.consumers import registered, unread
from tendril.core.models import ConsumerCursor, DeadLetter, DeadLetterStatus, Event, VisitorLink

# Counting every unread row of a badly stuck consumer would itself be slow; past this many the
# figure is shown as "at least".
BEHIND_COUNT_CAP = 100_000


@dataclass(frozen=True)
class ConsumerLag:
    name: str
    behind: int
    behind_capped: bool
    oldest_unread_at: datetime | None
    processed: int
    attempts: int
    last_error: str
    retry_at: datetime | None
    parked: int
    updated_at: datetime | None

    @property
    def age_seconds(self) -> float:
        """How long the oldest unread event has waited (0 when the consumer is caught up)."""
        if self.oldest_unread_at is None:
            return 0.0
        return max(0.0, (clock.now() - self.oldest_unread_at).total_seconds())


def consumer_lags() -> list[ConsumerLag]:
    """One row per installed consumer, whether or not it has run yet."""
    cursors = {c.name: c for c in ConsumerCursor.objects.filter(name__in=list(registered()))}
    parked = dict(
        DeadLetter.objects.filter(status=DeadLetterStatus.PARKED)
        .values_list("consumer")
        .annotate(n=Count("id"))
        .values_list("consumer", "n")
    )
    lags = []
    for name in sorted(registered()):
        cursor = cursors.get(name) or ConsumerCursor(name=name)
        rows = unread(cursor)
        behind = rows[: BEHIND_COUNT_CAP + 1].count()
        oldest = rows.values_list("received_at", flat=True).first()
        lags.append(
            ConsumerLag(
                name=name,
                behind=min(behind, BEHIND_COUNT_CAP),
                behind_capped=behind > BEHIND_COUNT_CAP,
                oldest_unread_at=oldest,
                processed=cursor.processed,
                attempts=cursor.attempts,
                last_error=cursor.last_error,
                retry_at=cursor.retry_at,
                parked=parked.get(name, 0),
                updated_at=cursor.updated_at,
            )
        )
    return lags


def event_list_newest(
    *, contact_id: int | None = None, type: str | None = None, since: datetime | None = None
) -> QuerySet[Event]:
    """The log newest first, optionally for one contact, one type, or since a moment."""
    events = Event.objects.order_by("-occurred_at", "-id")
    if contact_id is not None:
        events = events.filter(contact_id=contact_id)
    if type:
        events = events.filter(type=type)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    return events


def dead_letter_list(
    *, consumer: str | None = None, status: str = DeadLetterStatus.PARKED
) -> QuerySet[DeadLetter]:
    letters = DeadLetter.objects.select_related("event").filter(status=status)
    if consumer:
        letters = letters.filter(consumer=consumer)
    return letters.order_by("-parked_at", "-id")


def dead_letter_get(letter_id: int) -> DeadLetter | None:
    return DeadLetter.objects.select_related("event").filter(pk=letter_id).first()


def visitor_contacts(visitor_ids: Collection[str]) -> dict[str, int]:
    """The contact each of these visitors was identified as, for those who were. Every tracking
    hit asks this; on PostgreSQL one raw query with one array parameter, where building the
    ORM's query was a fifth of a hit's time (bench/collector.py)."""
    if not visitor_ids:
        return {}
    if connection.vendor != "postgresql":
        links = VisitorLink.objects.filter(visitor_id__in=list(visitor_ids))
        return dict(links.values_list("visitor_id", "contact_id"))
    table = connection.ops.quote_name(VisitorLink._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT visitor_id, contact_id FROM {table} WHERE visitor_id = ANY(%s)",
            [list(visitor_ids)],
        )
        return dict(cursor.fetchall())

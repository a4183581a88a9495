"""The alerts consumer: tells the people of a segment's alert when contacts enter it.

For each batch of ``segment_entered`` events, the active alerts of their segments are read,
and each entry after the alert was set is told to each of its people, in the app and/or by
email (:func:`tendril.notifications.services.notify`).

**Exactly once.** What is told is first written to ``AlertDelivery``, unique per (alert,
event, user), with ``ON CONFLICT DO NOTHING``; only the rows this batch really inserted are
told, in the same transaction as the consumer's cursor. A replayed batch, or two workers
racing on the same events, find the rows taken and tell nothing again. Emails are queued in
that transaction too and leave once it commits, retried while the mail server is down (see
:mod:`tendril.notifications.emails`: at least once, twice only after a crash in the moment
between the server's acceptance and the commit).

**Bursts.** Entries written at once (one transaction, one moment: a rebuild after a segment is
made or edited, a static list filled, a bulk change) are a burst. A burst of more than
``DIGEST_AFTER`` entries is told once, as "37 contacts entered Hot leads" leading to the
segment, keyed by its first event: a rebuild that adds 5,000 contacts sends one email, not
5,000. Its size is counted on the event log, so the same burst is a digest however the
consumer's batches cut it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Min, Prefetch
from django.urls import reverse

from tendril.accounts.models import User
from tendril.alerts.models import AlertDelivery, SegmentAlert
from tendril.alerts.notices import ENTERED_MANY, ENTERED_ONE
from tendril.contacts.models import Contact
from tendril.core import clock
from tendril.core.bulk import insert_new_rows
from tendril.core.consumers import event_consumer
from tendril.core.models import Event
from tendril.notifications.services import notify
from tendril.segments.services import ENTERED

CONSUMER = "alerts"
DIGEST_AFTER = 10
DELIVERY_COLUMNS = ("alert_id", "event_id", "user_id", "contacts", "at")


@dataclass(frozen=True)
class Told:
    """One thing to tell an alert's people: an entry, or a burst (``count`` > 1)."""

    alert: SegmentAlert
    event_id: int
    contact_id: int
    count: int


def _segment_of(event: Event) -> int | None:
    segment = event.properties.get("segment") if isinstance(event.properties, dict) else None
    return segment if isinstance(segment, int) and not isinstance(segment, bool) else None


def _burst(segment_id: int, at: datetime, txid: int) -> tuple[int, int]:
    """(size, first event id) of the entries into ``segment_id`` written at once with an
    event at ``at`` in transaction ``txid``, counted on the log (index ``event_type_time``)."""
    found = Event.objects.filter(
        type=ENTERED, occurred_at=at, txid=txid, properties__segment=segment_id
    ).aggregate(size=Count("id"), first=Min("id"))
    return found["size"], found["first"]


def _to_tell(alert: SegmentAlert, entries: list[Event]) -> list[Told]:
    """The entries of a batch into the alert's segment after it was set, bursts folded."""
    groups: dict[tuple[datetime, int], list[Event]] = defaultdict(list)
    for event in entries:
        if event.occurred_at >= alert.created_at:
            groups[(event.occurred_at, event.txid)].append(event)
    told: list[Told] = []
    for (at, txid), events in groups.items():
        size, first = _burst(alert.segment_id, at, txid)
        if size > DIGEST_AFTER:
            told.append(Told(alert, first, 0, size))
        else:
            told.extend(Told(alert, e.pk, e.contact_id or 0, 1) for e in events)
    return told


def _deliveries_claim(told: list[Told]) -> set[tuple[int, int, int]]:
    """Write a delivery row for each (alert, event, person) told; returns the rows this call
    inserted (those already there were told before: a replay or a racing worker)."""
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(clock.now())
    rows = sorted(
        {
            (t.alert.pk, t.event_id, user.pk, t.count, now)
            for t in told
            for user in t.alert.users.all()
        }
    )
    inserted = insert_new_rows(
        AlertDelivery, DELIVERY_COLUMNS, rows, unique=("alert_id", "event_id", "user_id")
    )
    return {(alert_id, event_id, user_id) for _pk, alert_id, event_id, user_id in inserted}


def _tell(told: list[Told], fresh: set[tuple[int, int, int]]) -> None:
    for t in told:
        people = [u for u in t.alert.users.all() if (t.alert.pk, t.event_id, u.pk) in fresh]
        if not people:
            continue
        segment = t.alert.segment
        if t.count > 1:
            kind, url = ENTERED_MANY, reverse("segments:segment_detail", args=[segment.pk])
            params: dict[str, object] = {"count": t.count}
        else:
            kind, url = ENTERED_ONE, reverse("contacts:contact_detail", args=[t.contact_id])
            params = {"contact": t.contact_id}
        notify(
            users=people,
            kind=kind,
            params={**params, "segment": segment.pk, "segment_name": segment.name},
            url=url,
            in_app=t.alert.in_app,
            email=t.alert.by_email,
        )


def _alerts_for(segment_ids: Iterable[int]) -> list[SegmentAlert]:
    return list(
        SegmentAlert.objects.filter(segment_id__in=set(segment_ids), active=True)
        .select_related("segment")
        # Only people who can still sign in are told.
        .prefetch_related(
            Prefetch("users", queryset=User.objects.filter(is_active=True).order_by("pk"))
        )
        .order_by("pk")
    )


@event_consumer(CONSUMER, types=[ENTERED])
def alerts_tell(events: list[Event]) -> None:
    """Tell the alerts' people of the batch's entries (see the module's docstring)."""
    by_segment: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        segment = _segment_of(event)
        if event.type == ENTERED and event.contact_id is not None and segment is not None:
            by_segment[segment].append(event)
    if not by_segment:
        return
    alerts = _alerts_for(by_segment)
    if not alerts:
        return
    known = set(
        Contact.objects.filter(
            pk__in={e.contact_id for es in by_segment.values() for e in es}
        ).values_list("pk", flat=True)
    )
    told = [
        t
        for alert in alerts
        for t in _to_tell(alert, [e for e in by_segment[alert.segment_id] if e.contact_id in known])
    ]
    _tell(told, _deliveries_claim(told))

"""The contacts.last_seen consumer: a contact is "seen" when they do something."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.contacts.services import contact_create
from tendril.core import clock
from tendril.core.consumers import consumers_run_all
from tendril.core.models import ConsumerCursor, Event

pytestmark = pytest.mark.django_db


def page_view(contact_id: int, days_ago: float) -> NewEvent:
    return NewEvent(
        type="page_view",
        properties={"url": "/pricing"},
        contact_id=contact_id,
        occurred_at=clock.now() - timedelta(days=days_ago),
    )


def test_running_the_consumers_moves_last_seen_to_the_newest_activity():
    ann = contact_create(data={"email": "ann@acme.io"}, by=None)
    events_ingest(items=[page_view(ann.pk, 3), page_view(ann.pk, 1), page_view(ann.pk, 2)])

    moved = consumers_run_all()

    ann.refresh_from_db()
    newest = Event.objects.filter(type="page_view").order_by("-occurred_at").first()
    assert moved >= 3
    assert ann.last_seen_at == newest.occurred_at
    cursor = ConsumerCursor.objects.get(name="contacts.last_seen")
    assert cursor.position == Event.objects.order_by("-id").first().pk


def test_an_older_event_arriving_later_does_not_move_last_seen_back():
    ann = contact_create(data={"email": "ann@acme.io"}, by=None)
    events_ingest(items=[page_view(ann.pk, 1)])
    consumers_run_all()
    seen = type(ann).objects.get(pk=ann.pk).last_seen_at

    events_ingest(items=[page_view(ann.pk, 10)])
    consumers_run_all()

    assert type(ann).objects.get(pk=ann.pk).last_seen_at == seen


def test_tendrils_own_bookkeeping_does_not_make_a_contact_seen():
    ann = contact_create(data={"email": "ann@acme.io"}, by=None)  # records contact_created

    consumers_run_all()

    ann.refresh_from_db()
    assert ann.last_seen_at is None


def test_a_replayed_batch_changes_nothing():
    ann = contact_create(data={"email": "ann@acme.io"}, by=None)
    events_ingest(items=[page_view(ann.pk, 2), page_view(ann.pk, 1)])
    consumers_run_all()
    ann.refresh_from_db()
    before = (ann.last_seen_at, ann.updated_at)

    # A crash after the handler ran but before the cursor moved: the batch comes again.
    ConsumerCursor.objects.filter(name="contacts.last_seen").update(txid=0, position=0)
    consumers_run_all()

    ann.refresh_from_db()
    assert (ann.last_seen_at, ann.updated_at) == before

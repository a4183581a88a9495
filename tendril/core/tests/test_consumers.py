from __future__ import annotations

from datetime import timedelta

import pytest

from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.contacts.services import contact_create
from tendril.core import clock, consumers
from tendril.core.consumers import consumer_try_one, consumers_run_all, event_consumer
from tendril.core.models import ConsumerCursor, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def isolated_registry(monkeypatch):
    """Tests register throw-away consumers without leaking them into other tests."""
    monkeypatch.setattr(consumers, "_registry", dict(consumers._registry))


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


def test_a_failing_handler_leaves_the_cursor_and_records_the_error(isolated_registry):
    calls: list[int] = []

    @event_consumer("test.failing")
    def failing(events: list[Event]) -> None:
        calls.append(len(events))
        Event.objects.filter(pk=events[0].pk).update(type="custom:touched")  # rolled back
        raise RuntimeError("downstream is down")

    ann = contact_create(data={"email": "ann@acme.io"}, by=None)
    events_ingest(items=[page_view(ann.pk, 1)])

    assert consumer_try_one("test.failing") == 0

    cursor = ConsumerCursor.objects.get(name="test.failing")
    assert cursor.position == 0
    assert cursor.attempts == 1
    assert cursor.last_error == "RuntimeError: downstream is down"
    assert cursor.retry_at is not None and cursor.retry_at > clock.now()
    assert calls == [Event.objects.count()]
    assert not Event.objects.filter(type="custom:touched").exists()
    # Backing off: an immediate second try does not call the handler again.
    assert consumer_try_one("test.failing") == 0
    assert calls == [Event.objects.count()]


def test_a_consumer_recovers_after_a_failure(isolated_registry):
    failures = [RuntimeError("once")]
    seen: list[int] = []

    @event_consumer("test.flaky")
    def flaky(events: list[Event]) -> None:
        if failures:
            raise failures.pop()
        seen.extend(e.pk for e in events)

    ann = contact_create(data={"email": "ann@acme.io"}, by=None)
    consumer_try_one("test.flaky")
    ConsumerCursor.objects.filter(name="test.flaky").update(retry_at=None)

    moved = consumer_try_one("test.flaky")

    cursor = ConsumerCursor.objects.get(name="test.flaky")
    assert moved == Event.objects.count() == len(seen)
    assert (cursor.attempts, cursor.last_error) == (0, "")
    assert cursor.position == Event.objects.filter(contact_id=ann.pk).order_by("-id").first().pk


def test_a_replayed_batch_changes_nothing():
    ann = contact_create(data={"email": "ann@acme.io"}, by=None)
    events_ingest(items=[page_view(ann.pk, 2), page_view(ann.pk, 1)])
    consumers_run_all()
    ann.refresh_from_db()
    before = (ann.last_seen_at, ann.updated_at)

    # A crash after the handler ran but before the cursor moved: the batch comes again.
    ConsumerCursor.objects.filter(name="contacts.last_seen").update(position=0)
    consumers_run_all()

    ann.refresh_from_db()
    assert (ann.last_seen_at, ann.updated_at) == before


def test_a_consumer_only_gets_the_types_it_asked_for(isolated_registry):
    received: list[str] = []
    event_consumer("test.typed", types=["form_submit"])(
        lambda events: received.extend(e.type for e in events)
    )
    ann = contact_create(data={"email": "ann@acme.io"}, by=None)
    events_ingest(
        items=[
            page_view(ann.pk, 1),
            NewEvent(type="form_submit", properties={"form": "ebook"}, contact_id=ann.pk),
        ]
    )

    consumer_try_one("test.typed")

    assert received == ["form_submit"]
    assert ConsumerCursor.objects.get(name="test.typed").position == Event.objects.last().pk


def test_two_consumers_cannot_share_a_name(isolated_registry):
    event_consumer("test.dup")(lambda events: None)

    with pytest.raises(ValueError, match="two event consumers"):
        event_consumer("test.dup")(lambda events: None)

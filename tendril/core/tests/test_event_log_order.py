"""The log order on PostgreSQL is exact under concurrent commits, with no timing assumption.

These tests hold transactions open on their own connections, as a slow import chunk or a
consumer writing inside its batch would, and check that no event is ever skipped or delivered
twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection, connections

from tendril.core.consumers import consumer_try_one, consumers_run_all, event_consumer
from tendril.core.models import Event
from tendril.core.services import event_record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("only_test_consumers"),
]

INSERT = (
    "INSERT INTO core_event (contact_id, visitor_id, type, properties, occurred_at, "
    "received_at, source) VALUES (NULL, '', %s, '{}', now(), now(), 'system') RETURNING id"
)


@contextmanager
def open_transaction() -> Iterator[psycopg.Connection]:
    """A second connection to the test database, inside a transaction the test commits."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        yield other


def collector(name: str) -> list[int]:
    seen: list[int] = []
    lock = threading.Lock()

    def handler(events: list[Event]) -> None:
        with lock:
            seen.extend(e.pk for e in events)

    event_consumer(name)(handler)
    return seen


def test_an_event_committed_long_after_later_ones_is_still_delivered():
    seen = collector("test.late")
    with open_transaction() as fast, open_transaction() as slow:
        # The fast writer's transaction starts first; the slow one writes the earlier id and
        # stays open while the fast one writes a later id, commits, and is consumed.
        fast.execute("SELECT pg_current_xact_id()")
        slow_id = slow.execute(INSERT, ["custom:slow"]).fetchone()[0]
        fast_id = fast.execute(INSERT, ["custom:fast"]).fetchone()[0]
        fast.commit()
        assert fast_id > slow_id

        consumers_run_all()
        assert seen == [fast_id]
        time.sleep(3)  # longer than the settle window this design replaced
        consumers_run_all()
        assert seen == [fast_id]

        slow.commit()
    consumers_run_all()

    assert seen == [fast_id, slow_id]


def test_events_of_younger_transactions_wait_for_an_older_open_one():
    seen = collector("test.wait")
    with open_transaction() as slow:
        slow_id = slow.execute(INSERT, ["custom:slow"]).fetchone()[0]
        later = [event_record(contact_id=None, type="custom:later").pk for _ in range(3)]

        consumers_run_all()
        assert seen == []  # nothing younger is read while an older writer is open

        slow.commit()
    consumers_run_all()

    assert seen == [slow_id, *later]


def test_an_event_rolled_back_is_never_delivered_and_blocks_nothing():
    seen = collector("test.rollback")
    with open_transaction() as doomed:
        doomed.execute(INSERT, ["custom:doomed"])
        kept = event_record(contact_id=None, type="custom:kept").pk
        doomed.rollback()
    consumers_run_all()

    assert seen == [kept]


def test_two_workers_racing_for_one_consumer_deliver_each_event_once():
    seen = collector("test.race")
    produced: list[int] = []
    producing = threading.Event()
    producing.set()

    def produce() -> None:
        try:
            for _ in range(60):
                produced.extend(
                    event_record(contact_id=None, type="custom:race").pk for _ in range(5)
                )
        finally:
            producing.clear()
            connections.close_all()

    def work() -> None:
        try:
            while producing.is_set() or consumer_try_one("test.race", batch_size=7):
                consumer_try_one("test.race", batch_size=7)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=produce)] + [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    consumers_run_all()

    assert len(produced) == 300
    assert sorted(seen) == sorted(produced)
    assert len(seen) == len(set(seen))

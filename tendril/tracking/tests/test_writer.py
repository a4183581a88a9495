"""The collector's group commit (tendril.tracking.writer): hits that arrive while a write is
under way are stored together, every one of them exactly once, and one that cannot be stored
fails alone."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tendril.core import services as core_services
from tendril.core.models import Event
from tendril.tracking import writer

pytestmark = pytest.mark.django_db(transaction=True)


def _hits(n: int) -> list[list[writer.Row]]:
    return [
        [(f"visitor{i:04d}", "page_view", {"url": f"https://shop.example.com/{i}"})]
        for i in range(n)
    ]


def test_hits_arriving_during_a_write_are_stored_together_each_exactly_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first_started, others_queued = threading.Event(), threading.Event()
    statements: list[int] = []
    record = core_services.visitor_events_record

    def slow_first(rows: Any, *, source: str) -> None:
        # The first write waits until the other hits have queued behind it.
        statements.append(len(rows))
        if len(statements) == 1:
            first_started.set()
            others_queued.wait(10)
        record(rows, source=source)

    monkeypatch.setattr(writer, "visitor_events_record", slow_first)
    hits = _hits(6)
    errors: list[BaseException] = []

    def post(rows: list[writer.Row]) -> None:
        try:
            writer.events_write(rows, source="tracking")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            from django.db import connection

            connection.close()

    leader = threading.Thread(target=post, args=(hits[0],))
    leader.start()
    assert first_started.wait(10)
    followers = [threading.Thread(target=post, args=(rows,)) for rows in hits[1:]]
    for thread in followers:
        thread.start()
    while len(writer._queue) < 5:
        threading.Event().wait(0.01)
    others_queued.set()
    for thread in [leader, *followers]:
        thread.join(10)

    assert not errors
    assert statements == [1, 5]  # the leader alone, then the five who waited, in one statement
    stored = sorted(Event.objects.values_list("visitor_id", flat=True))
    assert stored == [f"visitor{i:04d}" for i in range(6)]


def test_a_hit_that_cannot_be_stored_fails_alone_and_the_rest_of_its_group_is_stored() -> None:
    bad: writer.Row = ("visitor9999", "page_view", {"url": object()})  # not JSON
    group = [writer._Pending(rows=rows, source="tracking") for rows in [*_hits(2), [bad]]]
    writer._write(group)
    assert [p.error is None for p in group] == [True, True, False]
    assert isinstance(group[2].error, TypeError)
    assert Event.objects.count() == 2


def test_a_lone_hit_raises_what_storing_it_raised() -> None:
    with pytest.raises(TypeError):
        writer.events_write([("visitor0001", "page_view", {"url": object()})], source="tracking")
    assert not Event.objects.exists()
    assert not writer._writing and not writer._queue

"""Event-log consumers: delivery in log order, retries, poison events parked, lag."""

from __future__ import annotations

import pytest

from tendril.core import clock
from tendril.core.consumers import (
    MAX_ATTEMPTS,
    consumer_try_one,
    consumers_run_all,
    dead_letter_retry,
    dead_letter_skip,
    event_consumer,
)
from tendril.core.models import ConsumerCursor, DeadLetter, Event
from tendril.core.selectors import consumer_lags
from tendril.core.services import event_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_test_consumers")]


def record(n: int, type: str = "custom:visit") -> list[int]:
    return [event_record(contact_id=None, type=type, properties={"n": i}).pk for i in range(n)]


def collect(name: str, **kwargs) -> list[int]:
    seen: list[int] = []
    event_consumer(name, **kwargs)(lambda events: seen.extend(e.pk for e in events))
    return seen


def fail_on(name: str, poison: set[int]) -> list[int]:
    """A consumer whose handler raises whenever a batch holds one of the ``poison`` events."""
    delivered: list[int] = []

    def handler(events: list[Event]) -> None:
        bad = [e.pk for e in events if e.pk in poison]
        if bad:
            raise ValueError(f"cannot handle event {bad[0]}")
        delivered.extend(e.pk for e in events)

    event_consumer(name)(handler)
    return delivered


def expire_backoff(name: str) -> None:
    ConsumerCursor.objects.filter(name=name).update(retry_at=None)


def test_a_consumer_gets_every_event_once_in_log_order():
    seen = collect("test.all")
    first = record(3)
    consumers_run_all(batch_size=2)
    second = record(2)

    consumers_run_all(batch_size=2)
    consumers_run_all(batch_size=2)

    assert seen == first + second
    cursor = ConsumerCursor.objects.get(name="test.all")
    assert (cursor.position, cursor.processed) == (second[-1], 5)


def test_a_consumer_only_gets_the_types_it_asked_for():
    seen = collect("test.typed", types=["form_submit"])
    record(2)
    wanted = record(1, type="form_submit")

    consumer_try_one("test.typed")

    assert seen == wanted
    assert ConsumerCursor.objects.get(name="test.typed").position == wanted[-1]


def test_two_consumers_cannot_share_a_name():
    event_consumer("test.dup")(lambda events: None)

    with pytest.raises(ValueError, match="two event consumers"):
        event_consumer("test.dup")(lambda events: None)


def test_a_failing_batch_is_rolled_back_and_retried_after_a_backoff():
    calls: list[int] = []

    @event_consumer("test.failing")
    def failing(events: list[Event]) -> None:
        calls.append(len(events))
        Event.objects.filter(pk=events[0].pk).update(type="custom:touched")  # rolled back
        raise RuntimeError("downstream is down")

    record(2)

    assert consumer_try_one("test.failing") == 0

    cursor = ConsumerCursor.objects.get(name="test.failing")
    assert (cursor.position, cursor.attempts) == (0, 1)
    assert cursor.last_error == "RuntimeError: downstream is down"
    assert cursor.retry_at is not None and cursor.retry_at > clock.now()
    assert not Event.objects.filter(type="custom:touched").exists()
    # Backing off: an immediate second try does not call the handler again.
    assert consumer_try_one("test.failing") == 0
    assert calls == [2]


def test_a_consumer_recovers_after_a_passing_failure():
    failures = [RuntimeError("once")]
    seen: list[int] = []

    @event_consumer("test.flaky")
    def flaky(events: list[Event]) -> None:
        if failures:
            raise failures.pop()
        seen.extend(e.pk for e in events)

    ids = record(3)
    consumer_try_one("test.flaky")
    expire_backoff("test.flaky")

    moved = consumer_try_one("test.flaky")

    cursor = ConsumerCursor.objects.get(name="test.flaky")
    assert moved == 3 and seen == ids
    assert (cursor.attempts, cursor.last_error, cursor.position) == (0, "", ids[-1])
    assert not DeadLetter.objects.exists()


def test_an_event_that_keeps_failing_is_parked_and_the_consumer_moves_on():
    ids = record(9)
    poison = {ids[2], ids[6]}
    delivered = fail_on("test.poison", poison)

    for _ in range(MAX_ATTEMPTS):
        consumer_try_one("test.poison")
        expire_backoff("test.poison")

    assert sorted(delivered) == sorted(set(ids) - poison)
    parked = DeadLetter.objects.filter(consumer="test.poison").order_by("event_id")
    assert [p.event_id for p in parked] == sorted(poison)
    assert parked[0].error == f"ValueError: cannot handle event {ids[2]}"
    cursor = ConsumerCursor.objects.get(name="test.poison")
    assert (cursor.position, cursor.attempts) == (ids[-1], 0)
    # Later events flow again.
    later = record(2)
    consumer_try_one("test.poison")
    assert delivered[-2:] == later


def test_a_parked_event_is_delivered_when_retried_after_the_fix():
    ids = record(3)
    poison = {ids[1]}
    delivered = fail_on("test.fixed", poison)
    for _ in range(MAX_ATTEMPTS):
        consumer_try_one("test.fixed")
        expire_backoff("test.fixed")
    letter = DeadLetter.objects.get(consumer="test.fixed")

    again = dead_letter_retry(letter_id=letter.pk, by="admin@tendril.test")
    assert (again.status, again.attempts) == ("parked", 2)  # still broken: stays parked
    poison.clear()
    fixed = dead_letter_retry(letter_id=letter.pk, by="admin@tendril.test")

    assert (fixed.status, fixed.resolved_by) == ("retried", "admin@tendril.test")
    assert delivered[-1] == ids[1]
    with pytest.raises(LookupError):
        dead_letter_retry(letter_id=letter.pk, by="admin@tendril.test")


def test_a_skipped_event_is_never_delivered():
    ids = record(1)
    delivered = fail_on("test.skip", {ids[0]})
    for _ in range(MAX_ATTEMPTS):
        consumer_try_one("test.skip")
        expire_backoff("test.skip")
    letter = DeadLetter.objects.get(consumer="test.skip")

    skipped = dead_letter_skip(letter_id=letter.pk, by="ops")

    assert skipped.status == "skipped" and skipped.resolved_at is not None
    consumers_run_all()
    assert delivered == []


def test_lag_counts_the_events_behind_and_the_age_of_the_oldest_unread():
    collect("test.lagging")
    collect("test.caught_up")
    record(4)
    consumer_try_one("test.caught_up")

    lags = {lag.name: lag for lag in consumer_lags()}

    assert (lags["test.lagging"].behind, lags["test.caught_up"].behind) == (4, 0)
    assert lags["test.lagging"].oldest_unread_at == Event.objects.order_by("id").first().received_at
    assert lags["test.lagging"].age_seconds >= 0
    assert lags["test.caught_up"].oldest_unread_at is None
    assert lags["test.caught_up"].age_seconds == 0

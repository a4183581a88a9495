"""Durable readers of the event log.

A consumer names itself and gets batches of new events in id order. Its cursor advances in the
same transaction as the handler's writes, so a crash replays the batch instead of losing it:
delivery is at-least-once and every handler must be idempotent. Later capabilities (scoring,
segments, journeys, sales alerts, reports) plug in with ``@event_consumer``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from tendril.core import clock
from tendril.core.models import ConsumerCursor, Event

logger = logging.getLogger(__name__)

Handler = Callable[[list[Event]], None]
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class Consumer:
    name: str
    handler: Handler
    types: frozenset[str] | None


_registry: dict[str, Consumer] = {}


def event_consumer(
    name: str, *, types: Iterable[str] | None = None
) -> Callable[[Handler], Handler]:
    """Register ``handler`` to receive batches of events (only ``types``, if given)."""

    def register(handler: Handler) -> Handler:
        if name in _registry and _registry[name].handler is not handler:
            raise ValueError(f"two event consumers are named {name!r}")
        _registry[name] = Consumer(name, handler, frozenset(types) if types else None)
        return handler

    return register


def registered() -> dict[str, Consumer]:
    return dict(_registry)


def consumer_try_one(name: str, *, batch_size: int = 500) -> int:
    """Give consumer ``name`` its next batch; returns how many log rows the cursor moved past.

    The cursor row is locked for the batch (``SKIP LOCKED`` on PostgreSQL), so two workers never
    hand the same consumer the same batch at once.
    """
    consumer = _registry[name]
    now = clock.now()
    ConsumerCursor.objects.get_or_create(name=name)
    try:
        with transaction.atomic():
            cursor = (
                ConsumerCursor.objects.select_for_update(skip_locked=True).filter(name=name).first()
            )
            if cursor is None or (cursor.retry_at and cursor.retry_at > now):
                return 0
            window = Event.objects.filter(id__gt=cursor.position)
            if settings.EVENT_SETTLE_SECONDS:
                window = window.filter(
                    received_at__lte=now - timedelta(seconds=settings.EVENT_SETTLE_SECONDS)
                )
            batch = list(window.order_by("id")[:batch_size])
            if not batch:
                return 0
            wanted = [e for e in batch if consumer.types is None or e.type in consumer.types]
            if wanted:
                consumer.handler(wanted)
            cursor.position = batch[-1].pk
            cursor.processed += len(wanted)
            cursor.attempts = 0
            cursor.last_error = ""
            cursor.retry_at = None
            cursor.updated_at = now
            cursor.save()
            return len(batch)
    except Exception as exc:
        logger.exception("event consumer %s failed; its batch will be replayed", name)
        _record_failure(name, exc)
        return 0


def _record_failure(name: str, exc: Exception) -> None:
    cursor = ConsumerCursor.objects.get(name=name)
    cursor.attempts += 1
    backoff = min(timedelta(seconds=2**cursor.attempts), MAX_BACKOFF)
    cursor.retry_at = clock.now() + backoff
    cursor.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    cursor.updated_at = clock.now()
    cursor.save(update_fields=["attempts", "retry_at", "last_error", "updated_at"])


def consumers_run_all(*, batch_size: int = 500, max_batches: int = 20) -> int:
    """One pass over every consumer, a few batches each so none starves the others."""
    moved = 0
    for name in list(_registry):
        for _ in range(max_batches):
            step = consumer_try_one(name, batch_size=batch_size)
            moved += step
            if step < batch_size:
                break
    return moved

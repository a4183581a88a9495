"""Durable readers of the event log.

A consumer names itself (``@event_consumer`` in an app's ``consumers.py``) and gets batches of
new events in log order. Its cursor advances in the same transaction as the handler's writes,
so a crash replays the batch instead of losing it: delivery is at-least-once and every handler
must be idempotent.

**Log order, exact under concurrent commits.** PostgreSQL hands out ids before commit, so a
reader that went by id alone would skip a slow transaction's row. Each event stores its
writer's transaction id (``txid``); a consumer reads in ``(txid, id)`` order, and only rows
written below the oldest transaction still open on this database (``_watermark``), which are
all settled: committed or gone. A row committed late is therefore read late, never skipped,
whatever the transaction's length or the machines' clocks. SQLite has one writer at a time,
so id order is commit order there and ``txid`` stays 0.

**No jams.** A batch that fails is retried with backoff; once it has failed ``MAX_ATTEMPTS``
times it is split in halves until the events that fail alone are found; those are parked as
dead letters (retry or skip them from the System screen or ``tendril deadletters``) and the
consumer moves on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL

from tendril.core import clock
from tendril.core.models import ConsumerCursor, DeadLetter, DeadLetterStatus, Event

logger = logging.getLogger(__name__)

Handler = Callable[[list[Event]], None]
MAX_BACKOFF = timedelta(minutes=10)
# Failures of one batch before it is split to find the event that keeps failing.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Consumer:
    name: str
    handler: Handler
    types: frozenset[str] | None

    def wants(self, event: Event) -> bool:
        return self.types is None or event.type in self.types


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


def _after(txid: int, position: int) -> RawSQL:
    """Rows after a cursor in log order; a row comparison, so PostgreSQL walks the
    ``event_log_order`` index from the cursor instead of filtering from its start."""
    return RawSQL('("txid", "id") > (%s, %s)', (txid, position), models.BooleanField())


# This transaction's id, and the ids of every other transaction of this database that holds
# one (each holds an exclusive lock on its own id; a prepared transaction, or a backend whose
# database is unknown, counts as ours).
_OPEN_HERE = """
    SELECT pg_current_xact_id()::text::bigint, array(
        SELECT l.transactionid::text::bigint FROM pg_locks l
        LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
          AND l.pid IS DISTINCT FROM pg_backend_pid()
          AND (a.datid IS NULL OR a.datid = (SELECT oid FROM pg_database
                                             WHERE datname = current_database())))
"""


def _widen(xid32: int, near: int) -> int:
    """The 64-bit transaction id whose low 32 bits are ``xid32``, closest to ``near``."""
    ahead = (xid32 - near) % 2**32
    return near + ahead if ahead < 2**31 else near + ahead - 2**32


def _watermark() -> int | None:
    """On PostgreSQL, the transaction id below which every writer to this database is settled
    (committed or gone), so the rows below it can be read in log order without skipping any.

    It is the lowest id among this database's other open transactions, or just above this
    transaction's own id when none is lower. Every transaction below it has finished before
    the caller's next statement takes its snapshot, so that read sees all their rows; this
    transaction's own rows commit or vanish together with the cursor that passes them; and
    any transaction that starts later gets a higher id. Transactions of other databases on the
    same server are ignored: they never write here, so a long one elsewhere cannot stall
    Tendril. None on SQLite, whose single writer makes id order commit order.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_HERE)
        own, open_here = cursor.fetchone()
    return min([_widen(x, own) for x in open_here] + [own + 1])


def unread(cursor: ConsumerCursor) -> models.QuerySet[Event]:
    """Events after ``cursor`` in log order (settled or not)."""
    return Event.objects.filter(_after(cursor.txid, cursor.position)).order_by("txid", "id")


def _next_batch(cursor: ConsumerCursor, size: int) -> list[Event]:
    rows = unread(cursor)
    watermark = _watermark()
    if watermark is not None:
        rows = rows.filter(txid__lt=watermark)
    return list(rows[:size])


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _park(consumer: Consumer, event: Event, exc: BaseException, now: datetime) -> None:
    logger.error("event consumer %s parked event %s: %s", consumer.name, event.pk, exc)
    letter, created = DeadLetter.objects.get_or_create(
        consumer=consumer.name,
        event=event,
        defaults={"error": _describe(exc), "parked_at": now},
    )
    if not created:
        letter.error = _describe(exc)
        letter.attempts += 1
        letter.status = DeadLetterStatus.PARKED
        letter.parked_at = now
        letter.save(update_fields=["error", "attempts", "status", "parked_at"])


def _deliver_or_park(
    consumer: Consumer, events: list[Event], exc: BaseException, now: datetime
) -> int:
    """``events`` failed together: deliver each half on its own, down to single events,
    parking those that fail alone. Returns how many were parked."""
    if len(events) == 1:
        _park(consumer, events[0], exc, now)
        return 1
    parked = 0
    middle = len(events) // 2
    for half in (events[:middle], events[middle:]):
        try:
            with transaction.atomic():
                consumer.handler(half)
        except Exception as half_exc:
            parked += _deliver_or_park(consumer, half, half_exc, now)
    return parked


def _cursor_claim(name: str) -> ConsumerCursor | None:
    """Lock the consumer's cursor for this transaction (made on its first run), or None when
    another worker holds it."""
    cursor = ConsumerCursor.objects.select_for_update(skip_locked=True).filter(name=name).first()
    if cursor is not None:
        return cursor
    made, created = ConsumerCursor.objects.get_or_create(name=name)
    return made if created else None


def consumer_try_one(name: str, *, batch_size: int = 500) -> int:
    """Give consumer ``name`` its next batch; returns how many log rows the cursor moved past.

    The cursor row is locked for the batch (``SKIP LOCKED`` on PostgreSQL), so two workers never
    hand the same consumer the same batch at once.
    """
    consumer = _registry[name]
    now = clock.now()
    try:
        with transaction.atomic():
            cursor = _cursor_claim(name)
            if cursor is None or (cursor.retry_at and cursor.retry_at > now):
                return 0
            batch = _next_batch(cursor, batch_size)
            if not batch:
                return 0
            wanted = [e for e in batch if consumer.wants(e)]
            if wanted:
                try:
                    with transaction.atomic():
                        consumer.handler(wanted)
                except Exception as exc:
                    if cursor.attempts + 1 < MAX_ATTEMPTS:
                        logger.exception("event consumer %s failed; it will retry", name)
                        _note_failure(cursor, exc, now)
                        return 0
                    _deliver_or_park(consumer, wanted, exc, now)
            last = batch[-1]
            cursor.txid, cursor.position = last.txid, last.pk
            cursor.processed += len(wanted)
            cursor.attempts = 0
            cursor.last_error = ""
            cursor.retry_at = None
            cursor.updated_at = now
            cursor.save()
            return len(batch)
    except Exception as exc:  # the database itself failed: note it outside the broken txn
        logger.exception("event consumer %s failed; its batch will be replayed", name)
        cursor, _ = ConsumerCursor.objects.get_or_create(name=name)
        _note_failure(cursor, exc, clock.now())
        return 0


def _note_failure(cursor: ConsumerCursor, exc: BaseException, now: datetime) -> None:
    cursor.attempts += 1
    cursor.retry_at = now + min(timedelta(seconds=2**cursor.attempts), MAX_BACKOFF)
    cursor.last_error = _describe(exc)
    cursor.updated_at = now
    cursor.save(update_fields=["attempts", "retry_at", "last_error", "updated_at"])


def consumer_drain(name: str, *, batch_size: int = 500, max_batches: int = 20) -> int:
    """Consumer ``name``'s next batches until it has caught up with the log (at most
    ``max_batches``, so a long backlog does not hold a worker for ever)."""
    moved = 0
    for _ in range(max_batches):
        step = consumer_try_one(name, batch_size=batch_size)
        moved += step
        if step < batch_size:
            break
    return moved


def consumers_run_all(*, batch_size: int = 500, max_batches: int = 20) -> int:
    """One pass over every consumer, a few batches each so none starves the others."""
    return sum(
        consumer_drain(name, batch_size=batch_size, max_batches=max_batches) for name in _registry
    )


# --- dead letters ----------------------------------------------------------------------------


def dead_letter_retry(*, letter_id: int, by: str) -> DeadLetter:
    """Hand a parked event to its consumer again; it stays parked (with the new error) if the
    handler fails again. Raises ``LookupError`` for an unknown or already resolved letter."""
    with transaction.atomic():
        letter = _parked_letter(letter_id)
        consumer = _registry.get(letter.consumer)
        if consumer is None:
            raise LookupError(f"no consumer named {letter.consumer!r} is installed")
        now = clock.now()
        try:
            with transaction.atomic():
                consumer.handler([letter.event])
        except Exception as exc:
            letter.error = _describe(exc)
            letter.attempts += 1
            letter.save(update_fields=["error", "attempts"])
            return letter
        return _resolve(letter, DeadLetterStatus.RETRIED, by, now)


def dead_letter_skip(*, letter_id: int, by: str) -> DeadLetter:
    """Give up on a parked event: its consumer will never see it."""
    with transaction.atomic():
        return _resolve(_parked_letter(letter_id), DeadLetterStatus.SKIPPED, by, clock.now())


def _parked_letter(letter_id: int) -> DeadLetter:
    letter = (
        DeadLetter.objects.select_for_update()
        .select_related("event")
        .filter(pk=letter_id, status=DeadLetterStatus.PARKED)
        .first()
    )
    if letter is None:
        raise LookupError(f"no parked dead letter with id {letter_id}")
    return letter


def _resolve(letter: DeadLetter, status: str, by: str, now: datetime) -> DeadLetter:
    letter.status = status
    letter.resolved_at = now
    letter.resolved_by = by[:200]
    letter.save(update_fields=["status", "resolved_at", "resolved_by"])
    return letter

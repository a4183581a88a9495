"""Group commit for the collector: the hits that arrive while one INSERT is under way wait, and
go together in the next one. Each request still answers only once its own events are stored
(nothing is acknowledged and then lost), but a busy collector pays for one statement and one
commit per group instead of per hit (bench/collector.py measures the gain).

No thread of its own: the first request to find no write under way writes for everyone queued
(on its own database connection, in its own transaction state, as it would have alone); the
others sleep until their rows are in. A group that fails is retried hit by hit, so one bad hit
cannot fail the others'."""

from __future__ import annotations

import threading
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from tendril.core.services import visitor_events_record

Row = tuple[str, str, dict[str, Any]]


@dataclass
class _Pending:
    rows: list[Row]
    source: str
    done: bool = False
    error: BaseException | None = None


_turn = threading.Condition()
_queue: list[_Pending] = []
_writing = False


def _attempt(rows: list[Row], source: str) -> BaseException | None:
    """Store ``rows``; what went wrong, if anything. Inside a transaction (a test's, or a
    caller's) through a savepoint, so a failed group leaves it usable for the retries."""
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            visitor_events_record(rows, source=source)
    except Exception as error:
        return error
    return None


def _write(group: list[_Pending]) -> None:
    """Store the group in one statement per source, or, when that fails, each hit alone."""
    by_source: dict[str, list[_Pending]] = {}
    for pending in group:
        by_source.setdefault(pending.source, []).append(pending)
    for source, members in by_source.items():
        error = _attempt([row for p in members for row in p.rows], source)
        if error is None:
            continue
        if len(members) == 1:
            members[0].error = error
            continue
        for pending in members:
            pending.error = _attempt(pending.rows, source)


def events_write(rows: list[Row], *, source: str) -> None:
    """Store ``rows`` (``(visitor_id, type, properties)``), possibly with other requests' rows
    in the same statement; returns once they are committed, raises what storing them raised."""
    global _writing
    pending = _Pending(rows=rows, source=source)
    with _turn:
        _queue.append(pending)
        while not pending.done and _writing:
            _turn.wait()
        if pending.done:
            if pending.error is not None:
                raise pending.error
            return
        _writing = True
        group = _queue[:]
        _queue.clear()
    try:
        _write(group)
    finally:
        with _turn:
            for member in group:
                member.done = True
            _writing = False
            _turn.notify_all()
    if pending.error is not None:
        raise pending.error

"""Background work: Celery tasks when ``BROKER_URL`` is set, the same functions in-process when not.

Callers use ``enqueue(task, **kwargs)``; it waits for the surrounding transaction to commit, so a
worker never looks for a row that is not there yet.
"""

from __future__ import annotations

import logging
import queue
import threading
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import close_old_connections, connection, transaction

from tendril.core.consumers import consumer_drain, consumers_run_all, registered
from tendril.core.scheduler import PeriodicJob, periodic_jobs

logger = logging.getLogger(__name__)


class InProcessWorker(threading.Thread):
    """The worker of ``tendril run`` without a broker: a queue drained by one thread."""

    def __init__(self) -> None:
        super().__init__(name="tendril-worker", daemon=True)
        self.jobs: queue.Queue[tuple[Task, dict[str, Any]] | None] = queue.Queue()

    def stop(self) -> None:
        self.jobs.put(None)

    def run(self) -> None:
        while (job := self.jobs.get()) is not None:
            task, kwargs = job
            try:
                task(**kwargs)
            except Exception:
                logger.exception("background task %s failed", task.name)
            finally:
                close_old_connections()


_local_worker: InProcessWorker | None = None


def local_worker_start() -> InProcessWorker:
    global _local_worker
    _local_worker = InProcessWorker()
    _local_worker.start()
    return _local_worker


def enqueue(task: Task, **kwargs: Any) -> None:
    """Run ``task`` in the background once the current transaction has committed."""

    def send() -> None:
        if settings.BROKER_URL:
            task.apply_async(kwargs=kwargs)
        elif _local_worker is not None and _local_worker.is_alive():
            _local_worker.jobs.put((task, kwargs))
        else:  # a CLI command or a test: no worker thread, so do it now
            task(**kwargs)

    transaction.on_commit(send)


# The pause of a consumer's job after a pass: at most this long before a quiet consumer sees
# a new event (bench/consumer_lag.py: the lag is the pause, the log's watermark adds little).
CONSUMER_PAUSE = 0.25


@shared_task(name="tendril.consumers_tick")
def consumers_tick() -> int:
    """Hand every event consumer its next batches of the log, one after the other."""
    return consumers_run_all()


@shared_task(name="tendril.consumer_tick")
def consumer_tick(name: str) -> int:
    """Hand one event consumer its next batches of the log."""
    return consumer_drain(name)


@periodic_jobs
def consumer_jobs() -> list[PeriodicJob]:
    """The jobs that feed the event consumers. On PostgreSQL, one per consumer, so consumers
    run side by side and a slow one holds up no other (a consumer's cursor is claimed ``SKIP
    LOCKED``: two ticks of one consumer never overlap). On SQLite, whose one writer at a time
    would only make them queue, one job hands every consumer its batches in turn."""
    if connection.vendor != "postgresql":
        return [PeriodicJob("tendril.consumers_tick", CONSUMER_PAUSE, consumers_tick)]
    return [
        PeriodicJob(
            f"tendril.consumer_tick:{name}",
            CONSUMER_PAUSE,
            partial(consumer_tick, name=name),
            task="tendril.consumer_tick",
            kwargs={"name": name},
        )
        for name in registered()
    ]

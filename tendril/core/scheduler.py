"""Periodic jobs: ticked by the embedded scheduler in ``tendril run`` or by Celery beat.

Later capabilities register their due-row claimers (journey timers, decay, reminders, scheduled
reports) here with ``@periodic``; both schedulers read the same registry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: float
    run: Callable[[], object]


_jobs: dict[str, PeriodicJob] = {}


def periodic(*, every: float) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Run the decorated Celery task every ``every`` seconds."""

    def register(task: Callable[[], object]) -> Callable[[], object]:
        name = getattr(task, "name", task.__name__)
        _jobs[name] = PeriodicJob(name=name, every=every, run=task)
        return task

    return register


def jobs() -> list[PeriodicJob]:
    return list(_jobs.values())


def beat_schedule() -> dict[str, dict[str, object]]:
    return {job.name: {"task": job.name, "schedule": job.every} for job in _jobs.values()}


class EmbeddedScheduler(threading.Thread):
    """Runs every periodic job in this process, each on its own cadence, until ``stop()``."""

    def __init__(self) -> None:
        super().__init__(name="tendril-scheduler", daemon=True)
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        next_run = {job.name: 0.0 for job in jobs()}
        while not self._stopping.is_set():
            now = time.monotonic()
            for job in jobs():
                if now < next_run.get(job.name, 0.0):
                    continue
                try:
                    job.run()
                except Exception:
                    logger.exception("periodic job %s failed; it will run again", job.name)
                finally:
                    close_old_connections()
                next_run[job.name] = time.monotonic() + job.every
            self._stopping.wait(0.2)

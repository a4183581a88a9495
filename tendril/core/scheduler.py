"""Periodic jobs: ticked by the embedded scheduler in ``tendril run`` or by Celery beat.

Apps register their due-row claimers (event consumers, journey timers, decay, reminders,
scheduled reports) with ``@periodic`` in their ``tasks.py``; both schedulers read the same
registry. Ticks never pile up behind a slow pass: the embedded scheduler runs each job on its
own thread and waits ``every`` seconds after a pass ends before the next; Celery beat's ticks
expire after ``every`` seconds, so a worker busy with a long pass drops the stale ones instead
of running them back to back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """``run`` every ``every`` seconds; Celery beat sends task ``task`` (the job's name unless
    given) with ``kwargs``, so one task can be several jobs (one per event consumer)."""

    name: str
    every: float
    run: Callable[[], object]
    task: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)


_jobs: dict[str, PeriodicJob] = {}
_providers: list[Callable[[], list[PeriodicJob]]] = []


def periodic(*, every: float) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Run the decorated Celery task every ``every`` seconds."""

    def register(task: Callable[[], object]) -> Callable[[], object]:
        name = getattr(task, "name", task.__name__)
        _jobs[name] = PeriodicJob(name=name, every=every, run=task)
        return task

    return register


def periodic_jobs(provider: Callable[[], list[PeriodicJob]]) -> Callable[[], list[PeriodicJob]]:
    """Register ``provider``, asked for its jobs when a scheduler starts: for jobs that depend
    on what is installed and on the database (one per event consumer)."""
    _providers.append(provider)
    return provider


def jobs() -> list[PeriodicJob]:
    return [*_jobs.values(), *(job for provider in _providers for job in provider())]


def beat_schedule() -> dict[str, dict[str, Any]]:
    return {
        job.name: {
            "task": job.task or job.name,
            "kwargs": job.kwargs,
            "schedule": job.every,
            "options": {"expires": job.every},
        }
        for job in jobs()
    }


class EmbeddedScheduler:
    """Runs every periodic job in this process, each on its own thread and cadence."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(
                target=self._loop, args=(job,), name=f"tendril-{job.name}", daemon=True
            )
            for job in jobs()
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopping.set()

    def join(self, timeout: float | None = None) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self, job: PeriodicJob) -> None:
        while not self._stopping.is_set():
            try:
                job.run()
            except Exception:
                logger.exception("periodic job %s failed; it will run again", job.name)
            finally:
                close_old_connections()
            self._stopping.wait(job.every)

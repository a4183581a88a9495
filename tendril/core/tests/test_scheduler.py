"""Periodic ticks never pile up behind a slow pass."""

from __future__ import annotations

import threading
import time

from tendril.core import scheduler
from tendril.core.scheduler import EmbeddedScheduler, PeriodicJob, beat_schedule


def test_celery_beat_ticks_expire_after_one_period_so_a_busy_worker_drops_stale_ones():
    schedule = beat_schedule()

    assert schedule["tendril.consumers_tick"]["schedule"] == 1.0
    assert all(entry["options"]["expires"] == entry["schedule"] for entry in schedule.values())


def test_a_slow_job_never_overlaps_itself_nor_holds_up_the_others(monkeypatch):
    running = 0
    most = 0
    runs = {"slow": 0, "fast": 0}
    lock = threading.Lock()

    def slow() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            runs["slow"] += 1
        time.sleep(0.5)
        with lock:
            running -= 1

    def fast() -> None:
        runs["fast"] += 1

    monkeypatch.setattr(
        scheduler,
        "_jobs",
        {"slow": PeriodicJob("slow", 0.05, slow), "fast": PeriodicJob("fast", 0.05, fast)},
    )
    embedded = EmbeddedScheduler()
    embedded.start()
    time.sleep(1.2)
    embedded.stop()
    embedded.join(timeout=2)

    assert most == 1
    assert runs["slow"] <= 3  # 1.2 s of 0.5 s passes, each followed by its pause
    assert runs["fast"] >= 8  # not held up by the slow job

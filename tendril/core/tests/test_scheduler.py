"""Periodic ticks never pile up behind a slow pass."""

from __future__ import annotations

import threading
import time

from django.db import connection

from tendril.core import scheduler
from tendril.core.consumers import registered
from tendril.core.scheduler import EmbeddedScheduler, PeriodicJob, beat_schedule
from tendril.core.tasks import CONSUMER_PAUSE


def test_celery_beat_ticks_expire_after_one_period_so_a_busy_worker_drops_stale_ones():
    schedule = beat_schedule()

    assert schedule["tendril.segments_recheck"]["schedule"] == 30.0
    assert all(entry["options"]["expires"] == entry["schedule"] for entry in schedule.values())


def test_each_event_consumer_has_its_own_job_on_postgresql_and_all_share_one_on_sqlite():
    schedule = beat_schedule()
    ticks = {name: entry for name, entry in schedule.items() if "consumer" in entry["task"]}

    if connection.vendor == "postgresql":
        assert ticks == {
            f"tendril.consumer_tick:{name}": {
                "task": "tendril.consumer_tick",
                "kwargs": {"name": name},
                "schedule": CONSUMER_PAUSE,
                "options": {"expires": CONSUMER_PAUSE},
            }
            for name in registered()
        }
    else:
        assert list(ticks) == ["tendril.consumers_tick"]
        assert ticks["tendril.consumers_tick"]["kwargs"] == {}


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
    monkeypatch.setattr(scheduler, "_providers", [])
    embedded = EmbeddedScheduler()
    embedded.start()
    time.sleep(1.2)
    embedded.stop()
    embedded.join(timeout=2)

    assert most == 1
    assert runs["slow"] <= 3  # 1.2 s of 0.5 s passes, each followed by its pause
    assert runs["fast"] >= 8  # not held up by the slow job

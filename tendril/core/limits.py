"""Counting what one source does per minute, to tell a person from a robot or a flood."""

from __future__ import annotations

from django.core.cache import cache

from tendril.core import clock


def over_per_minute(key: str, limit: int) -> bool:
    """Count one more for ``key`` this minute; whether the minute has now gone past ``limit``.
    Counted in the cache (per process without a shared one: a looser limit)."""
    bucket = f"tendril:minute:{key}:{int(clock.now().timestamp() // 60)}"
    cache.add(bucket, 0, timeout=120)
    try:
        return cache.incr(bucket) > limit
    except ValueError:  # evicted in between: count again from here
        return False


def seen_before(key: str, seconds: int) -> bool:
    """Whether ``key`` was already seen in the last ``seconds`` (and remember it now): a replayed
    request is recognised by its own id. Remembered in the cache, like the counts above."""
    return not cache.add(f"tendril:seen:{key}", 1, timeout=seconds)

"""Counts and marks kept in the cache (tendril.core.limits): per process by default, shared by
every process through Redis when TENDRIL_CACHE_URL names one."""

from __future__ import annotations

import os
import secrets

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from tendril.core.limits import over_per_minute, seen_before


def test_an_id_is_new_once_and_then_seen_before() -> None:
    assert seen_before("hit:1:abc", 60) is False
    assert seen_before("hit:1:abc", 60) is True
    assert seen_before("hit:1:abd", 60) is False


def test_the_count_goes_over_the_limit_after_limit_calls() -> None:
    assert [over_per_minute("form:1:192.0.2.1", 3) for _ in range(4)] == [
        False,
        False,
        False,
        True,
    ]


@pytest.mark.redis
def test_with_a_shared_redis_another_process_sees_the_same_ids() -> None:
    url = os.environ.get("BROKER_URL", "")
    shared = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "tendril",
        }
    }
    hit = f"hit:1:{secrets.token_hex(8)}"
    with override_settings(CACHES=shared):
        assert seen_before(hit, 60) is False
        # Another process: its own client of the same Redis, nothing in common but the server.
        other = RedisCache(url, {"KEY_PREFIX": "tendril"})
        assert other.get(f"tendril:seen:{hit}") == 1
        assert seen_before(hit, 60) is True

"""Tendril's own settings, serving ``bench_collector_urls``: Tendril's pages plus the bench's
no-op view, behind the same middleware (``bench/collector.py`` serves it with waitress)."""

from tendril.settings import *  # noqa: F403

ROOT_URLCONF = "bench_collector_urls"

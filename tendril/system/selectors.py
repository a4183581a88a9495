"""The health of an installation: the database answers, and how far behind the background
readers of the event log are. Shared by ``/healthz``, the System screen and ``tendril status``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from tendril.core import clock
from tendril.core.selectors import consumer_lags


def health_report() -> tuple[int, dict[str, Any]]:
    """``(http status, body)``: 200 with ``ok`` or ``lagging`` while the database answers (the
    web process can serve), 503 with ``down`` when it does not."""
    body: dict[str, Any] = {
        "checked_at": clock.now().isoformat(),
        "background": "celery" if settings.BROKER_URL else "in-process",
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        lags = consumer_lags()
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return 503, {**body, "status": "down", "database": first[:200], "consumers": []}
    limit = settings.HEALTH_MAX_LAG_SECONDS
    consumers = [
        {
            "name": lag.name,
            "behind": lag.behind,
            "behind_capped": lag.behind_capped,
            "oldest_unread_age_seconds": round(lag.age_seconds, 3),
            "parked": lag.parked,
            "failing": bool(lag.attempts),
            "last_error": lag.last_error or None,
        }
        for lag in lags
    ]
    lagging = any(lag.age_seconds > limit or lag.attempts or lag.parked for lag in lags)
    return 200, {
        **body,
        "status": "lagging" if lagging else "ok",
        "database": "ok",
        "max_lag_seconds": limit,
        "consumers": consumers,
    }

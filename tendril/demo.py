"""``tendril demo``: every installed app's part of the demo data, loaded once, in one transaction.

Each app contributes a step in its ``demo.py`` (:func:`tendril.core.demo.demo_step`); the steps
run in their ``order``. The load is deterministic for a seed and happens once: a second call
finds its own audit entry and writes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import transaction

from tendril.accounts.demo import DEMO_PASSWORD
from tendril.accounts.models import AuditEntry
from tendril.accounts.services import audit_record
from tendril.core import clock
from tendril.core.demo import DemoContext, demo_steps
from tendril.core.models import Event, EventSource

DEMO_ACTION = "demo.load"


def demo_loaded() -> bool:
    return (
        AuditEntry.objects.filter(action=DEMO_ACTION).exists()
        or Event.objects.filter(source=EventSource.DEMO).exists()
    )


def demo_load(
    *,
    contacts: int = 2000,
    companies: int = 300,
    days: int = 90,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int | str]:
    """Load the demo data set once; returns what it created (or ``{"skipped": 1}``)."""
    if demo_loaded():
        return {"skipped": 1}
    context = DemoContext(
        rng=random.Random(seed),
        now=clock.now(),
        days=days,
        contacts=contacts,
        companies=companies,
        say=progress or (lambda line: None),
    )
    with transaction.atomic():
        if demo_loaded():  # another process won the race
            return {"skipped": 1}
        summary: dict[str, int | str] = {}
        for step in demo_steps():
            summary.update(step.load(context))
        audit_record(actor=None, action=DEMO_ACTION, detail=dict(summary))
    return {**summary, "password": DEMO_PASSWORD}

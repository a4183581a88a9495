"""Scoring's periodic job: scores decay while contacts do nothing (see ``decay.py``)."""

from __future__ import annotations

from celery import shared_task

from tendril.core.scheduler import periodic
from tendril.scoring.decay import scores_decay


@periodic(every=60.0)
@shared_task(name="tendril.scores_decay")
def scores_decay_tick() -> int:
    """Take off the decay that is due; returns how many contacts decayed."""
    return scores_decay()

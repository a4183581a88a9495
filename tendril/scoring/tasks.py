"""Scoring's background work: scores decay while contacts do nothing (see ``decay.py``), and an
edited rule's past points are recounted."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from tendril.core.scheduler import periodic
from tendril.scoring.decay import scores_decay
from tendril.scoring.services import rescores_due, rule_rescore_due

# A recount asked for this long ago and still due was lost with a stopped worker: run it again.
RESCORE_LOST_AFTER = timedelta(minutes=2)


@periodic(every=60.0)
@shared_task(name="tendril.scores_decay")
def scores_decay_tick() -> int:
    """Take off the decay that is due; returns how many contacts decayed."""
    return scores_decay()


@shared_task(name="tendril.scoring.rule_rescore", ignore_result=True)
def rule_rescore_run(rule_id: int) -> bool:
    """Recount an edited rule's points (nothing when another run already did)."""
    return rule_rescore_due(rule_id=rule_id)


@periodic(every=60.0)
@shared_task(name="tendril.scoring.rescores_resume", ignore_result=True)
def rescores_resume() -> int:
    """Run the recounts a stopped worker left due; returns how many ran."""
    return sum(rule_rescore_due(rule_id=pk) for pk in rescores_due(older_than=RESCORE_LOST_AFTER))

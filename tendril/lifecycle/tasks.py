"""Lifecycle's background work: a stage rule applied to the contacts who meet it already."""

from __future__ import annotations

from celery import shared_task

from tendril.lifecycle.consumers import rule_apply_to_current
from tendril.lifecycle.models import StageRule


@shared_task(name="tendril.lifecycle.rule_apply", ignore_result=True)
def stage_rule_apply_run(rule_id: int) -> int:
    """Apply the rule to current contacts; returns how many moved (0 for a rule deleted since)."""
    rule = StageRule.objects.filter(pk=rule_id).first()
    return 0 if rule is None else rule_apply_to_current(rule)

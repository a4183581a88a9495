"""The demo's stage rules (the mission's: hot scores and the "Hot leads" segment make MQLs, a
purchase makes a customer; and a subscriber who downloads an ebook becomes a lead), applied by
the lifecycle consumer itself to the demo's log, so the contacts they promoted say so in their
stage history."""

from __future__ import annotations

from typing import Any

from tendril.core.consumers import consumer_try_one
from tendril.core.demo import DemoContext, demo_step
from tendril.core.models import ConsumerCursor, Event
from tendril.lifecycle.consumers import CONSUMER
from tendril.lifecycle.models import StageRule
from tendril.lifecycle.services import stage_rule_create
from tendril.segments.models import Segment

HOT_LEADS = "Hot leads"


def _demo_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = [
        {"name": "A score of 10 makes an MQL", "stage": "mql", "trigger": "score", "score": 10},
        {
            "name": "Buyers are customers",
            "stage": "customer",
            "trigger": "event",
            "event": "purchase",
        },
        {
            "name": "Ebook readers are leads",
            "stage": "lead",
            "trigger": "event",
            "event": "asset_downloaded",
        },
    ]
    hot = Segment.objects.filter(name=HOT_LEADS).values_list("pk", flat=True).first()
    if hot is not None:
        rules.insert(
            1, {"name": "Hot leads are MQL", "stage": "mql", "trigger": "segment", "segment": hot}
        )
    return rules


@demo_step("lifecycle", order=50)
def lifecycle_demo(context: DemoContext) -> dict[str, int]:
    """After segments (order 40), whose "Hot leads" a rule names and whose entries it reads."""
    made = 0
    if not StageRule.objects.exists():
        for rule in _demo_rules():
            stage_rule_create(data=rule, by=None)
            made += 1
    before = Event.objects.filter(type="stage_changed").count()
    while consumer_try_one(CONSUMER, batch_size=2000):
        pass
    cursor = ConsumerCursor.objects.get(name=CONSUMER)
    if cursor.last_error:
        raise RuntimeError(f"applying the demo's stage rules failed: {cursor.last_error}")
    promoted = Event.objects.filter(type="stage_changed").count() - before
    context.say(f"stage rules {made:,}, contacts promoted {promoted:,}")
    return {"stage_rules": made, "promoted": promoted}

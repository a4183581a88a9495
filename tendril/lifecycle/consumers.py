"""The stage rules consumer: moves contacts forward along the lifecycle stages as the event log
tells what happened to them (``score_changed``, ``segment_entered``, and the rules' own event
types).

For each batch, every event of a contact is matched against the active rules; a contact that
several rules fire for goes to the furthest of their stages, once. The move goes through the
contacts' write path (``contacts_stage_promote``), which compares stages under a row lock and
never moves anyone back, so a replayed batch, or two workers at once, change nothing more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from tendril.contacts.services import contacts_stage_promote
from tendril.contacts.stages import stage_keys, stage_positions
from tendril.core.conditions import where_check, where_matches
from tendril.core.consumers import event_consumer
from tendril.core.events import ACTOR_RULE, actor_ref
from tendril.core.models import Event
from tendril.lifecycle.models import StageRule, Trigger

CONSUMER = "lifecycle"
SCORE_CHANGED = "score_changed"
SEGMENT_ENTERED = "segment_entered"

Matcher = tuple[StageRule, dict[str, dict[str, Any]]]


def _by_event_type(rules: Iterable[StageRule]) -> dict[str, list[Matcher]]:
    """The rules each event type may fire, with their ``where`` cleaned once per batch."""
    found: dict[str, list[Matcher]] = defaultdict(list)
    for rule in rules:
        if rule.trigger == Trigger.SCORE:
            found[SCORE_CHANGED].append((rule, {}))
        elif rule.trigger == Trigger.SEGMENT:
            found[SEGMENT_ENTERED].append((rule, {}))
        else:
            # Stored rules were checked when written; checking again yields the cleaned form.
            found[rule.event].append((rule, where_check(rule.where, path="where")))
    return found


def _fires(rule: StageRule, where: dict[str, dict[str, Any]], props: dict[str, Any]) -> bool:
    if rule.trigger == Trigger.SCORE:
        score = props.get("score")
        return isinstance(score, int) and not isinstance(score, bool) and score >= (rule.score or 0)
    if rule.trigger == Trigger.SEGMENT:
        return props.get("segment") == rule.segment_id
    return where_matches(where, props)


def rule_actor(rule: StageRule) -> dict[str, Any]:
    """The rule as the actor of the changes it makes ("Rule “Hot leads are MQL” set ...")."""
    return actor_ref(ACTOR_RULE, rule.pk, rule.name)


@event_consumer(CONSUMER)
def stage_rules_apply(events: list[Event]) -> None:
    """Move the batch's contacts to the furthest stage a rule gives them (idempotent)."""
    offered = set(stage_keys())
    rules = [
        rule
        for rule in StageRule.objects.filter(active=True).order_by("pk")
        if rule.stage in offered
    ]
    if not rules:
        return
    by_type = _by_event_type(rules)
    rank = stage_positions()
    best: dict[int, StageRule] = {}
    for event in events:
        if event.contact_id is None or event.type not in by_type:
            continue
        props = event.properties if isinstance(event.properties, dict) else {}
        for rule, where in by_type[event.type]:
            current = best.get(event.contact_id)
            if (current is None or rank[rule.stage] > rank[current.stage]) and _fires(
                rule, where, props
            ):
                best[event.contact_id] = rule
    contacts_stage_promote(
        moves={contact_id: (rule.stage, rule_actor(rule)) for contact_id, rule in best.items()}
    )

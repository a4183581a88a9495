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
from collections.abc import Iterable, Iterator
from typing import Any

from tendril.contacts.models import Contact
from tendril.contacts.services import contacts_stage_promote
from tendril.contacts.stages import stage_keys, stage_positions
from tendril.core.conditions import where_check, where_matches
from tendril.core.consumers import event_consumer
from tendril.core.events import ACTOR_RULE, actor_ref
from tendril.core.models import Event
from tendril.lifecycle.models import StageRule, Trigger
from tendril.segments.models import SegmentMember

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


# Contacts (or events) read per query when a rule is applied to current contacts: bounded memory
# and short row locks, however many contacts meet the rule.
APPLY_CHUNK = 2000


def _in_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) == APPLY_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _event_matches(rule: StageRule) -> Iterator[int]:
    """The contacts with an event in the log that the rule's event and ``where`` match."""
    where = where_check(rule.where, path="where")
    events = Event.objects.filter(type=rule.event, contact_id__isnull=False).order_by("id")
    for event in events.only("contact_id", "properties").iterator(chunk_size=APPLY_CHUNK):
        props = event.properties if isinstance(event.properties, dict) else {}
        if event.contact_id is not None and where_matches(where, props):
            yield event.contact_id


def _meeting_now(rule: StageRule) -> Iterator[int]:
    """The contacts the rule would fire for today: score at or above its score, members of its
    segment, or with a matching event in their history."""
    if rule.trigger == Trigger.SCORE:
        rows = Contact.objects.filter(score__gte=rule.score or 0).order_by("pk")
        return rows.values_list("pk", flat=True).iterator(chunk_size=APPLY_CHUNK)
    if rule.trigger == Trigger.SEGMENT:
        members = SegmentMember.objects.filter(segment=rule.segment).order_by("contact_id")
        return members.values_list("contact_id", flat=True).iterator(chunk_size=APPLY_CHUNK)
    return _event_matches(rule)


def rule_apply_to_current(rule: StageRule) -> int:
    """Move the contacts who meet ``rule`` now forward to its stage, a chunk at a time, through
    the same write path as the consumer (never back, once); returns how many moved. Running it
    again moves nobody more. An inactive rule, or one to a hidden stage, moves nobody."""
    if not rule.active or rule.stage not in stage_keys():
        return 0
    actor = rule_actor(rule)
    seen: set[int] = set()
    moved = 0
    for chunk in _in_chunks(_meeting_now(rule)):
        fresh = [pk for pk in chunk if pk not in seen]
        seen.update(fresh)
        moved += len(contacts_stage_promote(moves={pk: (rule.stage, actor) for pk in fresh}))
    return moved

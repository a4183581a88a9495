"""The scoring consumer: turns what contacts did (the event log) into points.

An anonymous visitor's events are scored when the visitor becomes a contact (announced by a
``visitor_identified`` event naming them).

For each batch: every event of a known contact is matched against the active rules (type and
``where``); each match becomes one ledger row, unique per (rule, event), so a replayed batch
adds nothing. Caps (``max_per_contact``) are counted against what the ledger already holds.
Then each touched contact's score is set to its ledger sum in one UPDATE, and a
``score_changed`` event is recorded for every contact whose score moved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from tendril.contacts.models import Contact
from tendril.core.bulk import insert_new_rows
from tendril.core.conditions import where_check, where_matches
from tendril.core.consumers import event_consumer
from tendril.core.events import VISITOR_IDENTIFIED
from tendril.core.models import Event
from tendril.core.services import events_record
from tendril.scoring.models import OWN_EVENT, ScoreEntry, ScoringRule

CONSUMER = "scoring"
LEDGER_COLUMNS = ("contact_id", "rule_id", "rule_name", "event_id", "points", "at")

Award = tuple[ScoringRule, Event, int]


def _matches(
    rules: Iterable[ScoringRule], events: Iterable[Event]
) -> list[tuple[ScoringRule, Event]]:
    by_type: dict[str, list[tuple[ScoringRule, dict[str, dict[str, Any]]]]] = defaultdict(list)
    for rule in rules:
        # Stored rules were checked when written; checking again yields the cleaned form.
        by_type[rule.event].append((rule, where_check(rule.where, path="where")))
    found = []
    for event in events:
        props = event.properties if isinstance(event.properties, dict) else {}
        for rule, where in by_type.get(event.type, ()):
            if where_matches(where, props):
                found.append((rule, event))
    return found


def _already_scored(pairs: list[tuple[ScoringRule, Event]]) -> set[tuple[int, int | None]]:
    """The (rule, event) pairs the ledger holds already: a replayed batch."""
    if not pairs:
        return set()
    return set(
        ScoreEntry.objects.filter(
            rule_id__in={r.pk for r, _ in pairs}, event_id__in={e.pk for _, e in pairs}
        ).values_list("rule_id", "event_id")
    )


def _given_so_far(capped: list[tuple[ScoringRule, Event]]) -> dict[tuple[int, int], int]:
    """Points each capped rule has given each contact so far, from the ledger."""
    if not capped:
        return {}
    rows = (
        ScoreEntry.objects.filter(
            rule_id__in={r.pk for r, _ in capped},
            contact_id__in={e.contact_id for _, e in capped},
        )
        .values_list("rule_id", "contact_id")
        .annotate(total=Sum("points"))
    )
    return {(rule_id, contact_id): total for rule_id, contact_id, total in rows}


def _awards(pairs: list[tuple[ScoringRule, Event]]) -> list[Award]:
    """The points each new (rule, event) match gives, in log order, within the rules' caps (a
    capped rule's last award may be partial; a rule at its cap gives no row at all)."""
    done = _already_scored(pairs)
    fresh = [(r, e) for r, e in pairs if (r.pk, e.pk) not in done]
    given = _given_so_far([(r, e) for r, e in fresh if r.max_per_contact is not None])
    awards: list[Award] = []
    for rule, event in fresh:
        points = rule.points
        if rule.max_per_contact is not None:
            assert event.contact_id is not None
            key = (rule.pk, event.contact_id)
            room = rule.max_per_contact - abs(given.get(key, 0))
            points = max(0, min(abs(points), room)) * (1 if points > 0 else -1)
            given[key] = given.get(key, 0) + points
        if points:
            awards.append((rule, event, points))
    return awards


def _ledger_insert(awards: list[Award]) -> list[Award]:
    """Insert the awards' ledger rows; returns those really inserted (a concurrent replay's
    rows are skipped, ON CONFLICT DO NOTHING)."""
    adapt = connection.ops.adapt_datetimefield_value
    ordered = sorted(awards, key=lambda a: (a[0].pk, a[1].pk))
    rows = [
        (event.contact_id, rule.pk, rule.name, event.pk, points, adapt(event.occurred_at))
        for rule, event, points in ordered
    ]
    inserted = insert_new_rows(ScoreEntry, LEDGER_COLUMNS, rows, unique=("rule_id", "event_id"))
    kept = {(rule_id, event_id) for _, rule_id, event_id in inserted}
    return [a for a in ordered if (a[0].pk, a[1].pk) in kept]


def scores_recount(contact_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Set each contact's score to its ledger sum in one UPDATE; returns {id: (before, after)}
    for the contacts whose score moved. The rows are locked first so the "before" is true."""
    ids = sorted(set(contact_ids))
    if not ids:
        return {}
    before = dict(
        Contact.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "score")
    )
    ledger_sum = (
        ScoreEntry.objects.filter(contact_id=OuterRef("pk"))
        .order_by()
        .values("contact_id")
        .annotate(total=Sum("points"))
        .values("total")
    )
    Contact.objects.filter(pk__in=before).update(
        score=Coalesce(Subquery(ledger_sum, output_field=IntegerField()), 0)
    )
    after = dict(Contact.objects.filter(pk__in=before).values_list("pk", "score"))
    return {pk: (before[pk], after[pk]) for pk in before if after[pk] != before[pk]}


def _joined_history(events: list[Event]) -> list[Event]:
    """The earlier anonymous events that ``visitor_identified`` events of the batch say just
    joined a contact: this consumer read them while they had no contact, so it scores them now.
    """
    said: set[int] = set()
    for event in events:
        if event.type == VISITOR_IDENTIFIED and event.contact_id is not None:
            ids = event.properties.get("events") if isinstance(event.properties, dict) else None
            if isinstance(ids, list):
                said.update(i for i in ids if isinstance(i, int) and not isinstance(i, bool))
    said -= {e.pk for e in events}
    if not said:
        return []
    return list(Event.objects.filter(pk__in=said, contact_id__isnull=False).order_by("id"))


@event_consumer(CONSUMER)
def score_events(events: list[Event]) -> None:
    """Score a batch of the log, and the history a visitor brought when they were identified
    (idempotent: replaying it changes nothing)."""
    candidates = [*_joined_history(events), *events]
    scorable = [e for e in candidates if e.contact_id is not None and e.type != OWN_EVENT]
    if not scorable:
        return
    rules = list(
        ScoringRule.objects.filter(active=True, event__in={e.type for e in scorable}).order_by("pk")
    )
    if not rules:
        return
    # Events of an erased contact keep their number but have nobody left to score.
    known = set(
        Contact.objects.filter(pk__in={e.contact_id for e in scorable}).values_list("pk", flat=True)
    )
    pairs = _matches(rules, [e for e in scorable if e.contact_id in known])
    scores_announce(_reasons(_ledger_insert(_awards(pairs))))


def _reasons(inserted: list[Award]) -> dict[int, set[str]]:
    """{contact: names of the rules that gave it points}."""
    why: dict[int, set[str]] = defaultdict(set)
    for rule, event, _points in inserted:
        assert event.contact_id is not None
        why[event.contact_id].add(rule.name)
    return why


# Events replayed per query when a rule is rescored: bounded memory on a long log.
REPLAY_CHUNK = 2000


def rule_replay(rule: ScoringRule) -> set[int]:
    """Score the whole log again for ``rule`` alone, as the consumer would have with its current
    terms, in log order (so caps fall on the same events); returns the contacts given points.
    Pairs the ledger already holds are skipped, so a replay never counts an event twice."""
    touched: set[int] = set()
    events = (
        Event.objects.filter(type=rule.event, contact_id__isnull=False)
        .filter(contact_id__in=Contact.objects.values("pk"))
        .order_by("id")
    )
    after = 0
    while chunk := list(events.filter(id__gt=after)[:REPLAY_CHUNK]):
        after = chunk[-1].pk
        touched.update(_reasons(_ledger_insert(_awards(_matches([rule], chunk)))))
    return touched


def scores_announce(why: dict[int, set[str]]) -> None:
    """Set the scores of the contacts in ``why`` to their ledger sums, and record a
    ``score_changed`` event (naming the rules ``why`` gives) for each whose score moved."""
    events_record(
        (
            contact_id,
            OWN_EVENT,
            {"points": new - old, "score": new, "rule": ", ".join(sorted(why[contact_id]))},
        )
        for contact_id, (old, new) in scores_recount(why).items()
    )

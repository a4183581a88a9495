"""The demo's scoring: the mission's rules, and the demo's events scored by the scoring consumer
itself, so every demo score is explained by its ledger."""

from __future__ import annotations

from tendril.contacts.models import Contact
from tendril.core.consumers import consumer_try_one
from tendril.core.demo import DemoContext, demo_step
from tendril.core.models import ConsumerCursor, Event, EventSource
from tendril.scoring.consumers import CONSUMER
from tendril.scoring.models import ScoreEntry, ScoringRule
from tendril.scoring.selectors import scoring_settings
from tendril.scoring.services import rule_create

# The mission's example (pricing page 1, ebook 4, email open 2; hot at 10), with caps so a
# reader of every newsletter does not turn hot on opens alone.
DEMO_RULES = (
    {
        "name": "Viewed the pricing page",
        "event": "page_view",
        "where": {"url": {"contains": "/pricing"}},
        "points": 1,
        "max_per_contact": 5,
    },
    {
        "name": "Downloaded an ebook",
        "event": "asset_downloaded",
        "points": 4,
        "max_per_contact": 12,
    },
    {"name": "Opened an email", "event": "email_opened", "points": 2, "max_per_contact": 10},
)


def _score_the_log() -> None:
    """Run the scoring consumer until it has read the whole log (it fails loudly here: a demo
    with half its scores would mislead)."""
    while consumer_try_one(CONSUMER, batch_size=2000):
        pass
    cursor = ConsumerCursor.objects.get(name=CONSUMER)
    if cursor.last_error:
        raise RuntimeError(f"scoring the demo events failed: {cursor.last_error}")


@demo_step("scoring", order=30)
def scoring_demo(context: DemoContext) -> dict[str, int]:
    """Rules, default thresholds, and scores from the contacts' demo events."""
    scoring_settings()
    made = 0
    if not ScoringRule.objects.exists():
        for rule in DEMO_RULES:
            rule_create(data=rule, by=None)
            made += 1
    # The contacts' demo gave its people believable stand-in scores; the ledger replaces them.
    demo_people = Event.objects.filter(source=EventSource.DEMO, contact_id__isnull=False)
    Contact.objects.filter(pk__in=demo_people.values("contact_id")).exclude(score=0).update(score=0)
    _score_the_log()
    entries = ScoreEntry.objects.count()
    context.say(f"scoring rules {made:,}, score entries {entries:,}")
    return {"scoring_rules": made, "score_entries": entries}

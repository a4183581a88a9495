"""The scoring consumer: events of contacts become ledger rows and scores, once each."""

from __future__ import annotations

from typing import Any

import pytest

from tendril.contacts.selectors import grade_for
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.consumers import consumer_try_one
from tendril.core.models import Event
from tendril.scoring.consumers import CONSUMER, score_events
from tendril.scoring.models import ScoreEntry, ScoringRule
from tendril.scoring.services import rule_create, settings_update

pytestmark = pytest.mark.django_db


def _rule(**data: Any) -> ScoringRule:
    return rule_create(data={"name": "r", "event": "page_view", "points": 1, **data}, by=None)


def _view(contact_id: int | None, url: str = "https://x.io/pricing", **kw: Any) -> Event:
    event: Event = EventFactory(contact_id=contact_id, properties={"url": url}, **kw)
    return event


def _score(contact_id: int) -> int:
    from tendril.contacts.models import Contact

    return Contact.objects.get(pk=contact_id).score


def test_matching_events_give_their_rules_points() -> None:
    contact = ContactFactory()
    _rule(name="Pricing page", where={"url": {"contains": "/pricing"}}, points=1)
    _rule(name="Ebook", event="asset_downloaded", points=4)
    events = [
        _view(contact.pk),
        _view(contact.pk, "https://x.io/blog"),
        EventFactory(contact_id=contact.pk, type="asset_downloaded", properties={"asset": "e"}),
        EventFactory(contact_id=contact.pk, type="email_opened", properties={"email": "n"}),
    ]
    score_events(events)
    assert _score(contact.pk) == 5
    assert sorted(ScoreEntry.objects.values_list("rule_name", "points")) == [
        ("Ebook", 4),
        ("Pricing page", 1),
    ]


def test_the_registered_consumer_scores_the_log() -> None:
    contact = ContactFactory()
    _rule(points=3)
    _view(contact.pk)
    while consumer_try_one(CONSUMER):
        pass
    assert _score(contact.pk) == 3


def test_anonymous_events_inactive_rules_and_erased_contacts_give_nothing() -> None:
    contact = ContactFactory()
    _rule(points=2, active=False)
    _rule(points=5, event="email_opened")
    score_events([_view(contact.pk), _view(None), _view(999_999_999, type="email_opened")])
    assert _score(contact.pk) == 0
    assert not ScoreEntry.objects.exists()


def test_negative_points_lower_the_score() -> None:
    contact = ContactFactory()
    _rule(name="Pricing", points=6)
    _rule(name="Unsubscribed", event="unsubscribed", points=-4)
    score_events([_view(contact.pk), EventFactory(contact_id=contact.pk, type="unsubscribed")])
    assert _score(contact.pk) == 2


def test_a_cap_limits_what_one_rule_gives_one_contact_across_batches() -> None:
    ann, bob = ContactFactory(), ContactFactory()
    _rule(points=2, max_per_contact=5)
    score_events([_view(ann.pk), _view(ann.pk), _view(bob.pk)])
    score_events([_view(ann.pk), _view(ann.pk)])
    assert _score(ann.pk) == 5
    assert _score(bob.pk) == 2
    assert list(
        ScoreEntry.objects.filter(contact_id=ann.pk)
        .order_by("event_id")
        .values_list("points", flat=True)
    ) == [2, 2, 1]


def test_a_cap_on_a_negative_rule_limits_how_far_it_lowers() -> None:
    contact = ContactFactory()
    _rule(points=-3, max_per_contact=4)
    score_events([_view(contact.pk), _view(contact.pk), _view(contact.pk)])
    assert _score(contact.pk) == -4


def test_replaying_a_batch_scores_each_event_once() -> None:
    contact = ContactFactory()
    _rule(points=2, max_per_contact=10)
    batch = [_view(contact.pk), _view(contact.pk)]
    score_events(batch)
    score_events(batch)
    assert _score(contact.pk) == 4
    assert ScoreEntry.objects.count() == 2
    assert Event.objects.filter(type="score_changed").count() == 1


def test_a_moved_score_is_told_on_the_timeline() -> None:
    contact = ContactFactory()
    _rule(name="Pricing page", points=3)
    score_events([_view(contact.pk)])
    told = Event.objects.get(type="score_changed")
    assert told.contact_id == contact.pk
    assert told.properties == {"points": 3, "score": 3, "rule": "Pricing page"}


def test_score_changes_are_never_scored_themselves() -> None:
    contact = ContactFactory()
    _rule(points=3)
    score_events([_view(contact.pk)])
    score_events(list(Event.objects.filter(type="score_changed")))
    assert ScoreEntry.objects.count() == 1


def test_the_score_is_the_ledger_sum_even_when_it_had_drifted() -> None:
    contact = ContactFactory(score=40)
    _rule(points=1)
    score_events([_view(contact.pk)])
    assert _score(contact.pk) == 1


def test_a_deleted_rules_points_stay_under_its_name() -> None:
    contact = ContactFactory()
    rule = _rule(name="Old rule", points=2)
    score_events([_view(contact.pk)])
    rule.delete()
    entry = ScoreEntry.objects.get()
    assert (entry.rule_id, entry.rule_name, entry.points) == (None, "Old rule", 2)


def test_grades_follow_the_threshold_settings() -> None:
    assert [grade_for(s) for s in (4, 5, 9, 10)] == ["cold", "warm", "warm", "hot"]
    settings_update(hot=20, warm=8, decay_points=0, decay_every=None, by=None)
    assert [grade_for(s) for s in (7, 8, 19, 20)] == ["cold", "warm", "warm", "hot"]


def test_the_contact_list_filters_grades_by_the_settings() -> None:
    from tendril.contacts.selectors import ContactFilters, contact_list

    ContactFactory(score=9, email="nine@example.com")
    ContactFactory(score=12, email="twelve@example.com")
    hot = ContactFilters(grade="hot")
    assert [c.email for c in contact_list(filters=hot)] == ["twelve@example.com"]
    settings_update(hot=9, warm=3, decay_points=0, decay_every=None, by=None)
    assert sorted(c.email for c in contact_list(filters=hot)) == [
        "nine@example.com",
        "twelve@example.com",
    ]


def test_a_visitors_history_is_scored_when_they_are_identified() -> None:
    from tendril.core.services import visitor_identify

    contact = ContactFactory()
    _rule(points=2)
    anonymous = [_view(None, visitor_id="v-42"), _view(None, visitor_id="v-42")]
    score_events(anonymous)
    assert not ScoreEntry.objects.exists()
    assert visitor_identify(visitor_id="v-42", contact_id=contact.pk) == 2
    announced = list(Event.objects.filter(type="visitor_identified"))
    score_events(announced)
    score_events(announced)
    assert _score(contact.pk) == 4
    assert set(ScoreEntry.objects.values_list("event_id", flat=True)) == {e.pk for e in anonymous}

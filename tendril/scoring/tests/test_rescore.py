"""Editing a rule rescores the log for it: scores after the edit are exactly what the new terms
give, and no event is counted twice."""

from __future__ import annotations

from typing import Any

import pytest

from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.models import Event
from tendril.scoring.consumers import score_events
from tendril.scoring.models import ScoreEntry, ScoringRule
from tendril.scoring.services import rule_create, rule_rescore, rule_update

pytestmark = pytest.mark.django_db


def _rule(**data: Any) -> ScoringRule:
    return rule_create(data={"name": "Pricing", "event": "page_view", "points": 1, **data}, by=None)


def _views(contact: Contact, *urls: str) -> list[Event]:
    return [
        EventFactory(contact_id=contact.pk, type="page_view", properties={"url": url})
        for url in urls
    ]


def _score(contact: Contact) -> int:
    contact.refresh_from_db()
    return contact.score


def test_new_points_replace_the_old_ones_for_every_past_event() -> None:
    ann, bob = ContactFactory(), ContactFactory()
    rule = _rule(points=1)
    score_events([*_views(ann, "/pricing", "/pricing", "/pricing"), *_views(bob, "/pricing")])
    assert (_score(ann), _score(bob)) == (3, 1)

    rule_update(rule=rule, data={"points": 5}, by=None)

    assert (_score(ann), _score(bob)) == (15, 5)
    assert ScoreEntry.objects.filter(rule=rule).count() == 4
    assert set(ScoreEntry.objects.values_list("points", flat=True)) == {5}


def test_a_narrower_where_takes_back_the_points_of_events_it_no_longer_matches() -> None:
    ann = ContactFactory()
    rule = _rule(points=2)
    score_events(_views(ann, "https://x.io/pricing", "https://x.io/blog"))
    assert _score(ann) == 4

    rule_update(rule=rule, data={"where": {"url": {"contains": "/pricing"}}}, by=None)

    assert _score(ann) == 2
    assert list(ScoreEntry.objects.values_list("points", flat=True)) == [2]


def test_a_new_cap_falls_on_the_earliest_events_as_scoring_them_live_would() -> None:
    ann = ContactFactory()
    rule = _rule(points=4)
    events = _views(ann, "/a", "/b", "/c")
    score_events(events)
    assert _score(ann) == 12

    rule_update(rule=rule, data={"max_per_contact": 6}, by=None)

    assert _score(ann) == 6
    assert list(ScoreEntry.objects.order_by("event_id").values_list("event_id", "points")) == [
        (events[0].pk, 4),
        (events[1].pk, 2),
    ]


def test_rescoring_twice_and_then_replaying_the_log_adds_nothing() -> None:
    ann = ContactFactory()
    rule = _rule(points=3)
    events = _views(ann, "/a", "/b")
    score_events(events)

    rule_rescore(rule=rule)
    rule_rescore(rule=rule)
    score_events(events)

    assert _score(ann) == 6
    assert ScoreEntry.objects.count() == 2


def test_events_the_consumer_has_not_read_yet_are_scored_once_by_whichever_comes_first() -> None:
    ann = ContactFactory()
    rule = _rule(points=3)
    unread = _views(ann, "/a")

    rule_update(rule=rule, data={"points": 4}, by=None)
    score_events(unread)

    assert _score(ann) == 4
    assert ScoreEntry.objects.count() == 1


def test_other_rules_points_are_left_as_they_were() -> None:
    ann = ContactFactory()
    edited = _rule(points=1)
    other = _rule(name="Any view", points=2)
    score_events(_views(ann, "/a"))
    assert _score(ann) == 3

    rule_update(rule=edited, data={"points": 10}, by=None)

    assert _score(ann) == 12
    assert ScoreEntry.objects.get(rule=other).points == 2


def test_a_rescore_that_moves_a_score_records_one_score_changed_event() -> None:
    ann, untouched = ContactFactory(), ContactFactory()
    rule = _rule(points=1)
    score_events(_views(ann, "/a", "/b"))
    before = Event.objects.filter(type="score_changed").count()

    rule_update(rule=rule, data={"points": 2}, by=None)

    changed = list(Event.objects.filter(type="score_changed").order_by("-id")[:1])
    assert Event.objects.filter(type="score_changed").count() == before + 1
    assert changed[0].contact_id == ann.pk
    assert changed[0].properties == {"points": 2, "score": 4, "rule": "Pricing"}
    assert not Event.objects.filter(type="score_changed", contact_id=untouched.pk).exists()


def test_renaming_a_rule_does_not_rescore() -> None:
    ann = ContactFactory()
    rule = _rule(points=1)
    score_events(_views(ann, "/a"))
    entry = ScoreEntry.objects.get()

    rule_update(rule=rule, data={"name": "Renamed"}, by=None)

    assert ScoreEntry.objects.get().pk == entry.pk


def test_an_inactive_rule_rescored_gives_its_points_back() -> None:
    ann = ContactFactory()
    rule = _rule(points=3)
    score_events(_views(ann, "/a"))

    rule_update(rule=rule, data={"active": False, "points": 5}, by=None)

    assert _score(ann) == 0
    assert not ScoreEntry.objects.exists()


def test_negative_points_rescore_too() -> None:
    ann = ContactFactory()
    rule = _rule(name="Unsubscribed", event="email_unsubscribed", points=-2)
    events = [EventFactory(contact_id=ann.pk, type=rule.event, properties={})]
    score_events(events)
    assert _score(ann) == -2

    rule_update(rule=rule, data={"points": -7}, by=None)

    assert _score(ann) == -7


def test_a_rule_patched_through_the_api_rescores_the_contacts_it_scored(marketer_api: Any) -> None:
    ann = ContactFactory()
    rule = _rule(points=1)
    score_events(_views(ann, "/a", "/b"))

    response = marketer_api.patch(
        f"/api/v1/scoring/rules/{rule.pk}", {"points": 4}, content_type="application/json"
    )

    assert response.status_code == 200
    assert _score(ann) == 8
    assert marketer_api.get(f"/api/v1/contacts/{ann.pk}/score").json()["score"] == 8

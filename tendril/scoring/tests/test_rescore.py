"""Editing a rule rescores the log for it, in the background: scores after the recount are
exactly what the new terms give, no event is counted twice, and a recount a stopped worker never
ran is resumed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import TestCase

from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core import clock
from tendril.core.models import Event
from tendril.scoring.consumers import score_events
from tendril.scoring.models import ScoreEntry, ScoringRule
from tendril.scoring.services import rule_create, rule_rescore, rule_update
from tendril.scoring.tasks import RESCORE_LOST_AFTER, rescores_resume

pytestmark = pytest.mark.django_db


def _rule(**data: Any) -> ScoringRule:
    return rule_create(data={"name": "Pricing", "event": "page_view", "points": 1, **data}, by=None)


def _views(contact: Contact, *urls: str) -> list[Event]:
    return [
        EventFactory(contact_id=contact.pk, type="page_view", properties={"url": url})
        for url in urls
    ]


def _edit(rule: ScoringRule, data: dict[str, Any]) -> None:
    """Edit ``rule`` and commit, so the recount it asks for runs (no worker in tests: at once)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        rule_update(rule=rule, data=data, by=None)


def _score(contact: Contact) -> int:
    contact.refresh_from_db()
    return contact.score


def test_new_points_replace_the_old_ones_for_every_past_event() -> None:
    ann, bob = ContactFactory(), ContactFactory()
    rule = _rule(points=1)
    score_events([*_views(ann, "/pricing", "/pricing", "/pricing"), *_views(bob, "/pricing")])
    assert (_score(ann), _score(bob)) == (3, 1)

    _edit(rule, {"points": 5})

    assert (_score(ann), _score(bob)) == (15, 5)
    assert ScoreEntry.objects.filter(rule=rule).count() == 4
    assert set(ScoreEntry.objects.values_list("points", flat=True)) == {5}


def test_a_narrower_where_takes_back_the_points_of_events_it_no_longer_matches() -> None:
    ann = ContactFactory()
    rule = _rule(points=2)
    score_events(_views(ann, "https://x.io/pricing", "https://x.io/blog"))
    assert _score(ann) == 4

    _edit(rule, {"where": {"url": {"contains": "/pricing"}}})

    assert _score(ann) == 2
    assert list(ScoreEntry.objects.values_list("points", flat=True)) == [2]


def test_a_new_cap_falls_on_the_earliest_events_as_scoring_them_live_would() -> None:
    ann = ContactFactory()
    rule = _rule(points=4)
    events = _views(ann, "/a", "/b", "/c")
    score_events(events)
    assert _score(ann) == 12

    _edit(rule, {"max_per_contact": 6})

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

    _edit(rule, {"points": 4})
    score_events(unread)

    assert _score(ann) == 4
    assert ScoreEntry.objects.count() == 1


def test_other_rules_points_are_left_as_they_were() -> None:
    ann = ContactFactory()
    edited = _rule(points=1)
    other = _rule(name="Any view", points=2)
    score_events(_views(ann, "/a"))
    assert _score(ann) == 3

    _edit(edited, {"points": 10})

    assert _score(ann) == 12
    assert ScoreEntry.objects.get(rule=other).points == 2


def test_a_rescore_that_moves_a_score_records_one_score_changed_event() -> None:
    ann, untouched = ContactFactory(), ContactFactory()
    rule = _rule(points=1)
    score_events(_views(ann, "/a", "/b"))
    before = Event.objects.filter(type="score_changed").count()

    _edit(rule, {"points": 2})

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

    _edit(rule, {"name": "Renamed"})

    assert ScoreEntry.objects.get().pk == entry.pk


def test_an_inactive_rule_rescored_gives_its_points_back() -> None:
    ann = ContactFactory()
    rule = _rule(points=3)
    score_events(_views(ann, "/a"))

    _edit(rule, {"active": False, "points": 5})

    assert _score(ann) == 0
    assert not ScoreEntry.objects.exists()


def test_negative_points_rescore_too() -> None:
    ann = ContactFactory()
    rule = _rule(name="Unsubscribed", event="email_unsubscribed", points=-2)
    events = [EventFactory(contact_id=ann.pk, type=rule.event, properties={})]
    score_events(events)
    assert _score(ann) == -2

    _edit(rule, {"points": -7})

    assert _score(ann) == -7


def test_a_rule_patched_through_the_api_rescores_the_contacts_it_scored(marketer_api: Any) -> None:
    ann = ContactFactory()
    rule = _rule(points=1)
    score_events(_views(ann, "/a", "/b"))

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = marketer_api.patch(
            f"/api/v1/scoring/rules/{rule.pk}", {"points": 4}, content_type="application/json"
        )

    assert response.status_code == 200
    assert _score(ann) == 8
    assert marketer_api.get(f"/api/v1/contacts/{ann.pk}/score").json()["score"] == 8


def test_an_edit_waits_for_the_recount_and_says_it_is_due() -> None:
    ann = ContactFactory()
    rule = _rule(points=1)
    score_events(_views(ann, "/a"))

    rule_update(rule=rule, data={"points": 3}, by=None)  # not committed: no recount yet

    rule.refresh_from_db()
    assert rule.rescore_due is not None
    assert _score(ann) == 1


def test_a_recount_a_stopped_worker_never_ran_is_resumed_and_cleared() -> None:
    ann = ContactFactory()
    rule = _rule(points=1)
    score_events(_views(ann, "/a", "/b"))
    rule_update(rule=rule, data={"points": 3}, by=None)  # the worker stopped before running it
    ScoringRule.objects.filter(pk=rule.pk).update(
        rescore_due=clock.now() - RESCORE_LOST_AFTER - timedelta(seconds=1)
    )

    assert rescores_resume() == 1
    assert rescores_resume() == 0

    rule.refresh_from_db()
    assert rule.rescore_due is None
    assert _score(ann) == 6


def test_a_recent_recount_is_left_to_the_worker_that_was_asked() -> None:
    rule = _rule(points=1)
    rule_update(rule=rule, data={"points": 3}, by=None)

    assert rescores_resume() == 0

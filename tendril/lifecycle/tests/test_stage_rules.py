"""Stage rules move contacts forward when their score, a segment entry or an event says so,
through the contacts' write path, once, naming the rule."""

from __future__ import annotations

from typing import Any

import pytest

from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.errors import Conflict
from tendril.core.events import describe
from tendril.core.models import Event
from tendril.lifecycle.consumers import rule_apply_to_current, stage_rules_apply
from tendril.lifecycle.models import StageRule
from tendril.lifecycle.services import stage_rule_create
from tendril.segments.models import Segment
from tendril.segments.services import segment_add_contacts, segment_create, segment_delete

pytestmark = pytest.mark.django_db


def _rule(**data: Any) -> StageRule:
    return stage_rule_create(data={"name": "Rule", **data}, by=None)


def _event(contact: Contact, type: str, **properties: Any) -> Event:
    return EventFactory(contact_id=contact.pk, type=type, properties=properties)


def _stage_changes(contact: Contact) -> list[dict[str, Any]]:
    rows = Event.objects.filter(contact_id=contact.pk, type="stage_changed").order_by("id")
    return [e.properties for e in rows]


def test_a_score_rule_moves_a_contact_to_mql_when_the_score_reaches_it() -> None:
    _rule(name="Hot leads are MQL", stage="mql", trigger="score", score=10)
    below, reached = ContactFactory(), ContactFactory()

    stage_rules_apply(
        [
            _event(below, "score_changed", points=4, score=9),
            _event(reached, "score_changed", score=12),
        ]
    )

    below.refresh_from_db()
    reached.refresh_from_db()
    assert (below.stage, reached.stage) == ("lead", "mql")
    [change] = _stage_changes(reached)
    assert change["from"] == "lead" and change["to"] == "mql" and change["by"] == "rule"
    assert change["actor"]["name"] == "Hot leads are MQL"
    assert describe("stage_changed", change) == (
        "Rule “Hot leads are MQL” set the stage to Marketing qualified (MQL)"
    )


def test_a_segment_rule_moves_only_the_contacts_entering_its_segment() -> None:
    hot = segment_create(
        name="Hot leads", filter={"field": "grade", "op": "eq", "value": "hot"}, by=None
    )
    other = segment_create(name="Others", static=True, by=None)
    _rule(stage="sal", trigger="segment", segment=hot.pk)
    entering, elsewhere = ContactFactory(), ContactFactory()

    stage_rules_apply(
        [
            _event(entering, "segment_entered", segment=hot.pk, name=hot.name),
            _event(elsewhere, "segment_entered", segment=other.pk, name=other.name),
        ]
    )

    assert Contact.objects.get(pk=entering.pk).stage == "sal"
    assert Contact.objects.get(pk=elsewhere.pk).stage == "lead"


def test_an_event_rule_moves_only_on_events_meeting_its_conditions() -> None:
    _rule(stage="customer", trigger="event", event="purchase", where={"amount": {"gte": 100}})
    small, big = ContactFactory(), ContactFactory()

    stage_rules_apply([_event(small, "purchase", amount=20), _event(big, "purchase", amount=250)])

    assert Contact.objects.get(pk=small.pk).stage == "lead"
    assert Contact.objects.get(pk=big.pk).stage == "customer"


def test_a_rule_never_moves_a_contact_back() -> None:
    _rule(stage="mql", trigger="score", score=10)
    customer = ContactFactory(stage="customer")

    stage_rules_apply([_event(customer, "score_changed", score=50)])

    assert Contact.objects.get(pk=customer.pk).stage == "customer"
    assert _stage_changes(customer) == []


def test_several_rules_firing_in_one_batch_move_the_contact_once_to_the_furthest_stage() -> None:
    _rule(name="Score", stage="mql", trigger="score", score=10)
    _rule(name="Bought", stage="customer", trigger="event", event="purchase")
    contact = ContactFactory()

    stage_rules_apply(
        [
            _event(contact, "score_changed", score=11),
            _event(contact, "purchase", amount=5),
            _event(contact, "score_changed", score=15),
        ]
    )

    assert [(c["to"], c["actor"]["name"]) for c in _stage_changes(contact)] == [
        ("customer", "Bought")
    ]


def test_a_replayed_batch_and_an_inactive_rule_move_nobody_again() -> None:
    _rule(stage="mql", trigger="score", score=10)
    _rule(stage="customer", trigger="event", event="purchase", active=False)
    contact = ContactFactory()
    batch = [_event(contact, "score_changed", score=10), _event(contact, "purchase", amount=1)]

    stage_rules_apply(batch)
    stage_rules_apply(batch)

    assert Contact.objects.get(pk=contact.pk).stage == "mql"
    assert len(_stage_changes(contact)) == 1


def test_events_of_an_erased_contact_or_of_no_contact_are_passed_over() -> None:
    _rule(stage="customer", trigger="event", event="purchase")
    gone = ContactFactory()
    gone_id = gone.pk
    gone.delete()

    stage_rules_apply(
        [
            EventFactory(contact_id=gone_id, type="purchase", properties={"amount": 1}),
            EventFactory(type="purchase", properties={"amount": 1}),
        ]
    )

    assert not Event.objects.filter(type="stage_changed").exists()


def test_applying_a_rule_to_current_contacts_moves_those_who_meet_it_now_once() -> None:
    rule = _rule(name="Scored", stage="mql", trigger="score", score=10)
    hot, cold, further = (
        ContactFactory(score=12),
        ContactFactory(score=3),
        ContactFactory(score=40, stage="customer"),
    )

    assert rule_apply_to_current(rule) == 1
    assert rule_apply_to_current(rule) == 0

    stages = dict(Contact.objects.values_list("pk", "stage"))
    assert (stages[hot.pk], stages[cold.pk], stages[further.pk]) == ("mql", "lead", "customer")
    assert _stage_changes(hot)[0]["actor"]["name"] == "Scored"


def test_an_event_rule_applied_to_current_contacts_reads_their_history_and_its_where() -> None:
    rule = _rule(stage="customer", trigger="event", event="purchase", where={"amount": {"gte": 50}})
    big, small = ContactFactory(), ContactFactory()
    _event(big, "purchase", amount=80)
    _event(big, "purchase", amount=90)
    _event(small, "purchase", amount=5)

    assert rule_apply_to_current(rule) == 1
    assert Contact.objects.get(pk=big.pk).stage == "customer"
    assert Contact.objects.get(pk=small.pk).stage == "lead"


def test_a_segment_rule_applied_via_the_api_moves_the_segments_members(
    marketer_api: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.BROKER_URL = ""  # the work runs in-process, even in the Redis pass
    listed = segment_create(name="Trade fair", static=True, by=None)
    member, other = ContactFactory(), ContactFactory()
    segment_add_contacts(segment=listed, ids=[member.pk], by=None)
    rule = _rule(stage="sal", trigger="segment", segment=listed.pk)

    with django_capture_on_commit_callbacks(execute=True):
        answer = marketer_api.post(f"/api/v1/stage-rules/{rule.pk}/apply")

    assert answer.status_code == 202
    assert Contact.objects.get(pk=member.pk).stage == "sal"
    assert Contact.objects.get(pk=other.pk).stage == "lead"


def test_a_segment_a_rule_listens_to_is_kept_until_the_rule_changes() -> None:
    hot = segment_create(name="Hot leads", static=True, by=None)
    _rule(name="Hot leads are MQL", stage="mql", trigger="segment", segment=hot.pk)

    with pytest.raises(Conflict, match="“Hot leads are MQL” use this segment"):
        segment_delete(segment=hot, by=None)

    assert Segment.objects.filter(pk=hot.pk).exists()
    assert StageRule.objects.filter(segment=hot).count() == 1

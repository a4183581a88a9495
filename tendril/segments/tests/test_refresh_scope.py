"""Re-evaluating a few contacts asks about those contacts only, down to the event counts: the
segments consumer's cost must follow the contacts a batch names, not the size of the log."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core import clock
from tendril.segments.consumers import membership_follow
from tendril.segments.dsl import filter_contacts
from tendril.segments.models import Segment
from tendril.segments.services import segment_add_contacts, segment_create

pytestmark = pytest.mark.django_db
THREE_VISITS = {"event": "page_view", "within": "P30D", "count": {"gte": 3}}


def visits(contact: Contact, n: int, *, days_ago: int = 1) -> None:
    for _ in range(n):
        EventFactory(
            contact_id=contact.pk,
            type="page_view",
            properties={"url": "https://example.com/pricing"},
            occurred_at=clock.now() - timedelta(days=days_ago),
        )


def filters(vip: Segment) -> list[dict[str, Any]]:
    return [
        THREE_VISITS,
        {"event": "page_view", "within": "P30D", "count": {"lt": 2}},
        {"segment": vip.pk},
        {"not": {"all": [{"segment": vip.pk}, THREE_VISITS]}},
        {"any": [{"field": "score", "op": "gte", "value": 10}, THREE_VISITS]},
    ]


def test_asking_about_some_contacts_answers_as_the_whole_filter_does_for_them() -> None:
    people = [ContactFactory(score=score) for score in (0, 12, 0, 3, 0)]
    for person, n in zip(people, (0, 1, 3, 5, 2), strict=True):
        visits(person, n)
    visits(people[0], 4, days_ago=60)  # outside the window: counts for nothing
    vip = segment_create(name="VIP", static=True, by=None)
    segment_add_contacts(segment=vip, ids=[people[2].pk, people[4].pk], by=None)
    asked = [people[0].pk, people[2].pk, people[3].pk]
    for node in filters(vip):
        whole = set(filter_contacts(node).filter(pk__in=asked).values_list("pk", flat=True))
        some = set(filter_contacts(node, among=asked).values_list("pk", flat=True))
        assert some == whole, node
    assert set(filter_contacts(THREE_VISITS, among=asked).values_list("pk", flat=True)) == {
        people[2].pk,
        people[3].pk,
    }


def test_a_refresh_counts_and_looks_up_only_the_contacts_the_batch_names() -> None:
    vip = segment_create(name="VIP", static=True, by=None)
    segment_create(name="Back three times", filter=THREE_VISITS, by=None)
    segment_create(
        name="Back three times, VIP", filter={"all": [THREE_VISITS, {"segment": vip.pk}]}, by=None
    )
    for other in ContactFactory.create_batch(3):
        visits(other, 4)
    contact = ContactFactory()
    visits(contact, 3)
    event = EventFactory(contact_id=contact.pk, type="page_view", properties={"url": "/x"})
    with CaptureQueriesContext(connection) as queries:
        membership_follow([event])
    named = f'"contact_id" IN ({contact.pk})'
    grouped = [q["sql"] for q in queries if "HAVING" in q["sql"]]
    vip_lookup = re.compile(rf'"segment_id" = {vip.pk}\b')
    member_lookups = [q["sql"] for q in queries if vip_lookup.search(q["sql"])]
    assert grouped and member_lookups
    for sql in grouped:
        group_by = sql.index("GROUP BY")
        assert named in sql[sql.rindex("SELECT", 0, group_by) : group_by], sql
    for sql in member_lookups:
        assert named in sql, sql

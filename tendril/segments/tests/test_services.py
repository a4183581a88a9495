"""Segments' writes: membership rebuilt on create and on a new filter, entering and leaving
announced once each, static lists by hand, deletion audited; and the contact list's
``?segment=`` and a contact's ``segments`` reading the stored membership."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.selectors import ContactFilters, contact_list
from tendril.contacts.services import contact_erase
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.models import Event
from tendril.segments.models import Segment, SegmentMember
from tendril.segments.selectors import segment_list, segment_preview, segments_of
from tendril.segments.services import (
    segment_add_contacts,
    segment_create,
    segment_delete,
    segment_rebuild,
    segment_remove_contacts,
    segment_update,
)

pytestmark = pytest.mark.django_db
HOT = {"field": "score", "op": "gte", "value": 10}


def members(segment: Segment) -> set[int]:
    return set(segment.members.values_list("contact_id", flat=True))


def announced(segment: Segment, type: str) -> list[int]:
    rows = Event.objects.filter(type=type, properties__segment=segment.pk)
    return sorted(rows.values_list("contact_id", flat=True))


def test_a_new_dynamic_segment_holds_its_matches_and_announces_each_entry(marketer: Any) -> None:
    hot = ContactFactory(score=12)
    ContactFactory(score=1)
    segment = segment_create(name="Hot leads", filter=HOT, by=marketer)
    assert members(segment) == {hot.pk}
    assert announced(segment, "segment_entered") == [hot.pk]
    entered = Event.objects.get(type="segment_entered")
    assert entered.properties == {"segment": segment.pk, "name": "Hot leads"}
    assert segment.created_by == marketer


def test_a_new_filter_moves_only_the_changed_contacts(marketer: Any) -> None:
    stays = ContactFactory(score=12, first_name="Stay")
    leaves = ContactFactory(score=12, first_name="Leave")
    joins = ContactFactory(score=1, first_name="Join")
    segment = segment_create(name="Hot", filter=HOT, by=marketer)
    Event.objects.all().delete()
    segment_update(
        segment=segment,
        filter={"field": "first_name", "op": "in", "value": ["Stay", "Join"]},
        by=marketer,
    )
    assert members(segment) == {stays.pk, joins.pk}
    assert announced(segment, "segment_entered") == [joins.pk]
    assert announced(segment, "segment_exited") == [leaves.pk]
    assert segment_rebuild(segment=segment) == (0, 0)


def test_renaming_keeps_members_and_names_must_be_unique(marketer: Any) -> None:
    ContactFactory(score=12)
    segment = segment_create(name="Hot", filter=HOT, by=marketer)
    segment_create(name="Cold", filter={"field": "grade", "op": "eq", "value": "cold"}, by=marketer)
    segment_update(segment=segment, name="  Very hot ", by=marketer)
    segment.refresh_from_db()
    assert segment.name == "Very hot"
    assert len(members(segment)) == 1
    with pytest.raises(Conflict) as caught:
        segment_update(segment=segment, name="cold", by=marketer)
    assert caught.value.field == "name"
    with pytest.raises(InvalidInput):
        segment_create(name=" ", filter=HOT, by=marketer)


def test_bad_filters_are_refused_with_their_path_and_nothing_is_saved(marketer: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        segment_create(
            name="Bad",
            filter={"all": [HOT, {"field": "score", "op": "zz", "value": 1}]},
            by=marketer,
        )
    assert caught.value.field == "all[1].op"
    with pytest.raises(InvalidInput) as caught:
        segment_create(name="Empty", filter={}, by=marketer)
    assert caught.value.field == "filter"
    assert not Segment.objects.exists()


def test_a_segment_cannot_include_itself_through_others(marketer: Any) -> None:
    a = segment_create(name="A", filter=HOT, by=marketer)
    b = segment_create(name="B", filter={"segment": a.pk}, by=marketer)
    with pytest.raises(InvalidInput) as caught:
        segment_update(segment=a, filter={"any": [HOT, {"segment": b.pk}]}, by=marketer)
    assert caught.value.field == "any[1].segment"
    with pytest.raises(InvalidInput):
        segment_update(segment=a, filter={"segment": a.pk}, by=marketer)
    with pytest.raises(Conflict):
        segment_delete(segment=a, by=marketer)


def test_static_lists_take_contacts_by_hand_once_each(marketer: Any) -> None:
    one, two = ContactFactory.create_batch(2)
    vip = segment_create(name="VIP", static=True, by=marketer)
    assert segment_add_contacts(segment=vip, ids=[one.pk, two.pk, one.pk], by=marketer) == 2
    assert segment_add_contacts(segment=vip, ids=[one.pk], by=marketer) == 0
    assert announced(vip, "segment_entered") == sorted([one.pk, two.pk])
    assert segment_remove_contacts(segment=vip, ids=[one.pk, one.pk], by=marketer) == 1
    assert announced(vip, "segment_exited") == [one.pk]
    assert members(vip) == {two.pk}
    with pytest.raises(InvalidInput) as caught:
        segment_add_contacts(segment=vip, ids=[two.pk + 999], by=marketer)
    assert caught.value.field == "ids"
    dynamic = segment_create(name="Hot", filter=HOT, by=marketer)
    with pytest.raises(Conflict):
        segment_add_contacts(segment=dynamic, ids=[one.pk], by=marketer)
    with pytest.raises(InvalidInput):
        segment_create(name="Both", static=True, filter=HOT, by=marketer)
    with pytest.raises(InvalidInput):
        segment_update(segment=vip, filter=HOT, by=marketer)


def test_deleting_a_segment_is_audited_and_takes_its_members(marketer: Any) -> None:
    ContactFactory(score=12)
    segment = segment_create(name="Hot", filter=HOT, by=marketer)
    segment_delete(segment=segment, by=marketer)
    assert not SegmentMember.objects.exists()
    entry = AuditEntry.objects.get(action="segment.delete")
    assert entry.detail["name"] == "Hot"


def test_list_counts_preview_and_the_contact_side(marketer: Any) -> None:
    hot = ContactFactory(score=12)
    ContactFactory(score=1)
    segment = segment_create(name="Hot", filter=HOT, by=marketer)
    segment_create(name="Empty", static=True, by=marketer)
    assert {s.name: s.member_count for s in segment_list()} == {"Empty": 0, "Hot": 1}
    preview = segment_preview(filter={"field": "score", "op": "lt", "value": 100})
    assert preview.count == 2 and len(preview.sample) == 2
    assert list(contact_list(filters=ContactFilters(segment=segment.pk))) == [hot]
    assert not contact_list(filters=ContactFilters(segment=segment.pk + 99)).exists()
    assert segments_of(hot.pk) == [segment.pk]
    contact_erase(contact=hot, by=marketer)
    assert not SegmentMember.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_rebuilds_and_adds_store_and_announce_each_member_once() -> None:
    contacts = ContactFactory.create_batch(20, score=12)
    dynamic = segment_create(name="Hot", filter=HOT, by=None)
    SegmentMember.objects.all().delete()
    Event.objects.all().delete()
    vip = segment_create(name="VIP", static=True, by=None)
    ids = [c.pk for c in contacts]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            if n % 2:
                segment_rebuild(segment=dynamic)
            else:
                segment_add_contacts(segment=vip, ids=ids, by=None)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    for segment in (dynamic, vip):
        assert sorted(segment.members.values_list("contact_id", flat=True)) == sorted(ids)
        assert announced(segment, "segment_entered") == sorted(ids)


def test_the_contact_export_of_a_segment_holds_its_members(marketer: Any) -> None:
    hot = ContactFactory(score=12, email="hot@acme.example")
    ContactFactory(score=1, email="cold@acme.example")
    segment = segment_create(name="Hot", filter=HOT, by=marketer)
    client = Client()
    client.force_login(marketer)
    response = client.get(f"/contacts/export.csv?segment={segment.pk}")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith(hot.email)

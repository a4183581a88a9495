"""Segment membership kept current between rebuilds: the segments consumer re-evaluates the
contacts each batch of the log names (and only those), in dependency order, once per change;
the periodic re-check lets contacts leave windowed segments when their event grows old."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from tendril.contacts.models import Contact
from tendril.contacts.services import contact_erase
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core import clock
from tendril.core.consumers import consumer_try_one
from tendril.core.models import Event
from tendril.segments.consumers import CONSUMER, membership_follow
from tendril.segments.models import Segment, SegmentMember, SegmentRecheck
from tendril.segments.services import (
    segment_add_contacts,
    segment_create,
    segment_rebuild,
    segment_update,
)
from tendril.segments.tasks import segments_recheck

pytestmark = pytest.mark.django_db
HOT = {"field": "score", "op": "gte", "value": 10}
WHITE_PAPER_WEEK = {
    "event": "asset_downloaded",
    "where": {"asset": {"eq": "White paper"}},
    "within": "P7D",
}


def members(segment: Segment) -> list[int]:
    return sorted(segment.members.values_list("contact_id", flat=True))


def announced(segment: Segment, type: str) -> list[int]:
    rows = Event.objects.filter(type=type, properties__segment=segment.pk)
    return sorted(c for c in rows.values_list("contact_id", flat=True) if c is not None)


def download(contact: Contact, *, at: datetime | None = None) -> Event:
    event: Event = EventFactory(
        contact_id=contact.pk,
        type="asset_downloaded",
        properties={"asset": "White paper"},
        occurred_at=at or clock.now(),
    )
    return event


def scored(contact: Contact, score: int) -> Event:
    """The contact's score moved, as the scoring consumer records it."""
    Contact.objects.filter(pk=contact.pk).update(score=score)
    event: Event = EventFactory(
        contact_id=contact.pk, type="score_changed", properties={"score": score, "points": 1}
    )
    return event


def drain() -> None:
    while consumer_try_one(CONSUMER):
        pass


def test_a_contact_enters_when_an_event_makes_the_filter_match_and_replay_changes_nothing() -> None:
    contact = ContactFactory()
    segment = segment_create(name="White paper readers", filter=WHITE_PAPER_WEEK, by=None)
    assert members(segment) == []
    event = download(contact)
    membership_follow([event])
    assert members(segment) == [contact.pk]
    membership_follow([event])
    assert announced(segment, "segment_entered") == [contact.pk]


def test_contacts_leave_when_a_change_makes_the_filter_fail() -> None:
    contact = ContactFactory(score=12)
    segment = segment_create(name="Hot", filter=HOT, by=None)
    assert members(segment) == [contact.pk]
    membership_follow([scored(contact, 3)])
    assert members(segment) == []
    assert announced(segment, "segment_exited") == [contact.pk]


def test_the_registered_consumer_keeps_membership_current_from_the_log() -> None:
    contact = ContactFactory()
    segment = segment_create(name="Hot", filter=HOT, by=None)
    scored(contact, 15)
    drain()
    assert members(segment) == [contact.pk]
    drain()
    assert announced(segment, "segment_entered") == [contact.pk]


def test_a_segment_is_evaluated_after_the_segments_it_uses_in_the_same_pass() -> None:
    contact = ContactFactory()
    # "Hot readers" is older (lower id) than the segment it comes to depend on.
    hot_readers = segment_create(name="Hot readers", filter=HOT, by=None)
    readers = segment_create(name="Readers", filter=WHITE_PAPER_WEEK, by=None)
    segment_update(segment=hot_readers, filter={"all": [HOT, {"segment": readers.pk}]}, by=None)
    Contact.objects.filter(pk=contact.pk).update(score=20)
    membership_follow([download(contact)])
    assert members(readers) == [contact.pk]
    assert members(hot_readers) == [contact.pk]


def test_entering_a_static_list_moves_contacts_into_the_segments_that_use_it() -> None:
    contact = ContactFactory(score=12)
    vip = segment_create(name="VIP", static=True, by=None)
    hot_vip = segment_create(name="Hot VIP", filter={"all": [HOT, {"segment": vip.pk}]}, by=None)
    segment_add_contacts(segment=vip, ids=[contact.pk], by=None)
    assert members(hot_vip) == []
    drain()
    assert members(hot_vip) == [contact.pk]
    assert announced(hot_vip, "segment_entered") == [contact.pk]


def _queries_for_one_touched_contact(untouched: int) -> int:
    ContactFactory.create_batch(untouched, score=12)
    contact = ContactFactory()
    event = scored(contact, 11)
    with CaptureQueriesContext(connection) as queries:
        membership_follow([event])
    return len(queries)


def test_the_cost_of_a_batch_does_not_grow_with_the_contacts_it_does_not_name() -> None:
    segment_create(name="Hot", filter=HOT, by=None)
    segment_create(name="Readers", filter=WHITE_PAPER_WEEK, by=None)
    few = _queries_for_one_touched_contact(2)
    many = _queries_for_one_touched_contact(60)
    assert few == many


def test_a_reader_leaves_the_past_week_segment_when_the_download_grows_old() -> None:
    start = clock.now()
    reader = ContactFactory()
    recent = ContactFactory()
    with time_machine.travel(start, tick=False):
        download(reader, at=start - timedelta(days=6))
        download(recent, at=start - timedelta(days=2))
        segment = segment_create(name="Readers", filter=WHITE_PAPER_WEEK, by=None)
        assert members(segment) == [reader.pk, recent.pk]
        assert SegmentRecheck.objects.get(contact_id=reader.pk).due_at == start + timedelta(days=1)
        assert segments_recheck() == 0
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert segments_recheck() == 1
        assert members(segment) == [recent.pk]
        assert announced(segment, "segment_exited") == [reader.pk]
        assert not SegmentRecheck.objects.filter(contact_id=reader.pk).exists()
        assert segments_recheck() == 0


def test_a_new_download_moves_the_moment_of_leaving_later() -> None:
    start = clock.now()
    reader = ContactFactory()
    with time_machine.travel(start, tick=False):
        download(reader, at=start - timedelta(days=6))
        segment = segment_create(name="Readers", filter=WHITE_PAPER_WEEK, by=None)
        membership_follow([download(reader, at=start - timedelta(days=1))])
        assert SegmentRecheck.objects.get(contact_id=reader.pk).due_at == start + timedelta(days=1)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        segments_recheck()
        assert members(segment) == [reader.pk]
        assert SegmentRecheck.objects.get(contact_id=reader.pk).due_at == start + timedelta(days=6)


def test_a_contact_enters_a_segment_of_those_without_a_recent_download_when_theirs_grows_old() -> (
    None
):
    start = clock.now()
    reader = ContactFactory()
    with time_machine.travel(start, tick=False):
        download(reader, at=start - timedelta(days=6))
        quiet = segment_create(name="Quiet", filter={"not": WHITE_PAPER_WEEK}, by=None)
        assert members(quiet) == []
    with time_machine.travel(start + timedelta(days=2), tick=False):
        segments_recheck()
        assert members(quiet) == [reader.pk]


def test_a_new_contact_leaves_the_new_this_week_segment_when_the_week_has_passed() -> None:
    start = clock.now()
    with time_machine.travel(start, tick=False):
        older = ContactFactory(created_at=start - timedelta(days=6))
        newer = ContactFactory(created_at=start - timedelta(days=2))
        fresh = segment_create(
            name="New this week",
            filter={"field": "created_at", "op": "gte", "value": "-P7D"},
            by=None,
        )
        assert members(fresh) == [older.pk, newer.pk]
        assert SegmentRecheck.objects.get(contact_id=older.pk).due_at == start + timedelta(days=1)
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert segments_recheck() == 1
        assert members(fresh) == [newer.pk]
        assert announced(fresh, "segment_exited") == [older.pk]


def test_an_erased_contact_leaves_no_recheck_behind(marketer: Any) -> None:
    reader = ContactFactory()
    download(reader)
    segment_create(name="Readers", filter=WHITE_PAPER_WEEK, by=None)
    assert SegmentRecheck.objects.filter(contact_id=reader.pk).exists()
    contact_erase(contact=reader, by=marketer)
    assert not SegmentRecheck.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_consumers_rechecks_and_rebuilds_at_once_store_and_announce_each_change_once() -> None:
    contacts = ContactFactory.create_batch(15)
    segment = segment_create(name="Readers", filter=WHITE_PAPER_WEEK, by=None)
    hot = segment_create(name="Hot", filter=HOT, by=None)
    for contact in contacts:
        download(contact, at=clock.now() - timedelta(days=1))
        scored(contact, 12)
    # Due re-checks too, so the periodic job races the consumer and the rebuilds for them.
    SegmentRecheck.objects.bulk_create(
        SegmentRecheck(segment=s, contact_id=c.pk, due_at=clock.now() - timedelta(minutes=1))
        for s in (segment, hot)
        for c in contacts
    )
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                if n % 3 == 0:
                    drain()
                elif n % 3 == 1:
                    segments_recheck()
                else:
                    segment_rebuild(segment=segment)
                    segment_rebuild(segment=hot)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    drain()

    ids = sorted(c.pk for c in contacts)
    assert errors == []
    for seg in (segment, hot):
        assert members(seg) == ids
        assert announced(seg, "segment_entered") == ids
        assert SegmentMember.objects.filter(segment=seg).count() == len(ids)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_recheck_job_passes_over_a_segment_the_consumer_is_updating_and_takes_it_later() -> (
    None
):
    reader = ContactFactory()
    download(reader, at=clock.now() - timedelta(days=8))
    # Made while the download was in the window: a member, due to leave a day ago.
    with time_machine.travel(clock.now() - timedelta(days=2), tick=False):
        segment = segment_create(name="Readers", filter=WHITE_PAPER_WEEK, by=None)
    assert members(segment) == [reader.pk]
    SegmentRecheck.objects.filter(segment=segment).delete()
    SegmentRecheck.objects.create(
        segment=segment, contact_id=reader.pk, due_at=clock.now() - timedelta(minutes=1)
    )
    locked, release = threading.Event(), threading.Event()

    def consumer_at_work() -> None:
        try:
            with transaction.atomic():
                Segment.objects.select_for_update().get(pk=segment.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=consumer_at_work)
    holder.start()
    assert locked.wait(10)
    try:
        assert segments_recheck() == 0  # at once, not after the consumer's transaction
        assert members(segment) == [reader.pk]
    finally:
        release.set()
        holder.join(10)
    assert segments_recheck() == 1
    assert members(segment) == []


def test_a_visit_re_evaluates_only_the_segments_whose_conditions_can_hear_it(marketer: Any) -> None:
    ann = ContactFactory(score=0)
    by_score = segment_create(name="Hot", filter=HOT, by=marketer)
    by_download = segment_create(name="White paper", filter=WHITE_PAPER_WEEK, by=marketer)
    Contact.objects.filter(pk=ann.pk).update(score=12)  # no event: only a re-evaluation sees it

    membership_follow([download(ann)])

    assert members(by_download) == [ann.pk]  # it names downloads: re-evaluated
    assert members(by_score) == []  # a download cannot move a score condition: left alone

    membership_follow([scored(ann, 12)])

    assert members(by_score) == [ann.pk]


def test_a_segment_reading_last_seen_hears_every_activity(marketer: Any) -> None:
    ann = ContactFactory()
    seen = segment_create(
        name="Seen lately",
        filter={"field": "last_seen_at", "op": "gte", "value": "-P1D"},
        by=marketer,
    )
    Contact.objects.filter(pk=ann.pk).update(last_seen_at=clock.now())

    membership_follow([download(ann)])

    assert members(seen) == [ann.pk]

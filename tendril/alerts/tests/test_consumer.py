"""The alerts consumer: each entry into an alerted segment told once to each chosen person,
bursts told once with their size, nothing told twice on a replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from tendril.accounts.models import User
from tendril.alerts.consumers import DIGEST_AFTER, alerts_tell
from tendril.alerts.models import AlertDelivery
from tendril.alerts.services import alert_set
from tendril.alerts.tests.helpers import (
    alert_of,
    alerted_list,
    enter,
    enter_one_by_one,
    run_consumer,
    signed_in,
    told,
)
from tendril.contacts.services import contact_erase
from tendril.contacts.tests.factories import ContactFactory
from tendril.core import clock
from tendril.core.models import Event
from tendril.notifications.selectors import shown
from tendril.segments.services import segment_add_contacts, segment_create

pytestmark = pytest.mark.django_db


def test_an_entry_into_an_alerted_segment_tells_each_chosen_person_once(
    marketer: User, sales_rep: User, admin_user: User
) -> None:
    segment = alerted_list(marketer, sales_rep)
    (contact,) = enter_one_by_one(segment, 1)
    run_consumer()
    for person in (marketer, sales_rep):
        (note,) = told(person)
        assert note.kind == "segment_entered"
        assert note.url == f"/contacts/{contact.pk}/"
        assert note.params == {
            "contact": contact.pk,
            "segment": segment.pk,
            "segment_name": "Hot leads",
        }
    assert told(admin_user) == []
    (words,) = shown(told(marketer))
    assert words.title == f"{contact.display_name} entered Hot leads"


def test_replaying_a_batch_tells_nobody_twice(marketer: User) -> None:
    segment = alerted_list(marketer)
    enter_one_by_one(segment, 3)
    entries = list(Event.objects.filter(type="segment_entered").order_by("id"))
    alerts_tell(entries)
    alerts_tell(entries)
    run_consumer()
    assert len(told(marketer)) == 3
    assert AlertDelivery.objects.count() == 3


def test_entries_before_the_alert_was_set_are_not_told(marketer: User) -> None:
    segment = segment_create(name="Old list", static=True, by=None)
    earlier = ContactFactory()
    with time_machine.travel(clock.now() - timedelta(hours=1)):
        segment_add_contacts(segment=segment, ids=[earlier.pk], by=None)
    alert_set(
        segment=segment, users=[marketer.pk], in_app=True, by_email=False, active=True, by=None
    )
    enter_one_by_one(segment, 1)
    run_consumer()
    assert len(told(marketer)) == 1


def test_a_burst_of_entries_is_told_once_with_its_size(marketer: User) -> None:
    segment = alerted_list(marketer)
    contacts = ContactFactory.create_batch(DIGEST_AFTER + 27)
    enter(segment, *contacts)
    run_consumer(batch_size=5)  # the burst spans many batches: still one message
    (note,) = told(marketer)
    assert note.kind == "segment_entered_many"
    assert note.params["count"] == DIGEST_AFTER + 27
    assert note.url == f"/segments/{segment.pk}/"
    with translation.override("en"):
        assert shown([note])[0].title == "37 contacts entered Hot leads"
    run_consumer()
    assert len(told(marketer)) == 1


def test_a_small_group_entering_together_is_told_one_by_one(marketer: User) -> None:
    segment = alerted_list(marketer)
    enter(segment, *ContactFactory.create_batch(DIGEST_AFTER))
    run_consumer(batch_size=3)
    assert [n.kind for n in told(marketer)] == ["segment_entered"] * DIGEST_AFTER


def test_a_paused_alert_and_a_deactivated_person_tell_nobody(
    marketer: User, sales_rep: User
) -> None:
    segment = alerted_list(marketer, sales_rep)
    sales_rep.is_active = False
    sales_rep.save()
    enter_one_by_one(segment, 1)
    alert = alert_of(segment)
    alert.active = False
    alert.save()
    enter_one_by_one(segment, 1)
    run_consumer()
    assert told(sales_rep) == []
    assert told(marketer) == []


def test_an_erased_contact_is_never_named(marketer: User) -> None:
    segment = alerted_list(marketer)
    (contact,) = enter_one_by_one(segment, 1)
    run_consumer()
    name = contact.display_name
    contact_erase(contact=contact, by=marketer)
    (words,) = shown(told(marketer))
    assert name not in words.title and words.title == "A contact entered Hot leads"


def test_a_thai_reader_reads_the_alert_in_thai(marketer: User) -> None:
    marketer.language = "th"
    marketer.save()
    segment = alerted_list(marketer)
    enter_one_by_one(segment, 1)
    run_consumer()
    item = signed_in(marketer).get("/api/v1/notifications").json()["items"][0]
    assert "Hot leads" in item["title"] and "entered" not in item["title"]

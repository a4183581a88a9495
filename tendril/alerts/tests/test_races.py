"""Exactly once on PostgreSQL: workers telling the same entries at once (a replay racing the
consumer) leave one delivery and one notification for each person and entry; people
subscribing at once share the segment's one alert."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from tendril.accounts.models import User
from tendril.alerts.consumers import alerts_tell
from tendril.alerts.models import AlertDelivery, SegmentAlert
from tendril.alerts.services import alert_subscribe
from tendril.alerts.tests.helpers import alerted_list, enter, enter_one_by_one, run_consumer, told
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event
from tendril.segments.services import segment_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_workers_telling_the_same_entries_at_once_tell_each_person_once(
    marketer: User, sales_rep: User
) -> None:
    segment = alerted_list(marketer, sales_rep)
    enter_one_by_one(segment, 5)
    enter(segment, *ContactFactory.create_batch(30))  # and a burst
    entries = list(Event.objects.filter(type="segment_entered").order_by("id"))
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            if n == 0:
                run_consumer(batch_size=4)
            else:
                with transaction.atomic():
                    alerts_tell(entries[n - 1 :: 2] if n % 2 else entries)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    for person in (marketer, sales_rep):
        kinds = sorted(n.kind for n in told(person))
        assert kinds == ["segment_entered"] * 5 + ["segment_entered_many"]
    assert AlertDelivery.objects.count() == 2 * 6
    assert sorted(AlertDelivery.objects.values_list("contacts", flat=True)) == [1] * 10 + [30] * 2


def test_people_subscribing_at_once_to_a_segment_without_alert_share_one_alert() -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    people = [
        User.objects.create_user(f"rep{n}@tendril.test", "a long passphrase here", role="sales")
        for n in range(8)
    ]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def work(person: User) -> None:
        try:
            barrier.wait()
            alert_subscribe(segment=segment, user=person, subscribed=True)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    (alert,) = SegmentAlert.objects.filter(segment=segment)
    assert set(alert.users.all()) == set(people)

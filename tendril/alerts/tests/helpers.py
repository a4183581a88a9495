"""What the alerts tests share: a segment with an alert, entries, and running the consumer."""

from __future__ import annotations

from django.test import Client

from tendril.accounts.models import User
from tendril.alerts.consumers import CONSUMER
from tendril.alerts.models import SegmentAlert
from tendril.alerts.services import alert_set
from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.consumers import consumer_try_one
from tendril.notifications.models import Notification
from tendril.segments.models import Segment
from tendril.segments.services import segment_add_contacts, segment_create


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def alerted_list(*users: User, by_email: bool = False, name: str = "Hot leads") -> Segment:
    """A static list whose alert tells ``users`` (in the app, and by email if asked)."""
    segment = segment_create(name=name, static=True, by=None)
    alert_set(
        segment=segment,
        users=[u.pk for u in users],
        in_app=True,
        by_email=by_email,
        active=True,
        by=None,
    )
    return segment


def enter(segment: Segment, *contacts: Contact) -> None:
    """The contacts enter the list together: one burst."""
    segment_add_contacts(segment=segment, ids=[c.pk for c in contacts], by=None)


def enter_one_by_one(segment: Segment, count: int) -> list[Contact]:
    contacts = ContactFactory.create_batch(count)
    for contact in contacts:
        enter(segment, contact)
    return contacts


def run_consumer(batch_size: int = 500) -> None:
    while consumer_try_one(CONSUMER, batch_size=batch_size):
        pass


def told(user: User) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


def alert_of(segment: Segment) -> SegmentAlert:
    return SegmentAlert.objects.get(segment=segment)

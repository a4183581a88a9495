"""Alert emails for real: a local SMTP server (aiosmtpd) receives what Django's SMTP backend
sends when a contact enters an alerted segment, and the test reads the messages it got; an
entry while the server is down is mailed once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings

from tendril.accounts.models import User
from tendril.alerts.tests.helpers import (
    alerted_list,
    enter,
    enter_one_by_one,
    run_consumer,
    told,
)
from tendril.contacts.tests.factories import ContactFactory
from tendril.notifications.models import EmailStatus, NotificationEmail
from tendril.notifications.tasks import notification_emails_send
from tendril.notifications.tests.mailserver import MailServer, mail_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailServer]:
    """An SMTP server on a free local port, and Django's email settings pointed at it."""
    with mail_server(settings) as server:
        yield server


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def test_an_entry_is_mailed_to_each_person_in_their_language(
    smtp: MailServer, marketer: User, sales_rep: User, django_capture_on_commit_callbacks: Any
) -> None:
    sales_rep.language = "vi"
    sales_rep.save()
    segment = alerted_list(marketer, sales_rep, by_email=True)
    (contact,) = enter_one_by_one(segment, 1)
    with django_capture_on_commit_callbacks(execute=True):
        run_consumer()
    by_recipient = {str(m["To"]): m for m in smtp.messages}
    assert set(by_recipient) == {marketer.email, sales_rep.email}
    link = f"{django_settings.BASE_URL}/contacts/{contact.pk}/"
    english, vietnamese = by_recipient[marketer.email], by_recipient[sales_rep.email]
    assert english["Subject"] == f"{contact.display_name} entered Hot leads"
    assert link in _text(english) and f'href="{link}"' in _html(english)
    assert contact.display_name in vietnamese["Subject"]
    assert "entered" not in vietnamese["Subject"] and "Hot leads" in vietnamese["Subject"]
    assert link in _text(vietnamese) and 'lang="vi"' in _html(vietnamese)


def test_a_burst_is_one_email_not_one_per_contact(
    smtp: MailServer, marketer: User, django_capture_on_commit_callbacks: Any
) -> None:
    segment = alerted_list(marketer, by_email=True)
    enter(segment, *ContactFactory.create_batch(40))
    with django_capture_on_commit_callbacks(execute=True):
        run_consumer(batch_size=7)
    (message,) = smtp.messages
    assert message["Subject"] == "40 contacts entered Hot leads"
    assert f"{django_settings.BASE_URL}/segments/{segment.pk}/" in _text(message)


def test_a_replayed_entry_is_not_mailed_again(
    smtp: MailServer, marketer: User, django_capture_on_commit_callbacks: Any
) -> None:
    from tendril.alerts.consumers import alerts_tell
    from tendril.core.models import Event

    segment = alerted_list(marketer, by_email=True)
    enter_one_by_one(segment, 1)
    entries = list(Event.objects.filter(type="segment_entered"))
    with django_capture_on_commit_callbacks(execute=True):
        alerts_tell(entries)
        alerts_tell(entries)
        run_consumer()
    assert len(smtp.messages) == 1


def test_an_entry_while_the_mail_server_is_down_is_mailed_once_it_is_back(
    settings: Any, marketer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with mail_server(settings, up=False) as server:
        segment = alerted_list(marketer, by_email=True)
        (contact,) = enter_one_by_one(segment, 1)
        with django_capture_on_commit_callbacks(execute=True):
            run_consumer()
        (email,) = NotificationEmail.objects.all()
        assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
        assert len(told(marketer)) == 1
        server.start()
        with time_machine.travel(email.next_attempt_at, tick=False):
            notification_emails_send()
            notification_emails_send()
        (message,) = server.messages
    assert message["Subject"] == f"{contact.display_name} entered Hot leads"
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")

"""Alert emails for real: a local SMTP server (aiosmtpd) receives what Django's SMTP backend
sends when a contact enters an alerted segment, and the test reads the messages it got."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings

from tendril.accounts.models import User
from tendril.alerts.tests.helpers import alerted_list, enter, enter_one_by_one, run_consumer
from tendril.contacts.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


class Inbox:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """An SMTP server on a free local port, and Django's email settings pointed at it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def test_an_entry_is_mailed_to_each_person_in_their_language(
    smtp: Inbox, marketer: User, sales_rep: User, django_capture_on_commit_callbacks: Any
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
    smtp: Inbox, marketer: User, django_capture_on_commit_callbacks: Any
) -> None:
    segment = alerted_list(marketer, by_email=True)
    enter(segment, *ContactFactory.create_batch(40))
    with django_capture_on_commit_callbacks(execute=True):
        run_consumer(batch_size=7)
    (message,) = smtp.messages
    assert message["Subject"] == "40 contacts entered Hot leads"
    assert f"{django_settings.BASE_URL}/segments/{segment.pk}/" in _text(message)


def test_a_replayed_entry_is_not_mailed_again(
    smtp: Inbox, marketer: User, django_capture_on_commit_callbacks: Any
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

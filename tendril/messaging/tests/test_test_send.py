"""Test sends for real: a local SMTP server (aiosmtpd) receives what Django's SMTP backend
sends, and the test reads the message: multipart/alternative with the text and the HTML,
personalised, "[Test]" in the subject, Message-ID and Date present, the sender the email's or
the installation's. A server that refuses the address or is down is a plain error."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tendril.accounts.models import AuditEntry, User
from tendril.contacts.services import contact_create
from tendril.core.errors import InvalidInput
from tendril.messaging.models import Email
from tendril.messaging.services import MailServerFailed, email_create, email_test_send
from tendril.notifications.tests.mailserver import Inbox, MailServer, mail_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailServer]:
    with mail_server(settings) as server:
        yield server


class RefusingInbox(Inbox):
    """A server that knows no one at nobody.example."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.endswith("@nobody.example"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def email() -> Email:
    return email_create(
        data={
            "name": "Welcome",
            "subject": "Welcome, {{ contact.first_name|default('friend') }}",
            "html": "<html><head><style>h1{color:#123456}</style></head><body>"
            "<h1>Hi {{ contact.name }}</h1><p>Your plan: {{ company.name }}</p>"
            '<a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>',
            "from_email": "news@brightloop.vn",
            "from_name": "Brightloop",
        },
        by=None,
    )


def test_a_test_send_arrives_as_html_and_text_personalised(
    smtp: MailServer, email: Email, marketer: User
) -> None:
    contact = contact_create(
        data={"email": "hang@saomai.vn", "first_name": "Thị Hằng", "last_name": "Nguyễn",
              "language": "vi", "company": {"name": "Sao Mai"}},
        by=None,
    )  # fmt: skip

    sent = email_test_send(email=email, to="me@brightloop.vn", contact=contact, by=marketer)

    [message] = smtp.messages
    assert message["To"] == "me@brightloop.vn"
    assert message["From"] == "Brightloop <news@brightloop.vn>"
    assert str(message["Subject"]) == "[Test] Welcome, Thị Hằng" == sent.subject
    assert message["Message-ID"] == sent.message_id and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in message.iter_parts())
    assert "HI NGUYỄN THỊ HẰNG" in text and "Your plan: Sao Mai" in text
    assert '<h1 style="color: #123456;">Hi Nguyễn Thị Hằng</h1>' in html
    assert "/u/" in html and "/one-click" in html  # the contact's own unsubscribe link
    audit = AuditEntry.objects.get(action="email.test_send")
    assert audit.detail == {"to": "me@brightloop.vn", "contact": contact.pk}


def test_without_a_contact_a_sample_person_and_the_default_sender_are_used(
    smtp: MailServer, marketer: User, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Tendril <hello@tendril.test>"
    email = email_create(
        data={"name": "Plain", "subject": "For {{ contact.first_name }}", "text": "Hello"}, by=None
    )

    email_test_send(email=email, to="me@brightloop.vn", by=marketer)

    [message] = smtp.messages
    assert message["From"] == "Tendril <hello@tendril.test>"
    assert str(message["Subject"]) == "[Test] For Alex"
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip() == "Hello"


def test_the_email_s_sender_name_with_the_default_address(
    smtp: MailServer, marketer: User, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Tendril <hello@tendril.test>"
    email = email_create(
        data={"name": "Named", "subject": "x", "text": "y", "from_name": "Lan at Brightloop"},
        by=None,
    )

    email_test_send(email=email, to="me@brightloop.vn", by=marketer)

    assert smtp.messages[0]["From"] == "Lan at Brightloop <hello@tendril.test>"


def test_a_refused_address_is_a_plain_error(settings: Any, email: Email, marketer: User) -> None:
    with mail_server(settings, up=False) as server:
        server.inbox = RefusingInbox()
        server.start()

        with pytest.raises(MailServerFailed) as error:
            email_test_send(email=email, to="ghost@nobody.example", by=marketer)

    assert error.value.field == "to"
    assert "refused to deliver to ghost@nobody.example" in error.value.message
    assert not server.messages
    assert not AuditEntry.objects.filter(action="email.test_send").exists()


def test_a_mail_server_that_is_down_is_a_plain_error(
    settings: Any, email: Email, marketer: User
) -> None:
    with mail_server(settings, up=False), pytest.raises(MailServerFailed) as error:
        email_test_send(email=email, to="me@brightloop.vn", by=marketer)

    assert "could not be reached" in error.value.message


@pytest.mark.parametrize("to", ["", "not an address", "a@b@c", "x" * 300 + "@a.io"])
def test_a_bad_address_is_refused_before_sending(
    smtp: MailServer, email: Email, marketer: User, to: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        email_test_send(email=email, to=to, by=marketer)

    assert error.value.field == "to"
    assert not smtp.messages


def test_a_mail_server_that_never_answers_is_a_plain_error_after_the_timeout(
    settings: Any, email: Email, marketer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A port that takes the connection (the kernel's backlog) and never says hello.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    monkeypatch.setattr("tendril.messaging.services.SMTP_TIMEOUT", 1)
    with mail_server(settings, up=False):
        settings.EMAIL_PORT = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(MailServerFailed) as error:
            email_test_send(email=email, to="me@brightloop.vn", by=marketer)
    silent.close()

    assert "could not be reached" in error.value.message
    assert time.monotonic() - started < 5

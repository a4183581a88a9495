"""Double opt-in through a real SMTP server (aiosmtpd): the confirmation email arrives in the
contact's language with a signed link; the link grants email consent with the exact text that
was ticked, once; a tampered link is refused; a mail server that is down gets the email later."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from tendril.contacts.models import Consent, Contact
from tendril.core import clock
from tendril.notifications.tests.mailserver import MailServer, mail_server
from tendril.web.models import Form, FormConsent
from tendril.web.services import form_create, render_token
from tendril.web.tasks import confirmations_retry

pytestmark = pytest.mark.django_db
CONSENT = "Gửi cho tôi bản tin hằng tháng. Tôi có thể hủy bất cứ lúc nào."
LINK = re.compile(r"https?://\S+/f/confirm/\S+")


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailServer]:
    with mail_server(settings) as server:
        yield server


@pytest.fixture
def form() -> Form:
    return form_create(
        data={
            "name": "Newsletter",
            "fields": [{"key": "email", "label": "Email"}],
            "consent_text": CONSENT,
            "double_opt_in": True,
        },
        by=None,
    )


def subscribe(client: Client, form: Form, email: str, lang: str = "vi") -> Any:
    with time_machine.travel(clock.now().timestamp() - 60, tick=False):
        shown = render_token()
    return client.post(
        f"/f/{form.key}", {"email": email, "consent": "on", "_t": shown, "lang": lang}
    )


def test_the_emailed_link_grants_consent_with_the_text_that_was_ticked(
    client: Client, form: Form, smtp: MailServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert subscribe(client, form, "lan@example.com").status_code == 200
    contact = Contact.objects.get(email="lan@example.com")
    assert not Consent.objects.filter(contact=contact).exists()  # not before confirming
    [message] = smtp.messages
    assert message["To"] == "lan@example.com"
    assert str(message["Subject"]).strip() == "Vui lòng xác nhận đăng ký của bạn"
    body = message.get_content()
    assert CONSENT in body
    link = LINK.search(body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]
    confirmed = client.get(path)
    assert confirmed.status_code == 200
    consent = Consent.objects.get(contact=contact, channel="email")
    assert consent.status == "granted" and consent.method == "double opt-in"
    assert FormConsent.objects.get(contact_id=contact.pk).confirmed_at is not None
    assert client.get(path).status_code == 200  # a second click changes nothing
    assert Consent.objects.filter(contact=contact).count() == 1


def test_a_tampered_or_foreign_link_is_refused(
    client: Client, form: Form, smtp: MailServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, form, "lan@example.com")
    path = "/" + LINK.search(smtp.messages[0].get_content()).group(0).split("/", 3)[3]  # type: ignore[union-attr]
    assert client.get(path[:-3] + "xyz").status_code == 400
    assert client.get("/f/confirm/not-a-token").status_code == 400
    with time_machine.travel(clock.now() + timedelta(days=8)):
        assert client.get(path).status_code == 400  # expired
    assert not Consent.objects.exists()


def test_a_mail_server_that_is_down_gets_the_confirmation_later(
    client: Client, form: Form, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with mail_server(settings, up=False) as server:
        with django_capture_on_commit_callbacks(execute=True):
            subscribe(client, form, "lan@example.com")
        waiting = FormConsent.objects.get()
        assert waiting.sent_at is None and waiting.attempts == 1 and waiting.last_error
        server.start()
        assert confirmations_retry() == 0  # not before its wait is over
        with time_machine.travel(clock.now() + timedelta(minutes=2)):
            assert confirmations_retry() == 1
        assert len(server.messages) == 1
        assert FormConsent.objects.get().sent_at is not None

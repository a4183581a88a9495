"""The outbox of notification emails, against a real SMTP server (aiosmtpd): an email is
queued with its notification, survives a mail server that is down, is retried further and
further apart, is given up after ``MAX_ATTEMPTS``, and is sent once even by senders at once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connections, transaction

from tendril.accounts.models import User
from tendril.core import clock
from tendril.notifications.emails import MAX_ATTEMPTS, emails_prune, emails_send_due
from tendril.notifications.kinds import notification_kind
from tendril.notifications.models import EmailStatus, NotificationEmail
from tendril.notifications.services import notify
from tendril.notifications.tasks import notification_emails_send
from tendril.notifications.tests.mailserver import MailServer, mail_server

KIND = notification_kind(
    "test_outbox", title=lambda p: f"Email {p.get('n')}", body=lambda p: "Something happened."
)
BROKEN = notification_kind(
    "test_outbox_broken", title=lambda p: str(1 / 0), body=lambda p: "never worded"
)


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailServer]:
    with mail_server(settings) as server:
        yield server


@pytest.fixture
def smtp_down(settings: Any) -> Iterator[MailServer]:
    """A mail server that is not running yet (``.start()`` brings it up on the same port)."""
    with mail_server(settings, up=False) as server:
        yield server


def mail(user: User, n: int = 1, kind: str = KIND) -> None:
    notify(users=[user], kind=kind, params={"n": n}, url="/contacts/", email=True)


def subjects(server: MailServer) -> list[str]:
    return [str(m["Subject"]) for m in server.messages]


@pytest.mark.django_db
def test_an_email_is_queued_with_its_notification_and_never_for_a_rolled_back_write(
    marketer: User,
) -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        mail(marketer, 1)
        raise ZeroDivisionError
    assert not NotificationEmail.objects.exists()
    mail(marketer, 2)
    (email,) = NotificationEmail.objects.all()
    assert (email.user, email.params, email.status) == (marketer, {"n": 2}, EmailStatus.PENDING)
    assert email.next_attempt_at == email.created_at


@pytest.mark.django_db
def test_each_failed_try_waits_twice_as_long_as_the_last_up_to_an_hour_then_gives_up(
    smtp_down: MailServer, marketer: User
) -> None:
    mail(marketer)
    email = NotificationEmail.objects.get()
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        tried_at = email.next_attempt_at
        with time_machine.travel(tried_at, tick=False):
            assert emails_send_due() == 1
        email.refresh_from_db()
        waits.append(email.next_attempt_at - tried_at)
    assert [w / timedelta(minutes=1) for w in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert (email.status, email.attempts) == (EmailStatus.PENDING, MAX_ATTEMPTS - 1)
    assert "ConnectionRefusedError" in email.last_error
    with time_machine.travel(email.next_attempt_at, tick=False):
        emails_send_due()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, MAX_ATTEMPTS)
    smtp_down.start()
    with time_machine.travel(clock.now() + timedelta(days=1)):
        assert emails_send_due() == 0
    assert smtp_down.messages == []


@pytest.mark.django_db
def test_an_email_is_not_tried_again_before_its_time(smtp_down: MailServer, marketer: User) -> None:
    mail(marketer)
    emails_send_due()
    smtp_down.start()
    assert emails_send_due() == 0
    with time_machine.travel(NotificationEmail.objects.get().next_attempt_at, tick=False):
        assert notification_emails_send() == 1
    assert subjects(smtp_down) == ["Email 1"]


@pytest.mark.django_db
def test_an_email_whose_words_fail_waits_without_holding_back_the_others(
    smtp: MailServer, marketer: User
) -> None:
    mail(marketer, kind=BROKEN)
    mail(marketer, 2)
    assert emails_send_due() == 2
    assert subjects(smtp) == ["Email 2"]
    broken = NotificationEmail.objects.get(kind=BROKEN)
    assert (broken.status, broken.attempts) == (EmailStatus.PENDING, 1)
    assert "ZeroDivisionError" in broken.last_error


@pytest.mark.django_db
def test_an_email_to_someone_deactivated_since_is_not_sent(
    smtp: MailServer, marketer: User, sales_rep: User
) -> None:
    notify(users=[marketer, sales_rep], kind=KIND, params={"n": 1}, url="/", email=True)
    User.objects.filter(pk=sales_rep.pk).update(is_active=False)
    notification_emails_send()
    assert [str(m["To"]) for m in smtp.messages] == [marketer.email]
    assert NotificationEmail.objects.get(user=sales_rep).status == EmailStatus.FAILED


@pytest.mark.django_db
def test_emails_done_with_for_a_month_are_forgotten_and_pending_ones_kept(
    smtp_down: MailServer, marketer: User
) -> None:
    mail(marketer, 1)
    smtp_down.start()
    notification_emails_send()
    smtp_down.stop()
    mail(marketer, 2)
    with time_machine.travel(clock.now() + timedelta(days=31)):
        assert emails_prune() == 1
    assert [e.params["n"] for e in NotificationEmail.objects.all()] == [2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_senders_running_at_once_send_each_email_once(smtp: MailServer, marketer: User) -> None:
    # Queued as notify does, without its send after the commit: the senders below do it.
    now = clock.now()
    NotificationEmail.objects.bulk_create(
        NotificationEmail(
            user=marketer, kind=KIND, params={"n": n}, created_at=now, next_attempt_at=now
        )
        for n in range(40)
    )
    barrier = threading.Barrier(4)
    tried: list[int] = []

    def sender() -> None:
        try:
            barrier.wait()
            while batch := emails_send_due(limit=3):
                tried.append(batch)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(tried) == 40
    assert Counter(subjects(smtp)) == {f"Email {n}": 1 for n in range(40)}
    assert not NotificationEmail.objects.exclude(status=EmailStatus.SENT).exists()

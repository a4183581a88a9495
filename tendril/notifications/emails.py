"""Notification emails: the outbox that delivers them, and their words in each recipient's
language, as plain text and simple HTML, with an absolute link back into Tendril
(``TENDRIL_BASE_URL``).

**Delivery.** ``notify`` writes a :class:`NotificationEmail` row in the same transaction as
the notifications, so a crash after the commit or a mail server that is down loses nothing.
``emails_send_due`` claims the rows that are due (``SKIP LOCKED``: senders running at once
share them), sends them through Django's email backend (``EMAIL_URL``) over one connection,
and marks each sent in the same transaction. A refused connection or an SMTP error is
recorded on the row and tried again later (1, 2, 4… minutes, at most an hour apart); after
``MAX_ATTEMPTS`` the email is given up as failed. The inbox keeps the notification either way.

**At least once.** A crash (or a lost database connection) after the mail server accepted an
email and before the commit leaves it pending, so it is sent again: in that window one email
can arrive twice, never zero times.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from tendril.core import clock
from tendril.notifications.kinds import words_of
from tendril.notifications.models import EmailStatus, NotificationEmail

logger = logging.getLogger(__name__)

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)
BATCH = 50
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
# A mail server that does not answer must not hold the claimed rows (and, on SQLite, the
# database's one writer) for the minutes an operating system's connect timeout can take.
SMTP_TIMEOUT = 20
KEEP_DONE = timedelta(days=30)


def absolute_url(path: str) -> str:
    """``path`` inside Tendril as a link that works from a mail client."""
    return f"{settings.BASE_URL}{path}" if path.startswith("/") else settings.BASE_URL + "/"


def _message(address: str, language: str, kind: str, params: dict[str, Any], url: str) -> Any:
    chosen = language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE
    with translation.override(chosen):
        words = words_of([(kind, params)])[0]
        context = {"words": words, "link": absolute_url(url), "language": chosen}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(subject=words.title, body=text, to=[address])
    message.attach_alternative(html, "text/html")
    return message


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: doubling, capped."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _failed(email: NotificationEmail, error: str, now: datetime) -> None:
    """Record a failed try: retried after a while, or given up after ``MAX_ATTEMPTS``."""
    email.attempts += 1
    email.last_error = error[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.FAILED
        logger.error("notification email %s given up: %s", email.pk, error)
    else:
        email.next_attempt_at = now + retry_delay(email.attempts)
        logger.warning(
            "notification email %s not sent (try %s): %s", email.pk, email.attempts, error
        )


def _send(connection: Any, email: NotificationEmail, now: datetime) -> None:
    user = email.user
    if not user.is_active or not user.email:
        email.status, email.last_error = EmailStatus.FAILED, "the recipient cannot receive email"
        return
    try:
        # A savepoint: a kind whose words fail (a bug) must not abort the batch's transaction,
        # nor hold back every email behind it; it is tried again like a refused send.
        with transaction.atomic():
            message = _message(user.email, user.language, email.kind, email.params, email.url)
    except Exception as error:
        logger.exception("notification email %s could not be worded", email.pk)
        _failed(email, f"{type(error).__name__}: {error}", now)
        return
    try:
        connection.send_messages([message])
    except OSError as error:  # smtplib.SMTPException is an OSError too
        _failed(email, f"{type(error).__name__}: {error}", now)
        return
    email.attempts += 1
    email.status, email.sent_at, email.last_error = EmailStatus.SENT, now, ""


def _deliver(emails: list[NotificationEmail], now: datetime) -> None:
    """Send ``emails`` over one connection, recording on each what happened."""
    connection = get_connection(timeout=SMTP_TIMEOUT)
    try:
        connection.open()
    except OSError as error:  # the server is down: every email of the batch waits
        for email in emails:
            _failed(email, f"{type(error).__name__}: {error}", now)
        return
    try:
        for email in emails:
            _send(connection, email, now)
    finally:
        # The emails are handed over: a failing goodbye must not undo their record.
        with suppress(OSError):
            connection.close()


def emails_send_due(*, limit: int = BATCH) -> int:
    """Send up to ``limit`` emails that are due; returns how many were tried (0: none due)."""
    now = clock.now()
    with transaction.atomic():
        due = list(
            NotificationEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not due:
            return 0
        _deliver(due, now)
        NotificationEmail.objects.bulk_update(
            due, ["status", "attempts", "next_attempt_at", "sent_at", "last_error"]
        )
    return len(due)


def emails_send_all_due() -> int:
    """Send every email that is due now, a batch at a time; returns how many were tried."""
    tried = 0
    while batch := emails_send_due():
        tried += batch
        if batch < BATCH:
            break
    return tried


def emails_prune(*, older_than: timedelta = KEEP_DONE) -> int:
    """Forget the emails sent or given up more than ``older_than`` ago; returns how many."""
    done = NotificationEmail.objects.exclude(status=EmailStatus.PENDING)
    deleted, _by_model = done.filter(created_at__lt=clock.now() - older_than).delete()
    return deleted

"""Writes to notifications: tell users something (in the app, by email, or both), and mark
what they have read.

``notify`` is the one door every capability uses (alerts on segment entry now; hot leads and
reminders later). It stores the kind and its params, not words: see :mod:`.kinds`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.core import clock
from tendril.core.errors import first_or_not_found
from tendril.core.tasks import enqueue
from tendril.notifications.models import Notification, NotificationEmail
from tendril.notifications.tasks import notification_emails_send


def notify(
    *,
    users: Iterable[User],
    kind: str,
    params: dict[str, Any],
    url: str,
    in_app: bool = True,
    email: bool = False,
) -> list[Notification]:
    """Tell each active user of ``users`` about one thing: a notification in their inbox
    (``in_app``) and/or an email in their own language (``email``: queued in the caller's
    transaction, so nothing is mailed about a write that rolled back and nothing committed goes
    unmailed, and sent once it commits; see :mod:`.emails` for retries).

    Callers that must not tell twice (a replayed event) guard the call with their own unique
    record of what they told, written in the same transaction."""
    people = [u for u in users if u.is_active]
    now = clock.now()
    made: list[Notification] = []
    if in_app and people:
        made = Notification.objects.bulk_create(
            Notification(user=u, kind=kind, params=params, url=url, created_at=now) for u in people
        )
    if email and (mailed := [u for u in people if u.email]):
        NotificationEmail.objects.bulk_create(
            NotificationEmail(
                user=u, kind=kind, params=params, url=url, created_at=now, next_attempt_at=now
            )
            for u in mailed
        )
        enqueue(notification_emails_send)
    return made


def no_such_notification(notification_id: int) -> str:
    return _("There is no notification %(id)s.") % {"id": notification_id}


def notification_read(*, user: User, notification_id: int) -> Notification:
    """One of the user's own notifications marked read (again: it stays read at its first
    time); anyone else's is NotFound, so ids reveal nothing."""
    notification = first_or_not_found(
        Notification.objects.filter(pk=notification_id, user=user),
        no_such_notification(notification_id),
    )
    if notification.read_at is None:
        # Conditional UPDATE: two clicks at once both succeed and keep the first moment.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=clock.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_read_all(*, user: User) -> int:
    """Every unread notification of the user marked read; returns how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())

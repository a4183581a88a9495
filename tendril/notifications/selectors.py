"""Reads of notifications: a user's inbox and their unread count. Every read is scoped to one
user: nobody, whatever their role, reads another person's notifications."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from tendril.accounts.models import User
from tendril.notifications.kinds import words_of
from tendril.notifications.models import Notification


def notification_list(*, user: User, unread: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first; ``unread`` keeps those not read yet."""
    rows = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    return rows.filter(read_at__isnull=True) if unread else rows


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (the bell's number)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it: its words in the active language."""

    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


def shown(notifications: Iterable[Notification]) -> list[Shown]:
    """Notifications with their words in the active language (each kind filled in once)."""
    rows = list(notifications)
    words = words_of([(n.kind, n.params) for n in rows])
    return [
        Shown(
            id=n.pk,
            kind=n.kind,
            title=w.title,
            body=w.body,
            url=n.url,
            created_at=n.created_at,
            read_at=n.read_at,
        )
        for n, w in zip(rows, words, strict=True)
    ]

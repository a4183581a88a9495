"""``/api/v1/notifications``: the caller's own notifications (API.md "Sales").

Each person reads and marks only their own: another user's id answers 404. An API key is
nobody's inbox: it lists none, and marks none.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema

from tendril.accounts.api import ERRORS
from tendril.accounts.auth import AuthedRequest, Caller
from tendril.accounts.models import User
from tendril.core.errors import NotFound
from tendril.core.pagination import PageParams, page_of
from tendril.notifications import selectors, services
from tendril.notifications.models import Notification

router = Router(tags=["Notifications"])


class NotificationParams(PageParams):
    unread: bool = Field(False, description="Only the notifications not read yet")


class NotificationOut(Schema):
    id: int
    kind: str
    title: str = Field(description="In the caller's language")
    body: str
    url: str = Field(description="Where it leads, a path inside Tendril")
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    count: int
    items: list[NotificationOut]


class MarkedOut(Schema):
    marked: int = Field(description="Notifications that were unread")


def _out(notifications: list[Notification]) -> list[dict[str, Any]]:
    return [asdict(row) for row in selectors.shown(notifications)]


def _person(caller: Caller) -> User | None:
    return caller if isinstance(caller, User) else None


@router.get("", response={200: NotificationPage, **ERRORS}, summary="Your notifications")
def notification_index(request: AuthedRequest, params: Query[NotificationParams]) -> dict[str, Any]:
    user = _person(request.auth)
    rows: QuerySet[Notification] = (
        selectors.notification_list(user=user, unread=params.unread)
        if user is not None
        else Notification.objects.none()
    )
    page = page_of(rows, params, lambda row: row)
    return {"count": page["count"], "items": _out(page["items"])}


@router.post(
    "/read-all", response={200: MarkedOut, **ERRORS}, summary="Mark all your notifications read"
)
def notification_read_all(request: AuthedRequest) -> dict[str, int]:
    user = _person(request.auth)
    return {"marked": services.notifications_read_all(user=user) if user is not None else 0}


@router.post(
    "/{int:notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark one of your notifications read",
)
def notification_read(request: AuthedRequest, notification_id: int) -> dict[str, Any]:
    user = _person(request.auth)
    if user is None:
        raise NotFound(services.no_such_notification(notification_id))
    return _out([services.notification_read(user=user, notification_id=notification_id)])[0]

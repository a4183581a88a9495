"""Alerts in the REST API: ``/api/v1/alerts`` (every segment's alert) and
``/api/v1/segments/{id}/alert`` (one segment's: read, set, or subscribe yourself).

Reading is open to every role, as segments are; setting an alert is marketing's (admins and
marketers); any signed-in person, a sales rep too, can subscribe or unsubscribe themselves
(``/alert/me``: a session, not an API key, which is nobody to tell).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tendril.accounts.api import ERRORS
from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.accounts.models import User
from tendril.alerts import selectors, services
from tendril.alerts.models import SegmentAlert
from tendril.core.errors import InvalidInput
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.segments.models import Segment
from tendril.segments.selectors import segment_get_for

router = Router(tags=["Alerts"])


class PersonOut(Schema):
    id: int
    email: str
    name: str


class AlertOut(Schema):
    segment: int
    active: bool
    in_app: bool = Field(description="Told in Tendril: a notification under the bell")
    email: bool = Field(description="Told by email, in each person's language")
    users: list[PersonOut]


class AlertPage(Schema):
    count: int
    items: list[AlertOut]


class AlertIn(BodySchema):
    users: list[int] = Field(..., max_length=services.MAX_PEOPLE)
    in_app: bool = True
    email: bool = False
    active: bool = True


def alert_out(segment_id: int, alert: SegmentAlert | None) -> dict[str, Any]:
    if alert is None:
        return {"segment": segment_id, "active": False, "in_app": True, "email": False, "users": []}
    return {
        "segment": segment_id,
        "active": alert.active,
        "in_app": alert.in_app,
        "email": alert.by_email,
        "users": [{"id": u.pk, "email": u.email, "name": str(u)} for u in alert.users.all()],
    }


def _segment(request: AuthedRequest, segment_id: int) -> Segment:
    return segment_get_for(request.auth, segment_id)


@router.get("/alerts", response={200: AlertPage, **ERRORS}, summary="Every segment's alert")
def alert_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.alert_list(), params, lambda a: alert_out(a.segment_id, a))


@router.get(
    "/segments/{int:segment_id}/alert",
    response={200: AlertOut, **ERRORS},
    summary="Who is told when a contact enters the segment",
)
def alert_get(request: AuthedRequest, segment_id: int) -> dict[str, Any]:
    segment = _segment(request, segment_id)
    return alert_out(segment.pk, selectors.alert_of(segment))


@router.put(
    "/segments/{int:segment_id}/alert",
    response={200: AlertOut, **ERRORS},
    summary="Set who is told when a contact enters the segment, and how",
)
def alert_put(request: AuthedRequest, segment_id: int, payload: AlertIn) -> dict[str, Any]:
    require_marketing(request.auth)
    segment = _segment(request, segment_id)
    services.alert_set(
        segment=segment,
        users=payload.users,
        in_app=payload.in_app,
        by_email=payload.email,
        active=payload.active,
        by=request.auth,
    )
    return alert_out(segment.pk, selectors.alert_of(segment))


def _subscribe(request: AuthedRequest, segment_id: int, subscribed: bool) -> dict[str, Any]:
    segment = _segment(request, segment_id)
    if not isinstance(request.auth, User):
        raise InvalidInput(_("An API key is nobody to tell: sign in as a person to subscribe."))
    services.alert_subscribe(segment=segment, user=request.auth, subscribed=subscribed)
    return alert_out(segment.pk, selectors.alert_of(segment))


@router.post(
    "/segments/{int:segment_id}/alert/me",
    response={200: AlertOut, **ERRORS},
    summary="Be told yourself when a contact enters the segment",
)
def alert_subscribe(request: AuthedRequest, segment_id: int) -> dict[str, Any]:
    return _subscribe(request, segment_id, True)


@router.delete(
    "/segments/{int:segment_id}/alert/me",
    response={200: AlertOut, **ERRORS},
    summary="Stop being told about the segment",
)
def alert_unsubscribe(request: AuthedRequest, segment_id: int) -> dict[str, Any]:
    return _subscribe(request, segment_id, False)

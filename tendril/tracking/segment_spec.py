"""Segment-spec ingest: what a Segment or RudderStack SDK sends (``identify``, ``track``,
``page``, ``screen``, and ``batch`` of those, as the Segment HTTP Tracking API defines them)
turned into Tendril's contacts and events, so a site or back end already instrumented for them
becomes a Tendril source by changing the host it sends to.

Who a message is about: ``anonymousId`` is a visitor as the snippet's cookie is one;
``userId`` (the source's own id for a signed-in person) is the visitor ``user:<userId>``, which
an ``identify`` carrying ``traits.email`` links to the contact, so later messages with only the
``userId`` land on the contact, and earlier anonymous ones join it. A request is stored whole or
not at all: one bad message refuses it (422 naming ``batch[i].<field>``), so an SDK's retry never
duplicates the good half.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.contacts.services import contact_upsert
from tendril.core.errors import DomainError, InvalidInput
from tendril.core.events import CUSTOM_PREFIX
from tendril.core.models import EventSource, VisitorLink
from tendril.core.services import visitor_identify
from tendril.tracking.events import CART_UPDATED, PRODUCT_VIEWED
from tendril.tracking.models import Site

# The e-commerce events of the spec that are built-in Tendril types; every other track is custom.
ECOMMERCE = {
    "Product Viewed": PRODUCT_VIEWED,
    "Product Added": CART_UPDATED,
    "Order Completed": "purchase",
}
KINDS = ("identify", "track", "page", "screen")
# Accepted and left alone: Tendril has no groups or aliases (yet); refusing them would make an
# SDK retry them for ever.
IGNORED = ("group", "alias")
MAX_MESSAGES = 1000
MAX_VISITOR = 64
USER_PREFIX = "user:"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]+")
# Traits that are contact fields, in Segment's spelling and ours.
TRAITS = {
    "first_name": ("firstName", "first_name"),
    "last_name": ("lastName", "last_name"),
    "phone": ("phone",),
}


@dataclass
class Message:
    """One message, checked: its event, and who it is about."""

    kind: str
    type: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    anonymous: str = ""
    user: str = ""
    occurred_at: datetime | None = None
    contact: dict[str, Any] | None = None  # identify with an email: the contact's fields

    @property
    def visitor(self) -> str:
        return self.anonymous or (USER_PREFIX + self.user if self.user else "")


def _dict(raw: object, path: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput(_("%(field)s must be an object.") % {"field": path}, field=path)
    return raw


def _id(raw: object, path: str, room: int) -> str:
    if raw is None or raw == "":
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InvalidInput(_("%(field)s must be a string.") % {"field": path}, field=path)
    text = str(raw).strip()
    if len(text) > room or "\x00" in text:
        raise InvalidInput(
            _("%(field)s is at most %(n)s characters.") % {"field": path, "n": room}, field=path
        )
    return text


def _time(raw: object, path: str) -> datetime | None:
    if raw is None:
        return None
    try:
        if not isinstance(raw, str):
            raise ValueError
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            _("%(field)s is not an ISO 8601 time.") % {"field": path}, field=path
        ) from None


def _track_type(name: object, path: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(_("A track message needs its event's name."), field=path)
    if name in ECOMMERCE:
        return ECOMMERCE[name]
    bare = _UNSAFE.sub("_", name.strip()).strip("_")[:64]
    if not bare:
        raise InvalidInput(_("A track message needs its event's name."), field=path)
    return CUSTOM_PREFIX + bare


def _page(message: Mapping[str, Any], properties: dict[str, Any], at: str) -> dict[str, Any]:
    """A page message as ``page_view``: the URL from its properties, or from the context's page
    as analytics.js sends it; its name stands for a missing title."""
    context_page = _dict(
        _dict(message.get("context"), f"{at}context").get("page"), f"{at}context.page"
    )
    page = {**context_page, **properties}
    url = page.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise InvalidInput(_("A page message needs properties.url."), field=f"{at}properties.url")
    name = message.get("name")
    if not page.get("title") and isinstance(name, str):
        page["title"] = name
    return page


def message_parse(raw: object, *, kind: str | None, at: str = "") -> Message | None:
    """One message checked (``kind`` is the endpoint's, or None in a batch, where each message
    says its own ``type``); None for a kind Tendril accepts and ignores. ``at`` prefixes the
    field an error names (``batch[3].``)."""
    message = _dict(raw, at.rstrip(".") or "body")
    kind = kind or message.get("type")
    if kind in IGNORED:
        return None
    if kind not in KINDS:
        raise InvalidInput(
            _("type must be one of %(kinds)s.") % {"kinds": ", ".join(KINDS)}, field=f"{at}type"
        )
    parsed = Message(
        kind=kind,
        anonymous=_id(message.get("anonymousId"), f"{at}anonymousId", MAX_VISITOR),
        user=_id(message.get("userId"), f"{at}userId", MAX_VISITOR - len(USER_PREFIX)),
        occurred_at=_time(message.get("timestamp"), f"{at}timestamp"),
    )
    if not parsed.visitor:
        raise InvalidInput(
            _("A message needs an anonymousId or a userId."), field=f"{at}anonymousId"
        )
    properties = _dict(message.get("properties"), f"{at}properties")
    if kind == "identify":
        traits = _dict(message.get("traits"), f"{at}traits")
        parsed.type = "identify"
        parsed.properties = {**traits, **({"user_id": parsed.user} if parsed.user else {})}
        if traits.get("email") is not None:
            parsed.contact = {"email": traits["email"]}
            for ours, theirs in TRAITS.items():
                value = next((traits[k] for k in theirs if isinstance(traits.get(k), str)), None)
                if value is not None:
                    parsed.contact[ours] = value
    elif kind == "track":
        parsed.type = _track_type(message.get("event"), f"{at}event")
        parsed.properties = dict(properties)
        if parsed.type == "purchase" and "amount" not in properties:
            amount = properties.get("total", properties.get("revenue"))
            if amount is not None:
                parsed.properties["amount"] = amount
    elif kind == "page":
        parsed.type = "page_view"
        parsed.properties = _page(message, properties, at)
    else:  # screen: a view in a mobile app
        parsed.type = CUSTOM_PREFIX + "screen_viewed"
        parsed.properties = {**properties, "name": message.get("name") or ""}
    return parsed


def _prefixed(error: DomainError, at: str) -> InvalidInput:
    return InvalidInput(error.message, field=f"{at}{error.field}" if error.field else at or None)


def messages_record(*, site: Site, messages: list[Message], paths: list[str]) -> int:
    """Store checked messages (``paths[i]`` prefixes the fields an error names), all or none;
    returns the events stored. Identifies first: their contacts are made or updated from their
    traits and their ``userId`` linked, so the other messages of the same request already land
    on the contact."""
    with transaction.atomic():
        contacts: dict[int, int] = {}
        for index, message in enumerate(messages):
            if message.contact is None:
                continue
            try:
                contact, _created = contact_upsert(
                    data=message.contact, by=None, method=EventSource.TRACKING
                )
            except DomainError as error:
                field = f"traits.{error.field}" if error.field else "traits"
                raise InvalidInput(error.message, field=f"{paths[index]}{field}") from None
            contacts[index] = contact.pk
            if message.user:
                visitor_identify(visitor_id=USER_PREFIX + message.user, contact_id=contact.pk)
        users = {USER_PREFIX + m.user for m in messages if m.user}
        linked = dict(
            VisitorLink.objects.filter(visitor_id__in=users).values_list("visitor_id", "contact_id")
        )
        items = [
            NewEvent(
                type=message.type,
                properties={**message.properties, "site": site.pk},
                occurred_at=message.occurred_at,
                contact_id=contacts.get(index) or linked.get(USER_PREFIX + message.user),
                visitor_id=message.visitor,
            )
            for index, message in enumerate(messages)
        ]
        result = events_ingest(items=items, source=EventSource.TRACKING)
        if result.errors:
            index, refused = result.errors[0]
            raise _prefixed(refused, paths[index])
    return result.accepted

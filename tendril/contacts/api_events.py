"""``/api/v1/events``: posting facts into the event log, one at a time or in batches."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from tendril.accounts.auth import AuthedRequest
from tendril.contacts.cleaning import email_clean, storable_check
from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.core.errors import InvalidInput, MalformedInput
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import STRICT_BODY
from tendril.core.selectors import event_list_newest
from tendril.core.services import utc_clean

router = Router(tags=["events"])
MAX_BATCH = 1000
_MAYBE_UNSTORABLE = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]")


# Plain pydantic models, not ninja Schemas: ninja's ORM-reading validator costs ~35 µs an item,
# a sixth of a 1,000-event batch (bench/event_ingest.py).
class ContactRef(BaseModel):
    model_config = STRICT_BODY
    email: str = Field(..., max_length=254, json_schema_extra={"format": "email"})


class EventIn(BaseModel):
    model_config = STRICT_BODY
    contact: ContactRef | None = None
    contact_id: int | None = Field(None, ge=1, le=2**62)
    visitor_id: str | None = Field(None, max_length=64)
    # Documented, not enforced here: normalise_type explains a bad name better than a regex.
    type: str = Field(
        ..., max_length=80, json_schema_extra={"pattern": r"^(custom:)?[A-Za-z0-9_.\-]{1,64}$"}
    )
    properties: dict[str, Any] = Field(default_factory=dict)
    occurred_at: datetime | None = Field(None, strict=False)

    def to_new_event(self) -> NewEvent:
        return NewEvent(
            type=self.type,
            properties=self.properties,
            occurred_at=self.occurred_at,
            contact_id=self.contact_id,
            email=self.contact.email if self.contact else None,
            visitor_id=self.visitor_id or "",
        )


class EventAccepted(Schema):
    id: int


class ItemError(Schema):
    index: int
    detail: str
    field: str | None


class BatchResult(Schema):
    accepted: int
    ids: list[int | None]
    rejected: list[ItemError]


class EventOut(Schema):
    id: int
    contact_id: int | None
    visitor_id: str
    type: str
    properties: dict[str, Any]
    occurred_at: datetime
    received_at: datetime
    source: str


class EventFilters(PageParams):
    contact_id: int | None = Field(None, ge=1, le=2**62)
    type: str | None = Field(None, max_length=80)
    since: datetime | None = None


def _email_checked(item: EventIn, seen: dict[str, str] | None = None) -> EventIn:
    """Reject a malformed email here so one bad item cannot fail the whole batch later.

    ``seen`` remembers emails already checked in this batch (the same person sends many events).
    """
    if item.contact is not None:
        raw = item.contact.email
        if seen is None or raw not in seen:
            checked = email_clean(raw, field="contact.email")
            if seen is not None:
                seen[raw] = checked
    return item


@router.post("", response={202: EventAccepted}, summary="Record one event")
def event_post(request: AuthedRequest, payload: EventIn) -> Status[dict[str, int]]:
    result = events_ingest(items=[_email_checked(payload).to_new_event()], by=request.auth)
    event_id = result.ids[0]
    if event_id is None:
        raise result.errors[0][1]
    return Status(202, {"id": event_id})


_BATCH_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "maxItems": MAX_BATCH,
                    "items": {"$ref": "#/components/schemas/EventIn"},
                }
            }
        },
    }
}


@router.post(
    "/batch",
    response={202: BatchResult},
    openapi_extra=_BATCH_SCHEMA,
    summary="Record up to 1,000 events; bad items are reported by index, good ones stored",
)
def event_batch(request: AuthedRequest) -> Status[dict[str, Any]]:
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MalformedInput(_("the request body is not valid JSON")) from None
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        body = body["events"]
    if not isinstance(body, list):
        raise InvalidInput(_("send a JSON list of events"), field=None)
    if len(body) > MAX_BATCH:
        raise InvalidInput(
            _("a batch holds at most %(max)s events, not %(count)s")
            % {"max": MAX_BATCH, "count": len(body)}
        )
    items: list[NewEvent] = []
    positions: list[int] = []
    rejected: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    # Walking every item for unstorable text costs a fifth of a batch; JSON can only carry NUL
    # or a lone surrogate as a \u escape, so most bodies are cleared by one scan of the bytes.
    check_text = _MAYBE_UNSTORABLE.search(request.body) is not None
    for index, raw in enumerate(body):
        try:
            if check_text:
                storable_check(raw)
            items.append(_email_checked(EventIn.model_validate(raw), seen).to_new_event())
            positions.append(index)
        except PydanticError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or None
            rejected.append({"index": index, "detail": f"{field}: {first['msg']}", "field": field})
        except InvalidInput as exc:
            rejected.append({"index": index, "detail": exc.message, "field": exc.field})
    result = events_ingest(items=items, by=request.auth)
    ids: list[int | None] = [None] * len(body)
    for position, event_id in zip(positions, result.ids, strict=True):
        ids[position] = event_id
    for item_index, error in result.errors:
        rejected.append(
            {"index": positions[item_index], "detail": error.message, "field": error.field}
        )
    rejected.sort(key=lambda r: r["index"])
    return Status(202, {"accepted": result.accepted, "ids": ids, "rejected": rejected})


@router.get("", response={200: dict[str, Any]}, summary="List events, newest first")
def event_list(request: AuthedRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    since = filters.since
    if since is not None and since.tzinfo is not None:
        since = utc_clean(since, field="since")
    events = event_list_newest(contact_id=filters.contact_id, type=filters.type, since=since)
    return page_of(events, filters, lambda e: EventOut.from_orm(e).model_dump(mode="json"))

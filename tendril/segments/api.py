"""``/api/v1/segments``: see ../shared/API.md "Segments (filter DSL)"."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any, Literal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS, ContactOut, ContactPage, contact_out
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.segments import selectors
from tendril.segments.models import Segment
from tendril.segments.services import (
    MAX_IDS,
    segment_add_contacts,
    segment_create,
    segment_delete,
    segment_remove_contacts,
    segment_update,
)
from tendril.segments.uploads import UploadReport, segment_contacts_upload

router = Router(tags=["segments"])


class SegmentIn(BodySchema):
    name: str = Field(..., max_length=200)
    filter: dict[str, Any] | None = None
    static: bool = False


class SegmentPatch(BodySchema):
    name: str | None = Field(None, max_length=200)
    filter: dict[str, Any] | None = None


class PreviewIn(BodySchema):
    filter: dict[str, Any]


class IdsIn(BodySchema):
    ids: list[int] = Field(..., min_length=1, max_length=MAX_IDS)


class SegmentOut(Schema):
    id: int
    name: str
    filter: dict[str, Any]
    static: bool
    count: int


class SegmentList(Schema):
    count: int
    items: list[SegmentOut]


class PreviewOut(Schema):
    count: int
    sample: list[ContactOut]


class ChangedOut(Schema):
    changed: int = Field(description="Contacts that entered (or left) the segment.")


class RowEmailOut(Schema):
    row: int = Field(description="The row in the file, the header being row 1.")
    email: str


class BadRowOut(Schema):
    row: int
    value: str
    detail: str


class UploadOut(Schema):
    column: str = Field(description="The column the emails were read from.")
    rows: int = Field(description="Data rows read (the header not counted).")
    matched: int = Field(description="Contacts found, each once.")
    added: int
    removed: int
    already: int = Field(
        description="Matched contacts already in the list (when adding) or not in it (removing)."
    )
    repeated: int = Field(description="Rows repeating an email of an earlier row.")
    not_found: list[RowEmailOut]
    invalid: list[BadRowOut] = Field(description="Rows without a usable email, with why.")


def upload_out(report: UploadReport) -> dict[str, Any]:
    return {
        "column": report.column,
        "rows": report.rows,
        "matched": report.matched,
        "added": 0 if report.remove else report.changed,
        "removed": report.changed if report.remove else 0,
        "already": report.already,
        "repeated": report.repeated,
        "not_found": [{"row": row, "email": email} for row, email in report.not_found],
        "invalid": [asdict(bad) for bad in report.invalid],
    }


class HistoryQuery(Schema):
    days: int = Field(30, ge=1, le=366, description="How many days up to today.")


class HistoryDayOut(Schema):
    day: date
    members: int | None = Field(
        description="Members at the end of the day; null before the segment's history starts."
    )
    entered: int
    exited: int


class HistoryOut(Schema):
    days: list[HistoryDayOut]


def segment_out(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.pk,
        "name": segment.name,
        "filter": segment.filter,
        "static": segment.static,
        "count": segment.member_count,  # type: ignore[attr-defined]
    }


def _fresh(request: AuthedRequest, segment: Segment) -> dict[str, Any]:
    return segment_out(selectors.segment_get_for(request.auth, segment.pk))


@router.post("", response={201: SegmentOut, **ERRORS}, summary="Create a segment")
def segment_post(request: AuthedRequest, payload: SegmentIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    segment = segment_create(
        name=payload.name, filter=payload.filter, static=payload.static, by=request.auth
    )
    return Status(201, _fresh(request, segment))


@router.get("", response={200: SegmentList, **ERRORS}, summary="List segments with their counts")
def segment_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.segment_list(), params, segment_out)


@router.post(
    "/preview",
    response={200: PreviewOut, **ERRORS},
    summary="Count a filter's contacts now and show ten, saving nothing",
)
def segment_preview(request: AuthedRequest, payload: PreviewIn) -> dict[str, Any]:
    preview = selectors.segment_preview(filter=payload.filter)
    return {"count": preview.count, "sample": [contact_out(c) for c in preview.sample]}


@router.get("/{int:segment_id}", response={200: SegmentOut, **ERRORS})
def segment_get(request: AuthedRequest, segment_id: int) -> dict[str, Any]:
    return segment_out(selectors.segment_get_for(request.auth, segment_id))


@router.patch("/{int:segment_id}", response={200: SegmentOut, **ERRORS})
def segment_patch(request: AuthedRequest, segment_id: int, payload: SegmentPatch) -> dict[str, Any]:
    require_marketing(request.auth)
    segment = selectors.segment_get_for(request.auth, segment_id)
    data = payload.model_dump(exclude_unset=True)
    segment = segment_update(
        segment=segment, name=data.get("name"), filter=data.get("filter"), by=request.auth
    )
    return _fresh(request, segment)


@router.delete("/{int:segment_id}", response={204: None, **ERRORS})
def segment_remove(request: AuthedRequest, segment_id: int) -> Status[None]:
    require_marketing(request.auth)
    segment_delete(segment=selectors.segment_get_for(request.auth, segment_id), by=request.auth)
    return Status(204, None)


@router.get(
    "/{int:segment_id}/history",
    response={200: HistoryOut, **ERRORS},
    summary="Members at the end of each day, and who entered and left, oldest day first",
)
def segment_history(
    request: AuthedRequest, segment_id: int, params: Query[HistoryQuery]
) -> dict[str, Any]:
    segment = selectors.segment_get_for(request.auth, segment_id)
    history = selectors.membership_history(segment=segment, days=params.days)
    return {"days": [asdict(day) for day in history]}


@router.get("/{int:segment_id}/contacts", response={200: ContactPage, **ERRORS})
def segment_members(
    request: AuthedRequest, segment_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    segment = selectors.segment_get_for(request.auth, segment_id)
    contacts = selectors.segment_contacts(segment=segment).prefetch_related("consents")
    return page_of(contacts, params, contact_out)


@router.post(
    "/{int:segment_id}/contacts",
    response={200: ChangedOut, **ERRORS},
    summary="Add contacts to a static segment",
)
def segment_members_add(request: AuthedRequest, segment_id: int, payload: IdsIn) -> dict[str, int]:
    require_marketing(request.auth)
    segment = selectors.segment_get_for(request.auth, segment_id)
    return {"changed": segment_add_contacts(segment=segment, ids=payload.ids, by=request.auth)}


@router.delete(
    "/{int:segment_id}/contacts",
    response={200: ChangedOut, **ERRORS},
    summary="Remove contacts from a static segment",
)
def segment_members_remove(
    request: AuthedRequest, segment_id: int, payload: IdsIn
) -> dict[str, int]:
    require_marketing(request.auth)
    segment = selectors.segment_get_for(request.auth, segment_id)
    return {"changed": segment_remove_contacts(segment=segment, ids=payload.ids, by=request.auth)}


@router.post(
    "/{int:segment_id}/contacts/import",
    response={200: UploadOut, **ERRORS},
    summary="Add (or remove) a static segment's contacts from a CSV file of emails",
)
def segment_members_import(
    request: AuthedRequest,
    segment_id: int,
    file: File[UploadedFile],
    column: Form[str | None] = None,
    action: Form[Literal["add", "remove"]] = "add",
) -> dict[str, Any]:
    require_marketing(request.auth)
    segment = selectors.segment_get_for(request.auth, segment_id)
    report = segment_contacts_upload(
        segment=segment,
        file=file,
        size=file.size or 0,
        column=column,
        remove=action == "remove",
        by=request.auth,
    )
    return upload_out(report)

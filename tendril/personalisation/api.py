"""Personalisation in the REST API: ``/api/v1/slots`` and ``/api/v1/popups`` (marketing only,
as the screens). A pop-up's figures (visitors shown, conversions) come with it."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.personalisation import selectors, services
from tendril.personalisation.models import Popup, Slot

router = Router(tags=["Personalisation"])

Visit = Literal["", "1", "2", "3"]
KnownIn = Literal["", "known", "anonymous"]
GradeIn = Literal["", "hot", "warm", "cold"]


class VariantIn(BodySchema):
    visit: Visit = Field("", description='"1", "2", "3" (third visit or later), or "" for any.')
    known: KnownIn = ""
    segment: int | None = Field(None, description="Only members of this segment.")
    grade: GradeIn = ""
    stage: str = Field("", max_length=32)
    content: str = Field("", max_length=services.MAX_CONTENT)


class SlotIn(BodySchema):
    name: str = Field(..., max_length=services.MAX_NAME)
    key: str = Field(..., max_length=services.MAX_KEY, description="What pages name it by.")
    site: int | None = Field(None, description="A site's own slot; none: every site.")
    content: str = Field("", max_length=services.MAX_CONTENT, description="The default.")
    variants: list[VariantIn] = Field([], max_length=services.MAX_VARIANTS)


class SlotPatch(BodySchema):
    name: str | None = Field(None, max_length=services.MAX_NAME)
    key: str | None = Field(None, max_length=services.MAX_KEY)
    site: int | None = None
    content: str | None = Field(None, max_length=services.MAX_CONTENT)
    variants: list[VariantIn] | None = Field(None, max_length=services.MAX_VARIANTS)


class VariantOut(Schema):
    visit: str
    known: str
    segment: int | None
    grade: str
    stage: str
    content: str


class SlotOut(Schema):
    id: int
    name: str
    key: str
    site: int | None
    content: str
    variants: list[VariantOut]
    created_at: str
    updated_at: str


class SlotList(Schema):
    count: int
    items: list[SlotOut]


def slot_out(slot: Slot) -> dict[str, Any]:
    return {
        "id": slot.pk,
        "name": slot.name,
        "key": slot.key,
        "site": slot.site_id,
        "content": slot.content,
        "variants": [
            {
                "visit": v.visit,
                "known": v.known,
                "segment": v.segment_id,
                "grade": v.grade,
                "stage": v.stage,
                "content": v.content,
            }
            for v in slot.variants.all()
        ],
        "created_at": slot.created_at.isoformat(),
        "updated_at": slot.updated_at.isoformat(),
    }


def _given(payload: BodySchema) -> dict[str, Any]:
    """What the body set (a PATCH's ``null`` for a non-nullable field means "unchanged")."""
    data = payload.model_dump(exclude_unset=True)
    return {k: v for k, v in data.items() if v is not None or k == "site"}


@router.get("/slots", response={200: SlotList, **ERRORS}, summary="List content slots")
def slot_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    require_marketing(request.auth)
    return page_of(selectors.slot_list().prefetch_related("variants"), params, slot_out)


@router.post("/slots", response={201: SlotOut, **ERRORS}, summary="Make a content slot")
def slot_post(request: AuthedRequest, payload: SlotIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    return Status(201, slot_out(services.slot_create(data=_given(payload), by=request.auth)))


@router.get("/slots/{int:slot_id}", response={200: SlotOut, **ERRORS})
def slot_get(request: AuthedRequest, slot_id: int) -> dict[str, Any]:
    require_marketing(request.auth)
    return slot_out(selectors.slot_get_for(request.auth, slot_id))


@router.patch("/slots/{int:slot_id}", response={200: SlotOut, **ERRORS})
def slot_patch(request: AuthedRequest, slot_id: int, payload: SlotPatch) -> dict[str, Any]:
    require_marketing(request.auth)
    slot = selectors.slot_get_for(request.auth, slot_id)
    return slot_out(services.slot_update(slot=slot, data=_given(payload), by=request.auth))


@router.delete("/slots/{int:slot_id}", response={204: None, **ERRORS})
def slot_remove(request: AuthedRequest, slot_id: int) -> Status[None]:
    require_marketing(request.auth)
    services.slot_delete(slot=selectors.slot_get_for(request.auth, slot_id), by=request.auth)
    return Status(204, None)


TriggerIn = Literal["exit", "delay", "scroll"]


class PopupIn(BodySchema):
    name: str = Field(..., max_length=services.MAX_NAME)
    site: int
    form: int = Field(..., description="The form the pop-up holds.")
    headline: str = Field("", max_length=services.MAX_HEADLINE)
    text: str = Field("", max_length=services.MAX_TEXT)
    trigger: TriggerIn = "exit"
    trigger_value: int = Field(0, ge=0, description="Seconds (delay) or percent (scroll).")
    every_days: int = Field(1, ge=0, le=services.MAX_DAYS, description="At most once every N days.")
    max_times: int = Field(3, ge=1, le=services.MAX_TIMES, description="At most M times a visitor.")
    url_contains: str = Field("", max_length=services.MAX_URL_PART)
    only_anonymous: bool = False
    active: bool = True


class PopupPatch(BodySchema):
    name: str | None = Field(None, max_length=services.MAX_NAME)
    site: int | None = None
    form: int | None = None
    headline: str | None = Field(None, max_length=services.MAX_HEADLINE)
    text: str | None = Field(None, max_length=services.MAX_TEXT)
    trigger: TriggerIn | None = None
    trigger_value: int | None = Field(None, ge=0)
    every_days: int | None = Field(None, ge=0, le=services.MAX_DAYS)
    max_times: int | None = Field(None, ge=1, le=services.MAX_TIMES)
    url_contains: str | None = Field(None, max_length=services.MAX_URL_PART)
    only_anonymous: bool | None = None
    active: bool | None = None


class PopupOut(Schema):
    id: int
    name: str
    site: int
    form: int | None
    headline: str
    text: str
    trigger: str
    trigger_value: int
    every_days: int
    max_times: int
    url_contains: str
    only_anonymous: bool
    active: bool
    visitors_shown: int
    displays: int
    converted: int
    conversion_rate: int = Field(description="Converted per visitor shown, in percent.")
    created_at: str
    updated_at: str


class PopupList(Schema):
    count: int
    items: list[PopupOut]


def _popups_out(popups: list[Popup]) -> list[dict[str, Any]]:
    figures = selectors.popup_figures(popups=popups)
    empty = selectors.PopupFigures(visitors=0, displays=0, converted=0)
    out = []
    for popup in popups:
        shown = figures.get(popup.pk, empty)
        out.append(
            {
                "id": popup.pk,
                **popup.settings(),
                "site": popup.site_id,
                "form": popup.form_id,
                "visitors_shown": shown.visitors,
                "displays": shown.displays,
                "converted": shown.converted,
                "conversion_rate": shown.rate,
                "created_at": popup.created_at.isoformat(),
                "updated_at": popup.updated_at.isoformat(),
            }
        )
    return out


def popup_out(popup: Popup) -> dict[str, Any]:
    return _popups_out([popup])[0]


@router.get("/popups", response={200: PopupList, **ERRORS}, summary="List pop-ups")
def popup_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    require_marketing(request.auth)
    page = page_of(selectors.popup_list(), params, lambda popup: popup)
    return {"count": page["count"], "items": _popups_out(page["items"])}


@router.post("/popups", response={201: PopupOut, **ERRORS}, summary="Make a pop-up")
def popup_post(request: AuthedRequest, payload: PopupIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    return Status(201, popup_out(services.popup_create(data=_given(payload), by=request.auth)))


@router.get("/popups/{int:popup_id}", response={200: PopupOut, **ERRORS})
def popup_get(request: AuthedRequest, popup_id: int) -> dict[str, Any]:
    require_marketing(request.auth)
    return popup_out(selectors.popup_get_for(request.auth, popup_id))


@router.patch("/popups/{int:popup_id}", response={200: PopupOut, **ERRORS})
def popup_patch(request: AuthedRequest, popup_id: int, payload: PopupPatch) -> dict[str, Any]:
    require_marketing(request.auth)
    popup = selectors.popup_get_for(request.auth, popup_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return popup_out(services.popup_update(popup=popup, data=data, by=request.auth))


@router.delete("/popups/{int:popup_id}", response={204: None, **ERRORS})
def popup_remove(request: AuthedRequest, popup_id: int) -> Status[None]:
    require_marketing(request.auth)
    services.popup_delete(popup=selectors.popup_get_for(request.auth, popup_id), by=request.auth)
    return Status(204, None)

"""Forms in the REST API: ``/api/v1/forms``. A form's ``key`` is public: its page is
``/f/<key>`` and anyone may submit it there."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from ninja import Field, File, Query, Router, Schema, Status
from ninja import Form as FormPart
from ninja.files import UploadedFile

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.web import assets, selectors, services
from tendril.web.api_pages import router as pages_router
from tendril.web.models import Asset, Form
from tendril.web.public import embed_snippet

router = Router(tags=["Forms"])
# Landing pages (/api/v1/pages) travel with the forms' router: the project mounts this one.
router.add_router("", pages_router)


class FieldIn(BodySchema):
    key: str = Field(
        ...,
        max_length=60,
        description="email, first_name, last_name, phone, company, fields.<custom field>, "
        "or utm_source … utm_content (hidden campaign fields).",
    )
    label: str = Field("", max_length=services.MAX_LABEL)
    type: Literal["text", "email", "tel", "textarea", "select", "checkbox", "hidden"] | None = None
    required: bool = False
    options: list[str] | None = Field(None, max_length=services.MAX_OPTIONS)


class FormIn(BodySchema):
    name: str = Field(..., max_length=services.MAX_NAME)
    fields: list[FieldIn] = Field(..., max_length=services.MAX_FIELDS)
    double_opt_in: bool = False
    consent_text: str = Field("", max_length=services.MAX_CONSENT_TEXT)
    redirect_url: str = Field("", max_length=2000)
    thank_you: str = Field("", max_length=services.MAX_TEXT)
    asset: int | None = Field(None, description="The file the thank-you page lets them download.")


class FormPatch(BodySchema):
    name: str | None = Field(None, max_length=services.MAX_NAME)
    fields: list[FieldIn] | None = Field(None, max_length=services.MAX_FIELDS)
    double_opt_in: bool | None = None
    consent_text: str | None = Field(None, max_length=services.MAX_CONSENT_TEXT)
    redirect_url: str | None = Field(None, max_length=2000)
    thank_you: str | None = Field(None, max_length=services.MAX_TEXT)
    asset: int | None = None


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    options: list[str] | None = None


class FormOut(Schema):
    id: int
    name: str
    key: str
    fields: list[FieldOut]
    double_opt_in: bool
    consent_text: str
    redirect_url: str
    thank_you: str
    asset: int | None
    url: str = Field(description="The form's public page, to link or frame.")
    embed: str = Field(description="The script tag that shows the form in any page.")
    created_at: str


class FormList(Schema):
    count: int
    items: list[FormOut]


def form_out(form: Form) -> dict[str, Any]:
    return {
        "id": form.pk,
        "name": form.name,
        "key": form.key,
        "fields": form.fields,
        "double_opt_in": form.double_opt_in,
        "consent_text": form.consent_text,
        "redirect_url": form.redirect_url,
        "thank_you": form.thank_you,
        "asset": form.asset_id,
        "url": f"{settings.BASE_URL}/f/{form.key}",
        "embed": embed_snippet(form, settings.BASE_URL),
        "created_at": form.created_at.isoformat(),
    }


def _data(payload: BodySchema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if data.get("fields") is not None:
        data["fields"] = [{k: v for k, v in f.items() if v is not None} for f in data["fields"]]
    return data


@router.get("/forms", response={200: FormList, **ERRORS}, summary="List forms")
def form_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.form_list(), params, form_out)


@router.post("/forms", response={201: FormOut, **ERRORS}, summary="Make a form")
def form_post(request: AuthedRequest, payload: FormIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    form = services.form_create(data=_data(payload), by=request.auth)
    return Status(201, form_out(form))


@router.get("/forms/{int:form_id}", response={200: FormOut, **ERRORS})
def form_get(request: AuthedRequest, form_id: int) -> dict[str, Any]:
    return form_out(selectors.form_get_for(request.auth, form_id))


@router.patch("/forms/{int:form_id}", response={200: FormOut, **ERRORS})
def form_patch(request: AuthedRequest, form_id: int, payload: FormPatch) -> dict[str, Any]:
    require_marketing(request.auth)
    form = selectors.form_get_for(request.auth, form_id)
    return form_out(services.form_update(form=form, data=_data(payload), by=request.auth))


@router.delete("/forms/{int:form_id}", response={204: None, **ERRORS})
def form_remove(request: AuthedRequest, form_id: int) -> Status[None]:
    require_marketing(request.auth)
    services.form_delete(form=selectors.form_get_for(request.auth, form_id), by=request.auth)
    return Status(204, None)


class AssetOut(Schema):
    id: int
    name: str
    file_name: str
    content_type: str
    size: int
    created_at: str


class AssetList(Schema):
    count: int
    items: list[AssetOut]


def asset_out(asset: Asset) -> dict[str, Any]:
    return {
        "id": asset.pk,
        "name": asset.name,
        "file_name": asset.file_name,
        "content_type": asset.content_type,
        "size": asset.size,
        "created_at": asset.created_at.isoformat(),
    }


@router.get("/assets", response={200: AssetList, **ERRORS}, summary="List gated files")
def asset_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.asset_list(), params, asset_out)


@router.post(
    "/assets",
    response={201: AssetOut, **ERRORS},
    summary="Upload a file to give away behind a form",
)
def asset_post(
    request: AuthedRequest, file: File[UploadedFile], name: FormPart[str]
) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    asset = assets.asset_create(name=name, file_name=file.name or "", data=file, by=request.auth)
    return Status(201, asset_out(asset))


@router.delete("/assets/{int:asset_id}", response={204: None, **ERRORS})
def asset_remove(request: AuthedRequest, asset_id: int) -> Status[None]:
    require_marketing(request.auth)
    assets.asset_delete(asset=selectors.asset_get_for(request.auth, asset_id), by=request.auth)
    return Status(204, None)

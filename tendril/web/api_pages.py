"""Landing pages in the REST API: ``/api/v1/pages``. ``blocks`` is the draft (each block
``{"type": ..., <its fields>}``, checked by its type; a refused one is 422 at its path, e.g.
``blocks[2].url``); publishing copies it to what ``/p/<slug>`` shows. Pictures for image blocks
are uploaded at ``/api/v1/pages/images`` and named by their id in the block (``image``)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.web import images, landing, selectors
from tendril.web.blocks import MAX_BLOCKS
from tendril.web.landing_views import public_url
from tendril.web.models import LandingPage, PageImage
from tendril.web.selectors import page_figures

router = Router(tags=["Landing pages"])
Language = Literal["en", "vi", "th"]
BLOCKS_HELP = (
    "The draft's blocks, top to bottom: objects with a type (heading, text, image, button, "
    "form, asset, or one another app registered) and that type's fields; an image block "
    "names an uploaded picture's id (image) or an https address (url)."
)


class PageIn(BodySchema):
    name: str = Field(..., max_length=landing.MAX_NAME)
    slug: str | None = Field(
        None, max_length=landing.MAX_SLUG, description="Made from the name when not given."
    )
    language: Language = "en"
    seo_title: str = Field("", max_length=landing.MAX_SEO_TITLE)
    seo_description: str = Field("", max_length=landing.MAX_SEO_DESCRIPTION)
    og_image: str = Field("", max_length=2000)
    blocks: list[dict[str, Any]] = Field([], max_length=MAX_BLOCKS, description=BLOCKS_HELP)


class PagePatch(BodySchema):
    name: str | None = Field(None, max_length=landing.MAX_NAME)
    slug: str | None = Field(None, max_length=landing.MAX_SLUG)
    language: Language | None = None
    seo_title: str | None = Field(None, max_length=landing.MAX_SEO_TITLE)
    seo_description: str | None = Field(None, max_length=landing.MAX_SEO_DESCRIPTION)
    og_image: str | None = Field(None, max_length=2000)
    blocks: list[dict[str, Any]] | None = Field(
        None, max_length=MAX_BLOCKS, description=BLOCKS_HELP
    )


class PageOut(Schema):
    id: int
    name: str
    slug: str
    url: str = Field(description="The public address (answers 404 until published).")
    status: Literal["draft", "published"]
    changed_since_published: bool
    language: str
    seo_title: str
    seo_description: str
    og_image: str
    blocks: list[dict[str, Any]]
    published_blocks: list[dict[str, Any]]
    published_at: str | None
    visitors: int
    conversions: int
    conversion_rate: int | None = Field(description="Percent of visitors who sent a form.")
    created_at: str
    updated_at: str


class PageList(Schema):
    count: int
    items: list[PageOut]


class PageOrder(PageParams):
    order: Literal[
        "name",
        "-name",
        "slug",
        "-slug",
        "status",
        "-status",
        "visitors",
        "-visitors",
        "conversions",
        "-conversions",
        "rate",
        "-rate",
        "updated",
        "-updated",
    ] = "name"


def page_out(page: LandingPage) -> dict[str, Any]:
    figures = page_figures(page)
    return {
        "id": page.pk,
        "name": page.name,
        "slug": page.slug,
        "url": public_url(page),
        "status": "published" if page.is_published else "draft",
        "changed_since_published": page.has_changes,
        "language": page.language,
        "seo_title": page.seo_title,
        "seo_description": page.seo_description,
        "og_image": page.og_image,
        "blocks": page.blocks,
        "published_blocks": page.published_blocks,
        "published_at": page.published_at.isoformat() if page.published_at else None,
        "visitors": figures.visitors,
        "conversions": figures.conversions,
        "conversion_rate": figures.rate,
        "created_at": page.created_at.isoformat(),
        "updated_at": page.updated_at.isoformat(),
    }


def _fresh(request: AuthedRequest, page: LandingPage) -> dict[str, Any]:
    """The page as the list shows it, with its figures."""
    return page_out(selectors.page_get_for(request.auth, page.pk))


@router.get("/pages", response={200: PageList, **ERRORS}, summary="List landing pages")
def page_index(request: AuthedRequest, params: Query[PageOrder]) -> dict[str, Any]:
    return page_of(selectors.page_list(order=params.order), params, page_out)


@router.post("/pages", response={201: PageOut, **ERRORS}, summary="Make a landing page")
def page_post(request: AuthedRequest, payload: PageIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    page = landing.page_create(data=payload.model_dump(), by=request.auth)
    return Status(201, _fresh(request, page))


@router.get("/pages/{int:page_id}", response={200: PageOut, **ERRORS})
def page_get(request: AuthedRequest, page_id: int) -> dict[str, Any]:
    return page_out(selectors.page_get_for(request.auth, page_id))


@router.patch("/pages/{int:page_id}", response={200: PageOut, **ERRORS})
def page_patch(request: AuthedRequest, page_id: int, payload: PagePatch) -> dict[str, Any]:
    require_marketing(request.auth)
    page = selectors.page_get_for(request.auth, page_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return _fresh(request, landing.page_update(page=page, data=data, by=request.auth))


@router.post(
    "/pages/{int:page_id}/publish",
    response={200: PageOut, **ERRORS},
    summary="Publish the draft at /p/<slug>",
)
def page_publish(request: AuthedRequest, page_id: int) -> dict[str, Any]:
    require_marketing(request.auth)
    page = selectors.page_get_for(request.auth, page_id)
    return _fresh(request, landing.page_publish(page=page, by=request.auth))


@router.post("/pages/{int:page_id}/unpublish", response={200: PageOut, **ERRORS})
def page_unpublish(request: AuthedRequest, page_id: int) -> dict[str, Any]:
    require_marketing(request.auth)
    page = selectors.page_get_for(request.auth, page_id)
    return _fresh(request, landing.page_unpublish(page=page, by=request.auth))


@router.delete("/pages/{int:page_id}", response={204: None, **ERRORS})
def page_remove(request: AuthedRequest, page_id: int) -> Status[None]:
    require_marketing(request.auth)
    landing.page_delete(page=selectors.page_get_for(request.auth, page_id), by=request.auth)
    return Status(204, None)


class ImageOut(Schema):
    id: int
    name: str
    url: str = Field(description="Its public address, /p/img/<random>.<ext>, which never changes.")
    content_type: str
    size: int
    created_at: str


class ImageList(Schema):
    count: int
    items: list[ImageOut]


def image_out(image: PageImage) -> dict[str, Any]:
    return {
        "id": image.pk,
        "name": image.name,
        "url": images.image_url(image),
        "content_type": image.content_type,
        "size": image.size,
        "created_at": image.created_at.isoformat(),
    }


@router.get(
    "/pages/images", response={200: ImageList, **ERRORS}, summary="List pictures for image blocks"
)
def image_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.image_list(), params, image_out)


@router.post(
    "/pages/images",
    response={201: ImageOut, **ERRORS},
    summary="Upload a picture for image blocks (PNG, JPEG, WebP or GIF, at most 5 MB)",
)
def image_post(request: AuthedRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    image = images.image_create(file_name=file.name or "", data=file, by=request.auth)
    return Status(201, image_out(image))

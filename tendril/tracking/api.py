"""Sites in the REST API: ``/api/v1/sites``. A site's ``key`` is public (it goes in the page)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema, Status

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.tracking import selectors, services
from tendril.tracking.models import Site

router = Router(tags=["Sites"])


class SiteIn(BodySchema):
    name: str = Field(..., max_length=services.MAX_NAME)
    domains: list[str] = Field(
        ...,
        max_length=services.MAX_DOMAINS,
        description='Host names its pages are served from; "*.example.com" covers subdomains.',
    )
    internal_ips: list[str] = Field(
        default_factory=list,
        max_length=services.MAX_NETWORKS,
        description="Networks (CIDR) of the site's own people; their visits are not recorded.",
    )


class SitePatch(BodySchema):
    name: str | None = Field(None, max_length=services.MAX_NAME)
    domains: list[str] | None = Field(None, max_length=services.MAX_DOMAINS)
    internal_ips: list[str] | None = Field(None, max_length=services.MAX_NETWORKS)
    new_key: bool = Field(False, description="Replace the key; the old one stops at once.")


class SiteOut(Schema):
    id: int
    name: str
    domains: list[str]
    internal_ips: list[str]
    key: str = Field(description="Public: it only lets a page or SDK write this site's events.")
    created_at: str


class SiteList(Schema):
    count: int
    items: list[SiteOut]


def site_out(site: Site) -> dict[str, Any]:
    return {
        "id": site.pk,
        "name": site.name,
        "domains": site.domains,
        "internal_ips": site.internal_ips,
        "key": site.key,
        "created_at": site.created_at.isoformat(),
    }


@router.get("/sites", response={200: SiteList, **ERRORS}, summary="List the tracked sites")
def site_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.site_list(), params, site_out)


@router.post("/sites", response={201: SiteOut, **ERRORS}, summary="Add a site to track")
def site_post(request: AuthedRequest, payload: SiteIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    site = services.site_create(data=payload.model_dump(), by=request.auth)
    return Status(201, site_out(site))


@router.get("/sites/{int:site_id}", response={200: SiteOut, **ERRORS})
def site_get(request: AuthedRequest, site_id: int) -> dict[str, Any]:
    return site_out(selectors.site_get_for(request.auth, site_id))


@router.patch("/sites/{int:site_id}", response={200: SiteOut, **ERRORS})
def site_patch(request: AuthedRequest, site_id: int, payload: SitePatch) -> dict[str, Any]:
    require_marketing(request.auth)
    site = selectors.site_get_for(request.auth, site_id)
    return site_out(services.site_update(site=site, data=payload.model_dump(), by=request.auth))


@router.delete("/sites/{int:site_id}", response={204: None, **ERRORS})
def site_delete(request: AuthedRequest, site_id: int) -> Status[None]:
    require_marketing(request.auth)
    services.site_delete(site=selectors.site_get_for(request.auth, site_id), by=request.auth)
    return Status(204, None)

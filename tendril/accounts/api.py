"""``/api/v1/apikeys``, ``/api/v1/users``, ``/api/v1/audit`` and ``/api/v1/me``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from tendril.accounts import selectors
from tendril.accounts.auth import AuthedRequest, require_admin
from tendril.accounts.models import ApiKey, User
from tendril.accounts.services import apikey_create, apikey_revoke
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema

router = Router(tags=["accounts"])


class Error(Schema):
    detail: str
    field: str | None


ERRORS = {400: Error, 403: Error, 404: Error, 409: Error, 422: Error}


class ApiKeyIn(BodySchema):
    name: str = Field(..., max_length=100)
    role: Literal["admin", "marketer", "sales"]


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str
    role: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(..., description="The secret; shown once, never again")


class UserOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    is_active: bool


class AuditOut(Schema):
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]


class Me(Schema):
    kind: Literal["user", "apikey"]
    name: str
    role: str


@router.get("/me", response={200: Me}, summary="Who the caller is and with which role")
def me(request: AuthedRequest) -> dict[str, str]:
    caller = request.auth
    if isinstance(caller, ApiKey):
        return {"kind": "apikey", "name": caller.name, "role": caller.role}
    return {"kind": "user", "name": caller.email, "role": caller.role}


@router.get("/apikeys", response={200: list[ApiKeyOut], **ERRORS}, tags=["accounts"])
def apikey_index(request: AuthedRequest) -> list[ApiKey]:
    require_admin(request.auth)
    return list(selectors.apikey_list())


@router.post("/apikeys", response={201: ApiKeyCreated, **ERRORS})
def apikey_post(request: AuthedRequest, payload: ApiKeyIn) -> Status[dict[str, Any]]:
    require_admin(request.auth)
    key, secret = apikey_create(name=payload.name, role=payload.role, by=request.auth)
    return Status(201, {**ApiKeyOut.from_orm(key).model_dump(), "key": secret})


@router.delete("/apikeys/{int:key_id}", response={204: None, **ERRORS}, summary="Revoke a key")
def apikey_delete(request: AuthedRequest, key_id: int) -> Status[None]:
    require_admin(request.auth)
    apikey_revoke(key=selectors.apikey_get_for(request.auth, key_id), by=request.auth)
    return Status(204, None)


@router.get("/users", response={200: list[UserOut], **ERRORS})
def user_index(request: AuthedRequest) -> list[User]:
    require_admin(request.auth)
    return list(selectors.user_list().order_by("email"))


@router.get("/audit", response={200: dict[str, Any], **ERRORS}, summary="The audit log")
def audit_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    require_admin(request.auth)
    return page_of(
        selectors.audit_list(), params, lambda a: AuditOut.from_orm(a).model_dump(mode="json")
    )

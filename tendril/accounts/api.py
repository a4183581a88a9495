"""``/api/v1/apikeys``, ``/api/v1/users``, ``/api/v1/audit`` and ``/api/v1/me``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tendril.accounts import selectors
from tendril.accounts.auth import AuthedRequest, require_admin
from tendril.accounts.models import ApiKey, User
from tendril.accounts.services import apikey_create, apikey_revoke, user_preferences_set
from tendril.core.errors import Forbidden
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


Language = Literal["en", "vi", "th"]


class Me(Schema):
    kind: Literal["user", "apikey"]
    name: str
    role: str
    language: Language | None = Field(
        None, description="The language Tendril speaks to this user; null: the browser's"
    )
    time_zone: str | None = Field(
        None, description="IANA time zone of dates shown to this user; null: the workspace's"
    )


class MeIn(BodySchema):
    """Only the fields sent change; null goes back to the browser's language or the
    workspace's time zone."""

    language: str | None = None
    time_zone: str | None = None


def _me(caller: ApiKey | User) -> dict[str, Any]:
    if isinstance(caller, ApiKey):
        return {"kind": "apikey", "name": caller.name, "role": caller.role}
    return {
        "kind": "user",
        "name": caller.email,
        "role": caller.role,
        "language": caller.language or None,
        "time_zone": caller.time_zone or None,
    }


@router.get("/me", response={200: Me}, summary="Who the caller is, with which role and language")
def me(request: AuthedRequest) -> dict[str, Any]:
    return _me(request.auth)


@router.patch("/me", response={200: Me, **ERRORS}, summary="Set your language and time zone")
def me_patch(request: AuthedRequest, payload: MeIn) -> dict[str, Any]:
    caller = request.auth
    if not isinstance(caller, User):
        raise Forbidden(_("an API key has no language or time zone; sign in as a person"))
    sent = payload.model_fields_set
    user_preferences_set(
        user=caller,
        language=payload.language if "language" in sent else caller.language,
        time_zone=payload.time_zone if "time_zone" in sent else caller.time_zone,
    )
    return _me(caller)


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

"""``/api/v1/stages`` and ``/api/v1/stage-rules``: see ../shared/API.md.

Everyone reads the stages and the rules; admins and marketers write rules (the stages
themselves are arranged by admins on the Settings page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.stages import stage_rows
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.lifecycle import selectors
from tendril.lifecycle.models import StageRule
from tendril.lifecycle.services import (
    MAX_SCORE,
    stage_rule_apply,
    stage_rule_create,
    stage_rule_delete,
    stage_rule_update,
)

router = Router(tags=["Lifecycle"])

WHERE_HELP = (
    'For an event rule: conditions on the event\'s properties, e.g. {"amount": {"gte": 100}}; '
    "ops eq neq lt lte gt gte contains starts_with in exists."
)
TriggerName = Literal["score", "segment", "event"]


class Error(Schema):
    detail: str
    field: str | None


ERRORS = {400: Error, 403: Error, 404: Error, 409: Error, 422: Error}


class StageOut(Schema):
    key: str
    label: str
    position: int
    active: bool = Field(description="false: hidden, no longer offered (history still names it)")


class StageList(Schema):
    count: int
    items: list[StageOut]


class RuleIn(BodySchema):
    name: str = Field(..., max_length=200)
    stage: str = Field(..., max_length=32, description="The stage key contacts move to.")
    trigger: TriggerName
    score: int | None = Field(
        None, ge=-MAX_SCORE, le=MAX_SCORE, description="score: the score that moves the contact"
    )
    segment: int | None = Field(
        None, ge=1, le=2**62, description="segment: the segment whose entry moves the contact"
    )
    event: str | None = Field(None, max_length=80, description="event: an event type")
    where: dict[str, Any] | None = Field(None, description=WHERE_HELP)
    active: bool = True


class RulePatch(BodySchema):
    name: str | None = Field(None, max_length=200)
    stage: str | None = Field(None, max_length=32)
    trigger: TriggerName | None = None
    score: int | None = Field(None, ge=-MAX_SCORE, le=MAX_SCORE)
    segment: int | None = Field(None, ge=1, le=2**62)
    event: str | None = Field(None, max_length=80)
    where: dict[str, Any] | None = Field(None, description=WHERE_HELP)
    active: bool | None = None


class RuleOut(Schema):
    id: int
    name: str
    stage: str
    trigger: str
    score: int | None
    segment: int | None = Field(None, alias="segment_id")
    event: str
    where: dict[str, Any]
    active: bool
    created_at: datetime
    updated_at: datetime


class RuleList(Schema):
    count: int
    items: list[RuleOut]


@router.get(
    "/stages", response={200: StageList, **ERRORS}, summary="The lifecycle stages, in order"
)
def stages_index(request: AuthedRequest) -> dict[str, Any]:
    items = [
        {"key": row.key, "label": row.label, "position": rank, "active": row.active}
        for rank, row in enumerate(stage_rows())
    ]
    return {"count": len(items), "items": items}


@router.get("/stage-rules", response={200: RuleList, **ERRORS}, summary="List stage rules")
def rules_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.stage_rule_list(), params, lambda rule: rule)


@router.post("/stage-rules", response={201: RuleOut, **ERRORS}, summary="Add a stage rule")
def rule_post(request: AuthedRequest, payload: RuleIn) -> Status[StageRule]:
    require_marketing(request.auth)
    return Status(201, stage_rule_create(data=payload.model_dump(), by=request.auth))


@router.get("/stage-rules/{int:rule_id}", response={200: RuleOut, **ERRORS})
def rule_get(request: AuthedRequest, rule_id: int) -> StageRule:
    return selectors.stage_rule_get(rule_id)


@router.patch("/stage-rules/{int:rule_id}", response={200: RuleOut, **ERRORS})
def rule_patch(request: AuthedRequest, rule_id: int, payload: RulePatch) -> StageRule:
    require_marketing(request.auth)
    rule = selectors.stage_rule_get(rule_id)
    return stage_rule_update(
        rule=rule, data=payload.model_dump(exclude_unset=True), by=request.auth
    )


@router.post(
    "/stage-rules/{int:rule_id}/apply",
    response={202: None, **ERRORS},
    summary="Apply a stage rule to the contacts who meet it now (in the background)",
)
def rule_apply(request: AuthedRequest, rule_id: int) -> Status[None]:
    require_marketing(request.auth)
    stage_rule_apply(rule=selectors.stage_rule_get(rule_id), by=request.auth)
    return Status(202, None)


@router.delete("/stage-rules/{int:rule_id}", response={204: None, **ERRORS})
def rule_remove(request: AuthedRequest, rule_id: int) -> Status[None]:
    require_marketing(request.auth)
    stage_rule_delete(rule=selectors.stage_rule_get(rule_id), by=request.auth)
    return Status(204, None)

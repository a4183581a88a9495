"""``/api/v1/scoring`` and ``/api/v1/contacts/{id}/score``: see ../shared/API.md.

Admins and marketers write rules and settings; sales reps read them (and the scores of the
contacts they may see)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.selectors import contact_get_for, grade_for
from tendril.core.durations import duration_iso
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.scoring import selectors
from tendril.scoring.models import ScoreEntry, ScoringRule, ScoringSettings
from tendril.scoring.services import (
    MAX_CAP,
    MAX_POINTS,
    MAX_THRESHOLD,
    rule_create,
    rule_delete,
    rule_update,
    settings_update,
)

router = Router(tags=["scoring"])
# Mounted on /v1/contacts beside the contacts' own router: contacts cannot import scoring.
contact_score_router = Router(tags=["scoring"])

WHERE_HELP = (
    'Conditions on the event\'s properties, e.g. {"url": {"contains": "/pricing"}}; ops '
    "eq neq lt lte gt gte contains starts_with in exists."
)


class Error(Schema):
    detail: str
    field: str | None


ERRORS = {400: Error, 403: Error, 404: Error, 409: Error, 422: Error}


class RuleIn(BodySchema):
    name: str = Field(..., max_length=200)
    event: str = Field(..., max_length=80, description="An event type, e.g. page_view.")
    where: dict[str, Any] | None = Field(None, description=WHERE_HELP)
    points: int = Field(..., ge=-MAX_POINTS, le=MAX_POINTS, description="Not 0; may be negative.")
    max_per_contact: int | None = Field(
        None, ge=1, le=MAX_CAP, description="The most points this rule gives one contact."
    )
    active: bool = True


class RulePatch(BodySchema):
    name: str | None = Field(None, max_length=200)
    event: str | None = Field(None, max_length=80)
    where: dict[str, Any] | None = Field(None, description=WHERE_HELP)
    points: int | None = Field(None, ge=-MAX_POINTS, le=MAX_POINTS)
    max_per_contact: int | None = Field(None, ge=1, le=MAX_CAP)
    active: bool | None = None


class RuleOut(Schema):
    id: int
    name: str
    event: str
    where: dict[str, Any]
    points: int
    max_per_contact: int | None
    active: bool
    recounting: bool = Field(
        description="An edit changed what the rule gives and its past points are still being "
        "recounted in the background."
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_recounting(rule: ScoringRule) -> bool:
        return rule.rescore_due is not None


class RuleList(Schema):
    count: int
    items: list[RuleOut]


class DecayIn(BodySchema):
    points: int = Field(0, ge=0, le=MAX_POINTS)
    every: str | None = Field(None, max_length=40, description="ISO 8601 duration, e.g. P7D.")


class SettingsIn(BodySchema):
    hot: int = Field(..., ge=-MAX_THRESHOLD, le=MAX_THRESHOLD)
    warm: int = Field(..., ge=-MAX_THRESHOLD, le=MAX_THRESHOLD)
    decay: DecayIn | None = None


class DecayOut(Schema):
    points: int
    every: str | None


class SettingsOut(Schema):
    hot: int
    warm: int
    decay: DecayOut


class RuleRef(Schema):
    id: int | None = Field(description="null once the rule is deleted")
    name: str


class ScoreChange(Schema):
    points: int
    rule: RuleRef
    event_id: int | None
    at: datetime


class ScoreOut(Schema):
    score: int
    grade: str
    history: list[ScoreChange]


def settings_out(row: ScoringSettings) -> dict[str, Any]:
    every = duration_iso(row.decay_every) if row.decay_every else None
    return {
        "hot": row.hot,
        "warm": row.warm,
        "decay": {"points": row.decay_points, "every": every},
    }


def _change_out(entry: ScoreEntry) -> dict[str, Any]:
    return {
        "points": entry.points,
        "rule": {"id": entry.rule_id, "name": entry.rule_name},
        "event_id": entry.event_id,
        "at": entry.at,
    }


@router.get("/rules", response={200: RuleList, **ERRORS}, summary="List scoring rules")
def rules_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.rule_list(), params, lambda rule: rule)


@router.post("/rules", response={201: RuleOut, **ERRORS}, summary="Add a scoring rule")
def rule_post(request: AuthedRequest, payload: RuleIn) -> Status[ScoringRule]:
    require_marketing(request.auth)
    return Status(201, rule_create(data=payload.model_dump(), by=request.auth))


@router.get("/rules/{int:rule_id}", response={200: RuleOut, **ERRORS})
def rule_get(request: AuthedRequest, rule_id: int) -> ScoringRule:
    return selectors.rule_get(rule_id)


@router.patch("/rules/{int:rule_id}", response={200: RuleOut, **ERRORS})
def rule_patch(request: AuthedRequest, rule_id: int, payload: RulePatch) -> ScoringRule:
    require_marketing(request.auth)
    rule = selectors.rule_get(rule_id)
    return rule_update(rule=rule, data=payload.model_dump(exclude_unset=True), by=request.auth)


@router.delete("/rules/{int:rule_id}", response={204: None, **ERRORS})
def rule_remove(request: AuthedRequest, rule_id: int) -> Status[None]:
    require_marketing(request.auth)
    rule_delete(rule=selectors.rule_get(rule_id), by=request.auth)
    return Status(204, None)


@router.get("/settings", response={200: SettingsOut, **ERRORS}, summary="Grade thresholds, decay")
def settings_get(request: AuthedRequest) -> dict[str, Any]:
    return settings_out(selectors.scoring_settings())


@router.put("/settings", response={200: SettingsOut, **ERRORS})
def settings_put(request: AuthedRequest, payload: SettingsIn) -> dict[str, Any]:
    require_marketing(request.auth)
    decay = payload.decay or DecayIn(points=0, every=None)
    row = settings_update(
        hot=payload.hot,
        warm=payload.warm,
        decay_points=decay.points,
        decay_every=decay.every,
        by=request.auth,
    )
    return settings_out(row)


@contact_score_router.get(
    "/{int:contact_id}/score",
    response={200: ScoreOut, **ERRORS},
    summary="A contact's score, grade and the latest changes with their reasons",
)
def contact_score(request: AuthedRequest, contact_id: int) -> dict[str, Any]:
    contact = contact_get_for(request.auth, contact_id)
    return {
        "score": contact.score,
        "grade": grade_for(contact.score),
        "history": [_change_out(e) for e in selectors.score_history(contact_id=contact.pk)],
    }

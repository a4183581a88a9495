"""Personas and buying stages in the REST API: ``/api/v1/buying-stages`` (the dimensions),
``/api/v1/contacts/{id}/buying-stages`` (where a contact stands, and moving them) and
``/api/v1/personas``."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema, Status

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS
from tendril.contacts.selectors import contact_get_for
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.personas import selectors, services
from tendril.personas.models import BuyingStageDimension, ContactBuyingStage, Persona

router = Router(tags=["Personas"])


class StageOut(Schema):
    key: str = Field(description="Stable: what the API, events and segment filters use.")
    label: str = Field(description="In the caller's language while a preset stage is unrenamed.")
    description: str = Field(description="What the buyer thinks and does at this stage.")
    position: int


class DimensionOut(Schema):
    id: int
    name: str
    kind: str = Field(description="b2b, b2c or custom")
    preset: str = Field(description='"b2b" or "b2c" for the two built-in dimensions, else "".')
    stages: list[StageOut]


class DimensionList(Schema):
    count: int
    items: list[DimensionOut]


class ContactStageOut(Schema):
    dimension: int
    stage: str | None = Field(description="The stage's key; null when they stand nowhere.")
    label: str | None
    changed_at: str | None


class ContactStageIn(BodySchema):
    stage: str | None = Field(
        ..., max_length=50, description="A stage key of the dimension, or null to clear it."
    )


class ContactStageList(Schema):
    count: int
    items: list[ContactStageOut]


class PersonaIn(BodySchema):
    name: str = Field(..., max_length=services.MAX_NAME)
    description: str = Field("", max_length=services.MAX_TEXT)
    goals: list[str] = Field(
        default_factory=list, max_length=services.MAX_GOALS, description="Short texts."
    )
    dimension: int = Field(..., description="The buying-stage dimension they move through.")
    segments: list[int] = Field(
        default_factory=list,
        max_length=services.MAX_SEGMENTS,
        description="Ids of the segments that hold the contacts who fit this persona.",
    )


class PersonaPatch(BodySchema):
    name: str | None = Field(None, max_length=services.MAX_NAME)
    description: str | None = Field(None, max_length=services.MAX_TEXT)
    goals: list[str] | None = Field(None, max_length=services.MAX_GOALS)
    dimension: int | None = None
    segments: list[int] | None = Field(None, max_length=services.MAX_SEGMENTS)


class PersonaSegmentOut(Schema):
    id: int
    name: str
    count: int = Field(description="The segment's members now.")


class PersonaOut(Schema):
    id: int
    name: str
    description: str
    goals: list[str]
    dimension: int
    segments: list[PersonaSegmentOut]


class PersonaList(Schema):
    count: int
    items: list[PersonaOut]


def dimension_out(dimension: BuyingStageDimension) -> dict[str, Any]:
    return {
        "id": dimension.pk,
        "name": dimension.display_name,
        "kind": dimension.kind,
        "preset": dimension.preset,
        "stages": [
            {
                "key": stage.key,
                "label": stage.display_label,
                "description": stage.display_description,
                "position": stage.position,
            }
            for stage in dimension.stages.all()
        ],
    }


def contact_stage_out(dimension_id: int, row: ContactBuyingStage | None) -> dict[str, Any]:
    return {
        "dimension": dimension_id,
        "stage": row.stage.key if row else None,
        "label": row.stage.display_label if row else None,
        "changed_at": row.changed_at.isoformat() if row else None,
    }


def persona_out(persona: Persona) -> dict[str, Any]:
    return {
        "id": persona.pk,
        "name": persona.name,
        "description": persona.description,
        "goals": persona.goals,
        "dimension": persona.dimension_id,
        "segments": [
            {"id": s.pk, "name": s.name, "count": s.member_count}  # type: ignore[attr-defined]
            for s in persona.segments.all()
        ],
    }


@router.get(
    "/buying-stages",
    response={200: DimensionList, **ERRORS},
    summary="List the buying-stage dimensions and their stages",
)
def dimension_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.dimension_list(), params, dimension_out)


@router.get(
    "/contacts/{int:contact_id}/buying-stages",
    response={200: ContactStageList, **ERRORS},
    summary="Where a contact stands on each buying-stage dimension",
)
def contact_stages(request: AuthedRequest, contact_id: int) -> dict[str, Any]:
    contact = contact_get_for(request.auth, contact_id)
    placed = selectors.contact_buying_stages(contact_id=contact.pk)
    items = [contact_stage_out(d.pk, placed.get(d.pk)) for d in selectors.dimension_list()]
    return {"count": len(items), "items": items}


@router.put(
    "/contacts/{int:contact_id}/buying-stages/{int:dimension_id}",
    response={200: ContactStageOut, **ERRORS},
    summary="Set (or clear) a contact's stage on one dimension",
)
def contact_stage_put(
    request: AuthedRequest, contact_id: int, dimension_id: int, payload: ContactStageIn
) -> dict[str, Any]:
    contact = contact_get_for(request.auth, contact_id)
    dimension = selectors.dimension_get_for(request.auth, dimension_id)
    row = services.contact_buying_stage_set(
        contact=contact, dimension=dimension, stage=payload.stage, by=request.auth
    )
    return contact_stage_out(dimension.pk, row)


@router.get("/personas", response={200: PersonaList, **ERRORS}, summary="List personas")
def persona_index(request: AuthedRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(selectors.persona_list(), params, persona_out)


@router.post("/personas", response={201: PersonaOut, **ERRORS}, summary="Describe a persona")
def persona_post(request: AuthedRequest, payload: PersonaIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    persona = services.persona_create(data=payload.model_dump(), by=request.auth)
    return Status(201, persona_out(selectors.persona_get_for(request.auth, persona.pk)))


@router.get("/personas/{int:persona_id}", response={200: PersonaOut, **ERRORS})
def persona_get(request: AuthedRequest, persona_id: int) -> dict[str, Any]:
    return persona_out(selectors.persona_get_for(request.auth, persona_id))


@router.patch("/personas/{int:persona_id}", response={200: PersonaOut, **ERRORS})
def persona_patch(request: AuthedRequest, persona_id: int, payload: PersonaPatch) -> dict[str, Any]:
    require_marketing(request.auth)
    persona = selectors.persona_get_for(request.auth, persona_id)
    services.persona_update(
        persona=persona, data=payload.model_dump(exclude_unset=True), by=request.auth
    )
    return persona_out(selectors.persona_get_for(request.auth, persona_id))


@router.delete("/personas/{int:persona_id}", response={204: None, **ERRORS})
def persona_remove(request: AuthedRequest, persona_id: int) -> Status[None]:
    require_marketing(request.auth)
    services.persona_delete(
        persona=selectors.persona_get_for(request.auth, persona_id), by=request.auth
    )
    return Status(204, None)

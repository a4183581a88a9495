"""Reads of personas and buying stages: the dimensions with their stages, where a contact
stands, the personas with their segments' member counts, and how many of a persona's people
stand at each stage of its dimension."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.contacts.models import Contact
from tendril.core.errors import first_or_not_found
from tendril.personas.models import BuyingStage, BuyingStageDimension, ContactBuyingStage, Persona
from tendril.segments.models import Segment, SegmentMember


def dimension_list() -> QuerySet[BuyingStageDimension]:
    """Every dimension, oldest first (the presets lead), with its stages in order."""
    stages = BuyingStage.objects.select_related("dimension").order_by("position", "pk")
    return BuyingStageDimension.objects.prefetch_related(Prefetch("stages", queryset=stages))


def dimension_get_for(viewer: Caller, dimension_id: int) -> BuyingStageDimension:
    """A dimension with its stages; 404 otherwise (every role sees every dimension)."""
    return first_or_not_found(
        dimension_list().filter(pk=dimension_id),
        _("There is no buying-stage dimension %(id)s.") % {"id": dimension_id},
    )


def stage_get_for(viewer: Caller, dimension_id: int, stage_id: int) -> BuyingStage:
    return first_or_not_found(
        BuyingStage.objects.select_related("dimension").filter(
            pk=stage_id, dimension_id=dimension_id
        ),
        _("There is no stage %(id)s.") % {"id": stage_id},
    )


def contact_buying_stages(*, contact_id: int) -> dict[int, ContactBuyingStage]:
    """Where the contact stands, by dimension id (dimensions they stand nowhere on are absent)."""
    rows = ContactBuyingStage.objects.filter(contact_id=contact_id).select_related(
        "stage__dimension"
    )
    return {row.dimension_id: row for row in rows}


def persona_list(*, q: str | None = None) -> QuerySet[Persona]:
    """Every persona by name, with its dimension and its segments (each with
    ``member_count``); ``q`` keeps those whose name has it."""
    segments = Segment.objects.annotate(member_count=Count("members")).order_by("name", "pk")
    personas = Persona.objects.select_related("dimension", "created_by").prefetch_related(
        Prefetch("segments", queryset=segments)
    )
    return personas.filter(name__icontains=q) if q else personas


def persona_get_for(viewer: Caller, persona_id: int) -> Persona:
    """A persona with its dimension and segments; 404 otherwise (every role sees them all)."""
    return first_or_not_found(
        persona_list().filter(pk=persona_id),
        _("There is no persona %(id)s.") % {"id": persona_id},
    )


@dataclass(frozen=True)
class StageCount:
    stage: BuyingStage
    contacts: int


@dataclass(frozen=True)
class PersonaStages:
    """The persona's people (the contacts in any of its segments, each once) along its
    dimension: how many stand at each stage, and how many stand nowhere on it yet."""

    people: int
    stages: list[StageCount]
    unplaced: int


def persona_stages(*, persona: Persona) -> PersonaStages:
    """Three grouped reads, whatever the number of segments or stages."""
    members = SegmentMember.objects.filter(segment__personas=persona).values("contact_id")
    people = Contact.objects.filter(pk__in=members).count()
    counts = dict(
        ContactBuyingStage.objects.filter(dimension_id=persona.dimension_id, contact_id__in=members)
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    stages = list(
        BuyingStage.objects.select_related("dimension")
        .filter(dimension_id=persona.dimension_id)
        .order_by("position", "pk")
    )
    placed = sum(counts.values())
    return PersonaStages(
        people=people,
        stages=[StageCount(stage, counts.get(stage.pk, 0)) for stage in stages],
        unplaced=people - placed,
    )

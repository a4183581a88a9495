"""The demo's personas and buying stages: a B2B persona (an IT manager at a small company in
Ho Chi Minh City) and a B2C one (a young shopper in Bangkok), tied to the demo's segments, and
their people spread along the stages, so the persona pages show a living chart."""

from __future__ import annotations

import random
from collections.abc import Sequence

from tendril.contacts.models import Contact
from tendril.core.demo import DemoContext, demo_step
from tendril.core.models import EventSource
from tendril.core.services import events_record
from tendril.personas.events import BUYING_STAGE_CHANGED
from tendril.personas.models import BuyingStage, BuyingStageDimension, ContactBuyingStage, Persona
from tendril.personas.presets import B2B, B2C
from tendril.personas.services import change_properties, persona_create, presets_ensure
from tendril.segments.models import Segment, SegmentMember

DEMO_PERSONAS = (
    {
        "name": "Minh, IT manager at an SME in Ho Chi Minh City",
        "description": (
            "Runs IT for a manufacturer of 60 people in Binh Duong, near Ho Chi Minh City. "
            "Looks for answers on the web and in webinars before talking to any vendor; the "
            "director signs off every purchase."
        ),
        "goals": [
            "Fewer outages on the factory floor",
            "A budget the director approves",
            "Tools the small team can run alone",
        ],
        "preset": B2B,
        "segments": (
            "Companies with fewer than 100 employees",
            "Viewed the pricing page in the past 30 days",
        ),
    },
    {
        "name": "Ploy, young shopper in Bangkok",
        "description": (
            "26, works in an office in Sukhumvit and shops on her phone in the evening. "
            "Follows brands on social media, waits for coupons, and writes reviews when "
            "she is happy."
        ),
        "goals": ["Good deals and coupons", "Fast delivery", "Products friends recommend"],
        "preset": B2C,
        "segments": ("Hot leads", "Downloaded an ebook in the past week"),
    },
)


def _spread(
    rng: random.Random, contacts: Sequence[Contact], stages: Sequence[BuyingStage]
) -> dict[int, BuyingStage]:
    """Most people early in the journey, fewer further on, the higher scores further along:
    a funnel's shape. About one in five is left unplaced (nobody has looked at them yet)."""
    placed: dict[int, BuyingStage] = {}
    top = max((c.score for c in contacts), default=0) or 1
    for contact in contacts:
        if rng.random() < 0.2:
            continue
        lean = contact.score / top
        index = int(min(len(stages) - 1, rng.betavariate(1.2, 3.0 - 1.8 * lean) * len(stages)))
        placed[contact.pk] = stages[index]
    return placed


def _place(
    context: DemoContext, dimension: BuyingStageDimension, segments: Sequence[Segment]
) -> int:
    members = SegmentMember.objects.filter(segment__in=segments).values("contact_id")
    contacts = list(Contact.objects.filter(pk__in=members).order_by("pk"))
    already = set(
        ContactBuyingStage.objects.filter(dimension=dimension).values_list("contact_id", flat=True)
    )
    stages = list(dimension.stages.select_related("dimension").order_by("position"))
    placed = _spread(context.rng, [c for c in contacts if c.pk not in already], stages)
    now = context.now
    ContactBuyingStage.objects.bulk_create(
        ContactBuyingStage(contact_id=pk, dimension=dimension, stage=stage, changed_at=now)
        for pk, stage in placed.items()
    )
    events_record(
        (
            (
                pk,
                BUYING_STAGE_CHANGED,
                change_properties(
                    dimension=dimension,
                    before=None,
                    after=stage,
                    method=EventSource.DEMO,
                    by=None,
                ),
            )
            for pk, stage in placed.items()
        )
    )
    return len(placed)


@demo_step("personas", order=50)
def personas_demo(context: DemoContext) -> dict[str, int]:
    """After segments (order 40): the personas' people are the segments' members."""
    presets_ensure()
    made = placed = 0
    for spec in DEMO_PERSONAS:
        if Persona.objects.filter(name=spec["name"]).exists():
            continue
        dimension = BuyingStageDimension.objects.get(preset=spec["preset"])
        segments = list(Segment.objects.filter(name__in=spec["segments"]).order_by("pk"))
        persona_create(
            data={
                "name": spec["name"],
                "description": spec["description"],
                "goals": list(spec["goals"]),
                "dimension": dimension.pk,
                "segments": [s.pk for s in segments],
            },
            by=None,
        )
        made += 1
        placed += _place(context, dimension, segments)
    context.say(f"personas {made:,}, contacts at a buying stage {placed:,}")
    return {"personas": made, "buying_stages": placed}

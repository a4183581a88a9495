"""The demo's personas: one B2B, one B2C, tied to the demo's segments, their people spread
along the stages so each persona page's chart has something to show."""

from __future__ import annotations

import pytest

from tendril.core.models import Event
from tendril.demo import demo_load
from tendril.personas.demo import DEMO_PERSONAS
from tendril.personas.models import ContactBuyingStage, Persona
from tendril.personas.selectors import persona_stages

pytestmark = pytest.mark.django_db


def test_demo_personas_are_tied_to_segments_and_their_people_stand_along_the_stages() -> None:
    summary = demo_load(contacts=200, companies=30, days=30)
    assert summary["personas"] == len(DEMO_PERSONAS) == Persona.objects.count()
    kinds = set()
    for persona in Persona.objects.all():
        kinds.add(persona.dimension.kind)
        assert persona.segments.count() == 2 and persona.goals
        along = persona_stages(persona=persona)
        assert along.people > 0 and sum(row.contacts for row in along.stages) > 0
    assert kinds == {"b2b", "b2c"}
    placed = ContactBuyingStage.objects.count()
    assert placed == summary["buying_stages"]
    assert Event.objects.filter(type="buying_stage_changed").count() == placed

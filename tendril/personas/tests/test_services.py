"""Buying-stage dimensions, a contact's stage on them, and personas, through their services."""

from __future__ import annotations

import pytest
from django.utils import translation

from tendril.accounts.models import AuditEntry
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.events import describe
from tendril.core.models import Event
from tendril.personas import selectors, services
from tendril.personas.models import BuyingStage, BuyingStageDimension, ContactBuyingStage
from tendril.segments.services import segment_add_contacts, segment_create

pytestmark = pytest.mark.django_db


def labels(dimension: BuyingStageDimension) -> list[str]:
    return [s.display_label for s in dimension.stages.order_by("position")]


def test_presets_carry_the_missions_eight_b2b_stages_and_the_b2c_funnel(
    b2b: BuyingStageDimension, b2c: BuyingStageDimension
) -> None:
    assert labels(b2b) == [
        "Unaware",
        "Problem recognised",
        "Need grows",
        "Searching",
        "Requirements document",
        "Internal decision",
        "Vendor selection",
        "Purchase",
    ]
    assert labels(b2c) == ["First contact", "Conversion", "Evaluation", "Advocacy"]
    assert b2b.display_name == "B2B buying journey" and b2c.kind == "b2c"


def test_unrenamed_presets_read_in_the_readers_language_and_renamed_ones_as_written(
    b2b: BuyingStageDimension,
) -> None:
    with translation.override("vi"):
        assert labels(b2b)[0] != "Unaware"
    stage = b2b.stages.get(key="unaware")
    services.stage_update(stage=stage, label="Chưa biết gì", description="", by=None)
    with translation.override("th"):
        assert labels(b2b)[0] == "Chưa biết gì"
        # Its built-in description is kept, translated, while nobody wrote another.
        assert b2b.stages.get(key="unaware").display_description != ""


def test_stages_are_added_moved_and_an_unused_one_removed(b2c: BuyingStageDimension) -> None:
    added = services.stage_add(dimension=b2c, label="Đánh giá lại", description="", by=None)
    assert added.key == "danh-gia-lai" and labels(b2c)[-1] == "Đánh giá lại"
    services.stage_move(stage=added, step=-1, by=None)
    assert labels(b2c)[-2:] == ["Đánh giá lại", "Advocacy"]
    with pytest.raises(Conflict):
        services.stage_add(dimension=b2c, label="conversion", by=None)
    services.stage_remove(stage=added, by=None)
    assert labels(b2c) == ["First contact", "Conversion", "Evaluation", "Advocacy"]
    assert AuditEntry.objects.filter(action="buying_stage.remove").count() == 1


def test_a_stage_someone_stands_at_cannot_be_removed(b2c: BuyingStageDimension) -> None:
    contact = ContactFactory()
    services.contact_buying_stage_set(contact=contact, dimension=b2c, stage="conversion", by=None)
    with pytest.raises(Conflict, match="1 contacts"):
        services.stage_remove(stage=b2c.stages.get(key="conversion"), by=None)
    assert b2c.stages.filter(key="conversion").exists()


def test_moving_a_contact_records_one_event_with_from_to_and_who(
    b2b: BuyingStageDimension, marketer: object
) -> None:
    contact = ContactFactory()
    set_ = services.contact_buying_stage_set
    set_(contact=contact, dimension=b2b, stage="searching", by=marketer, method="ui")
    set_(contact=contact, dimension=b2b, stage="searching", by=marketer, method="ui")
    set_(contact=contact, dimension=b2b, stage="purchase", by=None, method="api")
    events = list(Event.objects.filter(type="buying_stage_changed").order_by("id"))
    assert [(e.properties["from"], e.properties["to"]) for e in events] == [
        (None, "searching"),
        ("searching", "purchase"),
    ]
    assert events[0].properties["actor"]["name"] == "Marketer"
    assert events[0].properties["dimension"] == b2b.pk
    assert describe(events[0].type, events[0].properties) == (
        "Marketer set the buying stage on B2B buying journey to Searching"
    )
    with translation.override("vi"):
        assert "Searching" not in describe(events[0].type, events[0].properties)
    row = ContactBuyingStage.objects.get(contact=contact)
    assert row.stage.key == "purchase"


def test_a_contact_stands_at_one_stage_per_dimension_and_can_be_cleared(
    b2b: BuyingStageDimension, b2c: BuyingStageDimension
) -> None:
    contact = ContactFactory()
    set_ = services.contact_buying_stage_set
    set_(contact=contact, dimension=b2b, stage="unaware", by=None)
    set_(contact=contact, dimension=b2c, stage="advocacy", by=None)
    set_(contact=contact, dimension=b2b, stage="need_grows", by=None)
    placed = selectors.contact_buying_stages(contact_id=contact.pk)
    assert {d: row.stage.key for d, row in placed.items()} == {
        b2b.pk: "need_grows",
        b2c.pk: "advocacy",
    }
    assert set_(contact=contact, dimension=b2b, stage=None, by=None) is None
    assert ContactBuyingStage.objects.filter(contact=contact).count() == 1
    last = Event.objects.filter(type="buying_stage_changed").latest("id")
    assert describe(last.type, last.properties) == (
        "The buying stage on B2B buying journey was cleared"
    )


def test_an_unknown_stage_is_refused_naming_the_known_keys(b2c: BuyingStageDimension) -> None:
    with pytest.raises(InvalidInput, match="first_contact, conversion") as caught:
        services.contact_buying_stage_set(
            contact=ContactFactory(), dimension=b2c, stage="purchase", by=None
        )
    assert caught.value.field == "stage"


def test_a_persona_counts_its_segments_people_at_each_stage_once(
    b2b: BuyingStageDimension,
) -> None:
    a, b, c, outsider = ContactFactory.create_batch(4)
    first = segment_create(name="IT managers", static=True, by=None)
    second = segment_create(name="SMEs in HCMC", static=True, by=None)
    segment_add_contacts(segment=first, ids=[a.pk, b.pk], by=None)
    segment_add_contacts(segment=second, ids=[b.pk, c.pk], by=None)
    for contact, stage in ((a, "searching"), (b, "searching"), (outsider, "searching")):
        services.contact_buying_stage_set(contact=contact, dimension=b2b, stage=stage, by=None)
    persona = services.persona_create(
        data={
            "name": "Minh, IT manager",
            "goals": ["Cut costs", "  ", "Fewer outages"],
            "dimension": b2b.pk,
            "segments": [first.pk, second.pk],
        },
        by=None,
    )
    assert persona.goals == ["Cut costs", "Fewer outages"]
    along = selectors.persona_stages(persona=selectors.persona_get_for(None, persona.pk))
    counts = {row.stage.key: row.contacts for row in along.stages}
    assert along.people == 3 and counts["searching"] == 2 and along.unplaced == 1
    assert sum(counts.values()) == 2


def test_persona_input_is_checked_field_by_field(b2b: BuyingStageDimension) -> None:
    services.persona_create(data={"name": "Linh", "dimension": b2b.pk}, by=None)
    bad = [
        ({"name": "", "dimension": b2b.pk}, "name"),
        ({"name": "linh", "dimension": b2b.pk}, "name"),
        ({"name": "X", "dimension": 999_999}, "dimension"),
        ({"name": "X", "dimension": b2b.pk, "segments": [424242]}, "segments"),
        ({"name": "X", "dimension": b2b.pk, "goals": "not a list"}, "goals"),
        ({"name": "X", "dimension": b2b.pk, "goals": ["g"] * 21}, "goals"),
        ({"name": "X\x00", "dimension": b2b.pk}, "name"),
    ]
    for data, field in bad:
        with pytest.raises((InvalidInput, Conflict)) as caught:
            services.persona_create(data=data, by=None)
        assert caught.value.field == field, data


def test_deleting_a_persona_is_audited_and_keeps_its_segments(
    b2b: BuyingStageDimension, marketer: object
) -> None:
    segment = segment_create(name="Shoppers", static=True, by=None)
    persona = services.persona_create(
        data={"name": "Ploy", "dimension": b2b.pk, "segments": [segment.pk]}, by=None
    )
    services.persona_delete(persona=persona, by=marketer)  # type: ignore[arg-type]
    entry = AuditEntry.objects.get(action="persona.delete")
    assert entry.detail["name"] == "Ploy" and entry.detail["segments"] == [segment.pk]
    assert segment.__class__.objects.filter(pk=segment.pk).exists()


def test_a_custom_dimension_is_created_and_renamed(b2b: BuyingStageDimension) -> None:
    dimension = services.dimension_create(name="Renewal", kind="custom", by=None)
    services.stage_add(dimension=dimension, label="ต่ออายุ", by=None)
    assert BuyingStage.objects.get(dimension=dimension).key == "stage"
    with pytest.raises(Conflict):
        services.dimension_rename(dimension=dimension, name="b2b buying journey", by=None)
    services.dimension_rename(dimension=b2b, name="Hành trình B2B", by=None)
    with translation.override("th"):
        assert BuyingStageDimension.objects.get(pk=b2b.pk).display_name == "Hành trình B2B"
    # Given back its built-in name in a reader's language, it is translated again.
    with translation.override("vi"):
        services.dimension_rename(dimension=b2b, name="Hành trình mua hàng B2B", by=None)
    assert BuyingStageDimension.objects.get(pk=b2b.pk).display_name == "B2B buying journey"


def test_missing_preset_dimensions_come_back_once_with_their_stages() -> None:
    BuyingStageDimension.objects.all().delete()  # as a test database flush leaves it

    services.presets_ensure()
    services.presets_ensure()

    presets = BuyingStageDimension.objects.exclude(preset="").order_by("preset")
    assert [d.preset for d in presets] == ["b2b", "b2c"]
    assert [BuyingStage.objects.filter(dimension=d).count() for d in presets] == [8, 4]

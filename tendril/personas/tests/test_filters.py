"""Segments filter on buying stages (``buying_stage.<dimension id>``), and their members follow
the contacts' moves through the segments consumer."""

from __future__ import annotations

import pytest

from tendril.contacts.tests.factories import ContactFactory
from tendril.core.consumers import consumer_try_one
from tendril.core.errors import InvalidInput
from tendril.personas.models import BuyingStageDimension
from tendril.personas.services import contact_buying_stage_set
from tendril.segments.builder import catalogue
from tendril.segments.consumers import CONSUMER
from tendril.segments.describe import describe
from tendril.segments.dsl import filter_contacts
from tendril.segments.models import SegmentMember
from tendril.segments.services import segment_create

pytestmark = pytest.mark.django_db


def ids(filter: dict[str, object]) -> set[int]:
    return set(filter_contacts(filter).values_list("pk", flat=True))


def test_a_filter_matches_contacts_by_their_stage_on_one_dimension(
    b2b: BuyingStageDimension, b2c: BuyingStageDimension
) -> None:
    searching, buying, shopper, nowhere = ContactFactory.create_batch(4)
    for contact, dimension, stage in (
        (searching, b2b, "searching"),
        (buying, b2b, "purchase"),
        (shopper, b2c, "advocacy"),
    ):
        contact_buying_stage_set(contact=contact, dimension=dimension, stage=stage, by=None)
    field = f"buying_stage.{b2b.pk}"
    assert ids({"field": field, "op": "eq", "value": "searching"}) == {searching.pk}
    assert ids({"field": field, "op": "in", "value": ["searching", "purchase"]}) == {
        searching.pk,
        buying.pk,
    }
    assert ids({"field": field, "op": "neq", "value": "purchase"}) == {
        searching.pk,
        shopper.pk,
        nowhere.pk,
    }
    assert ids({"field": field, "op": "exists", "value": False}) == {shopper.pk, nowhere.pk}


def test_bad_buying_stage_conditions_name_their_path(b2b: BuyingStageDimension) -> None:
    cases = [
        ({"field": "buying_stage.999999", "op": "eq", "value": "x"}, "all[0].field"),
        ({"field": "buying_stage.abc", "op": "eq", "value": "x"}, "all[0].field"),
        ({"field": f"buying_stage.{b2b.pk}", "op": "gt", "value": "x"}, "all[0].op"),
        ({"field": f"buying_stage.{b2b.pk}", "op": "eq", "value": "nope"}, "all[0].value"),
        ({"field": f"buying_stage.{b2b.pk}", "op": "in", "value": []}, "all[0].value"),
        ({"field": f"buying_stage.{b2b.pk}", "op": "exists", "value": "yes"}, "all[0].value"),
    ]
    for condition, path in cases:
        with pytest.raises(InvalidInput) as caught:
            filter_contacts({"all": [condition]})
        assert caught.value.field == path, condition


def test_a_segment_on_a_buying_stage_follows_the_moves(b2c: BuyingStageDimension) -> None:
    ploy = ContactFactory()
    segment = segment_create(
        name="Advocates",
        filter={"field": f"buying_stage.{b2c.pk}", "op": "eq", "value": "advocacy"},
        by=None,
    )
    while consumer_try_one(CONSUMER):
        pass
    contact_buying_stage_set(contact=ploy, dimension=b2c, stage="advocacy", by=None)
    while consumer_try_one(CONSUMER):
        pass
    assert SegmentMember.objects.filter(segment=segment, contact_id=ploy.pk).exists()
    contact_buying_stage_set(contact=ploy, dimension=b2c, stage="evaluation", by=None)
    while consumer_try_one(CONSUMER):
        pass
    assert not SegmentMember.objects.filter(segment=segment, contact_id=ploy.pk).exists()


def test_a_buying_stage_condition_reads_in_words(b2b: BuyingStageDimension) -> None:
    field = f"buying_stage.{b2b.pk}"
    words = describe({"field": field, "op": "in", "value": ["searching", "purchase"]})
    assert "B2B buying journey" in words and "Searching" in words and "Purchase" in words
    assert "buying_stage" not in words


def test_the_segment_builder_offers_each_dimension_with_its_stages(
    b2b: BuyingStageDimension,
) -> None:
    offered = {f["value"]: f for f in catalogue()["fields"]}
    field = offered[f"buying_stage.{b2b.pk}"]
    assert field["label"] == "B2B buying journey" and field["kind"] == "choice"
    assert field["ops"] == ["eq", "neq", "in", "exists"]
    assert field["choices"][0] == ["unaware", "Unaware"] and len(field["choices"]) == 8

"""The demo's segments are the mission's examples, alive with members on the first start."""

from __future__ import annotations

import pytest

from tendril.contacts.models import Contact
from tendril.demo import demo_load
from tendril.segments.demo import DEMO_SEGMENTS, VIP_LIST
from tendril.segments.dsl import filter_contacts
from tendril.segments.models import Segment, SegmentMember

pytestmark = pytest.mark.django_db


def test_demo_segments_have_exactly_the_members_their_filters_match() -> None:
    summary = demo_load(contacts=200, companies=30, days=30)
    assert summary["segments"] == len(DEMO_SEGMENTS) + 1
    filled = 0
    for segment in Segment.objects.filter(static=False):
        members = set(
            SegmentMember.objects.filter(segment=segment).values_list("contact_id", flat=True)
        )
        assert members == set(filter_contacts(segment.filter).values_list("pk", flat=True))
        filled += bool(members)
    assert filled >= len(DEMO_SEGMENTS) - 1  # a small demo may leave one rare segment empty
    small = Segment.objects.get(name="Companies with fewer than 100 employees")
    ids = SegmentMember.objects.filter(segment=small).values_list("contact_id", flat=True)
    employees = set(Contact.objects.filter(pk__in=ids).values_list("company__employees", flat=True))
    assert employees and all(n is not None and n < 100 for n in employees)


def test_the_demo_vip_list_holds_the_top_scored_contacts() -> None:
    demo_load(contacts=200, companies=30, days=30)
    vip = Segment.objects.get(name=VIP_LIST)
    members = set(SegmentMember.objects.filter(segment=vip).values_list("contact_id", flat=True))
    top = set(Contact.objects.order_by("-score", "pk").values_list("pk", flat=True)[:12])
    assert vip.static and members == top

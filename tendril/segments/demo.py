"""The demo's segments: the mission's examples, filled from the demo's people and events, and a
hand-kept list, so the Segments screen shows living lists from the first start."""

from __future__ import annotations

from typing import Any

from tendril.contacts.models import Contact
from tendril.core.demo import DemoContext, demo_step
from tendril.segments.models import Segment
from tendril.segments.services import segment_add_contacts, segment_create

DEMO_SEGMENTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Downloaded an ebook in the past week", {"event": "asset_downloaded", "within": "P7D"}),
    (
        "Viewed the pricing page in the past 30 days",
        {"event": "page_view", "where": {"url": {"contains": "/pricing"}}, "within": "P30D"},
    ),
    (
        "Companies with fewer than 100 employees",
        {"field": "company.employees", "op": "lt", "value": 100},
    ),
    ("Hot leads", {"field": "grade", "op": "eq", "value": "hot"}),
    (
        "Frequent visitors who attended a webinar",
        {
            "all": [
                {"event": "page_view", "within": "P30D", "count": {"gt": 10}},
                {"event": "custom:webinar_attended"},
            ]
        },
    ),
)
VIP_LIST = "VIP accounts"


@demo_step("segments", order=40)
def segments_demo(context: DemoContext) -> dict[str, int]:
    """After scoring (order 30), so grades are the ledger's."""
    made = 0
    for name, filter in DEMO_SEGMENTS:
        if not Segment.objects.filter(name=name).exists():
            segment_create(name=name, filter=filter, by=None)
            made += 1
    if not Segment.objects.filter(name=VIP_LIST).exists():
        vip = segment_create(name=VIP_LIST, static=True, by=None)
        top = Contact.objects.order_by("-score", "pk").values_list("pk", flat=True)[:12]
        segment_add_contacts(segment=vip, ids=list(top), by=None)
        made += 1
    context.say(f"segments {made:,}")
    return {"segments": made}

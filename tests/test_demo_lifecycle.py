"""The demo's stage rules promote its contacts through the lifecycle consumer, and say so."""

from __future__ import annotations

import pytest

from tendril.contacts.models import Contact
from tendril.contacts.stages import stage_positions
from tendril.core.models import Event
from tendril.demo import demo_load
from tendril.lifecycle.models import StageRule

pytestmark = pytest.mark.django_db


def test_demo_rules_promote_hot_scorers_buyers_and_ebook_readers() -> None:
    summary = demo_load(contacts=200, companies=30, days=30)

    assert summary["stage_rules"] == 4 == StageRule.objects.count()
    assert summary["promoted"] > 0
    rank = stage_positions()
    for stage in Contact.objects.filter(score__gte=10).values_list("stage", flat=True):
        assert rank[stage] >= rank["mql"]
    buyers = Event.objects.filter(type="purchase").values("contact_id")
    assert set(Contact.objects.filter(pk__in=buyers).values_list("stage", flat=True)) <= {
        "customer",
        "evangelist",
    }
    by_rules = Event.objects.filter(type="stage_changed", properties__by="rule")
    assert "Ebook readers are leads" in {e.properties["actor"]["name"] for e in by_rules}
    readers = Event.objects.filter(type="asset_downloaded").values("contact_id")
    assert not Contact.objects.filter(pk__in=readers, stage="subscriber").exists()

"""The demo's scores come from the mission's rules, through the ledger."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from tendril.contacts.models import Contact
from tendril.demo import demo_load
from tendril.scoring.models import ScoreEntry, ScoringRule

pytestmark = pytest.mark.django_db


def test_demo_scores_are_the_ledger_of_the_mission_rules() -> None:
    summary = demo_load(contacts=200, companies=30, days=30)
    assert summary["scoring_rules"] == 3
    assert set(ScoringRule.objects.values_list("event", "points")) == {
        ("page_view", 1),
        ("asset_downloaded", 4),
        ("email_opened", 2),
    }
    ledger = dict(
        ScoreEntry.objects.values("contact_id")
        .annotate(total=Sum("points"))
        .values_list("contact_id", "total")
    )
    assert ledger
    for contact_id, score in Contact.objects.values_list("pk", "score"):
        assert score == ledger.get(contact_id, 0)
    assert Contact.objects.filter(score__gte=10).exists()

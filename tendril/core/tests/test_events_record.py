"""Many facts Tendril observed are recorded at once, each as its own event at the same moment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tendril.core.models import Event, EventSource
from tendril.core.services import events_record

pytestmark = pytest.mark.django_db


def test_many_facts_become_one_system_event_each_at_the_moment_they_were_recorded() -> None:
    moment = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        events_record(
            ((contact_id, "segment_entered", {"segment": 7}) for contact_id in (1, 2, 3)),
            batch_size=2,
        )
    rows = list(
        Event.objects.order_by("contact_id").values_list(
            "contact_id", "type", "properties", "occurred_at", "received_at", "source"
        )
    )
    assert rows == [
        (n, "segment_entered", {"segment": 7}, moment, moment, EventSource.SYSTEM)
        for n in (1, 2, 3)
    ]

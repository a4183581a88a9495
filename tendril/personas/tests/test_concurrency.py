"""Moving one contact along one dimension from 20 clients at once, through a real server on
PostgreSQL: no 5xx, one row for the (contact, dimension), and an unbroken chain of events
whose every ``from`` is the stage the move before it left the contact at."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

import pytest

from bench.concurrent_writes import Burst, fire
from tendril.accounts.services import apikey_create
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event
from tendril.personas.models import BuyingStageDimension, ContactBuyingStage
from tendril.personas.tests.conftest import presets_present

pytestmark = pytest.mark.postgres
CLIENTS = 20


def test_concurrent_moves_of_one_contact_leave_one_row_and_a_consistent_history(
    live_server: Any, transactional_db: Any
) -> None:
    _, key = apikey_create(name="racing clients", role="sales", by=None)
    presets_present()
    dimension = BuyingStageDimension.objects.get(preset="b2b")
    keys = list(dimension.stages.order_by("position").values_list("key", flat=True))
    contact = ContactFactory()
    burst = Burst(
        "PUT",
        f"/api/v1/contacts/{contact.pk}/buying-stages/{dimension.pk}",
        [{"stage": keys[i % len(keys)]} for i in range(CLIENTS)],
        rounds=3,
    )
    answers = fire(live_server.url, key, burst)
    statuses = Counter(a.status for a in answers)
    assert statuses == {200: CLIENTS * 3}, statuses

    row = ContactBuyingStage.objects.get(contact=contact, dimension=dimension)
    events = list(
        Event.objects.filter(contact_id=contact.pk, type="buying_stage_changed").order_by("id")
    )
    assert events and events[0].properties["from"] is None
    for earlier, later in pairwise(events):
        assert later.properties["from"] == earlier.properties["to"]
        assert later.properties["from"] != later.properties["to"]
    assert events[-1].properties["to"] == row.stage.key

"""Races on PostgreSQL: one contact moved along one dimension from 20 clients at once through a
real server (no 5xx, one row, an unbroken chain of events whose every ``from`` is the stage
the move before it left), and a stage removed while a contact moves onto it."""

from __future__ import annotations

import threading
import time
from collections import Counter
from itertools import pairwise
from typing import Any

import pytest
from django.db import connection, transaction

from bench.concurrent_writes import Burst, fire
from tendril.accounts.services import apikey_create
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.models import Event
from tendril.personas.models import BuyingStageDimension, ContactBuyingStage
from tendril.personas.services import contact_buying_stage_set, stage_add, stage_remove
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


def test_a_stage_removed_while_a_contact_moves_onto_it_is_refused_not_a_500(
    transactional_db: Any,
) -> None:
    """The move holds its transaction open until the removal waits on it; the removal then
    sees the committed move and answers Conflict, and the contact still stands at the stage."""
    presets_present()
    dimension = BuyingStageDimension.objects.get(preset="b2c")
    stage = stage_add(dimension=dimension, label="Loyalty", by=None)
    contact = ContactFactory()
    moved = threading.Event()
    outcome: list[object] = []

    def move() -> None:
        try:
            with transaction.atomic():
                contact_buying_stage_set(
                    contact=contact, dimension=dimension, stage=stage.key, by=None
                )
                moved.set()
                time.sleep(1.0)  # the removal is now waiting for this transaction
        finally:
            connection.close()

    mover = threading.Thread(target=move)
    mover.start()
    assert moved.wait(10)
    try:
        stage_remove(stage=stage, by=None)
    except Conflict as exc:
        outcome.append(exc)
    mover.join()
    assert len(outcome) == 1
    assert ContactBuyingStage.objects.get(contact=contact).stage_id == stage.pk


def test_a_contact_moved_onto_a_stage_being_removed_gets_a_clear_refusal(
    transactional_db: Any,
) -> None:
    """The removal holds its transaction open; the move waits for it, then is refused as an
    unknown stage (a 422 in the API), not a failed commit."""
    presets_present()
    dimension = BuyingStageDimension.objects.get(preset="b2c")
    stage = stage_add(dimension=dimension, label="Loyalty", by=None)
    contact = ContactFactory()
    removed = threading.Event()

    def remove() -> None:
        try:
            with transaction.atomic():
                stage_remove(stage=stage, by=None)
                removed.set()
                time.sleep(1.0)  # the move is now waiting for this transaction
        finally:
            connection.close()

    remover = threading.Thread(target=remove)
    remover.start()
    assert removed.wait(10)
    with pytest.raises(InvalidInput, match="has no stage 'loyalty'"):
        contact_buying_stage_set(contact=contact, dimension=dimension, stage=stage.key, by=None)
    remover.join()
    assert not ContactBuyingStage.objects.filter(contact=contact).exists()

"""Event consumers run side by side on PostgreSQL (one job each): the ones that write the same
contacts (``contacts.last_seen``, scoring, stage rules, segments) wait for each other instead of
deadlocking, and together end where running them one after the other would."""

from __future__ import annotations

import logging
import random
import threading
from typing import Any

import pytest
from django.db import connections

from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.consumers import consumer_drain, registered, unread
from tendril.core.models import ConsumerCursor, DeadLetter
from tendril.lifecycle.services import stage_rule_create
from tendril.scoring.models import ScoreEntry
from tendril.scoring.services import rule_create
from tendril.segments.services import segment_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _views(contacts: list[Contact], count: int, seed: int) -> None:
    """Page views in several transactions, each naming many contacts in a random order, so
    every consumer's batch touches rows other consumers are writing."""
    rng = random.Random(seed)
    for _ in range(count):
        EventFactory(
            contact_id=rng.choice(contacts).pk,
            type="page_view",
            properties={"url": "https://example.com/pricing"},
        )


def test_consumers_side_by_side_never_deadlock_and_end_where_one_after_another_would(
    caplog: Any,
) -> None:
    contacts = ContactFactory.create_batch(30, score=0)
    rule_create(data={"name": "Pricing", "event": "page_view", "points": 1}, by=None)
    stage_rule_create(
        data={"name": "Keen", "stage": "mql", "trigger": "score", "score": 5}, by=None
    )
    keen = segment_create(name="Keen", filter={"field": "score", "op": "gte", "value": 5}, by=None)
    names = sorted(registered())
    stop = threading.Event()
    errors: list[BaseException] = []

    def consume(name: str) -> None:
        try:
            while not stop.is_set():
                consumer_drain(name, batch_size=50)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def write(seed: int) -> None:
        try:
            _views(contacts, 150, seed)
        finally:
            connections.close_all()

    caplog.set_level(logging.WARNING)
    workers = [threading.Thread(target=consume, args=(name,)) for name in names]
    writers = [threading.Thread(target=write, args=(seed,)) for seed in range(3)]
    for thread in workers + writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    for name in names:  # let every consumer catch up with what was written
        while unread(ConsumerCursor.objects.get_or_create(name=name)[0]).exists():
            consumer_drain(name)
    stop.set()
    for thread in workers:
        thread.join(60)

    assert errors == []
    assert [r.getMessage() for r in caplog.records if "failed" in r.getMessage()] == []
    assert not DeadLetter.objects.exists()
    for contact in Contact.objects.filter(pk__in=[c.pk for c in contacts]):
        points = sum(
            ScoreEntry.objects.filter(contact_id=contact.pk).values_list("points", flat=True)
        )
        assert contact.score == points
        assert contact.last_seen_at is not None
        assert (contact.stage == "mql") is (points >= 5)
    assert sorted(keen.members.values_list("contact_id", flat=True)) == sorted(
        c.pk for c in Contact.objects.filter(pk__in=[c.pk for c in contacts], score__gte=5)
    )

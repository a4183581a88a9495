"""Two rules firing at once for one contact, in two workers, move it once (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.models import Event
from tendril.lifecycle.consumers import stage_rules_apply
from tendril.lifecycle.services import stage_rule_create

pytestmark = pytest.mark.postgres


def test_two_events_at_once_for_one_contact_move_it_once(transactional_db: Any) -> None:
    stage_rule_create(
        data={"name": "Scored", "stage": "mql", "trigger": "score", "score": 10}, by=None
    )
    stage_rule_create(
        data={"name": "Asked", "stage": "mql", "trigger": "event", "event": "form_submit"},
        by=None,
    )
    contacts = ContactFactory.create_batch(10)
    batches = [
        [EventFactory(contact_id=c.pk, type=kind, properties=props)]
        for c in contacts
        for kind, props in (("score_changed", {"score": 12}), ("form_submit", {"form": "demo"}))
    ]
    barrier = threading.Barrier(len(batches))
    failures: list[BaseException] = []

    def worker(batch: list[Event]) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                stage_rules_apply(batch)
        except BaseException as exc:  # reported below: a thread's error is otherwise lost
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert set(Contact.objects.values_list("stage", flat=True)) == {"mql"}
    moves = Event.objects.filter(type="stage_changed").values_list("contact_id", flat=True)
    assert sorted(moves) == sorted(c.pk for c in contacts)

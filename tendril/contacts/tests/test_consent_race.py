"""Consent given twice at once (two screens, two requests) is one change."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from tendril.contacts.services import consent_set
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_consent_granted_by_many_writers_at_once_is_recorded_once():
    contact = ContactFactory()
    barrier = threading.Barrier(10)
    results: list[object] = []

    def grant() -> None:
        try:
            barrier.wait()
            results.append(
                consent_set(
                    contact=contact, channel="email", status="granted", method="ui", by=None
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=grant) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 10
    assert sum(r is not None for r in results) == 1
    changes = Event.objects.filter(contact_id=contact.pk, type="consent_changed")
    assert changes.count() == 1

"""Merging the same two contacts from several clients at once, through a real server on
PostgreSQL: one merge of each pair wins, the others are told the duplicate is gone (404), no
request fails or deadlocks, and no event is lost."""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest

from tendril.accounts.services import apikey_create
from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.models import Event

pytestmark = pytest.mark.postgres

PAIRS = 4
EVENTS_EACH = 30


def _post_together(
    base_url: str, key: str, requests: list[tuple[str, dict[str, Any]]]
) -> list[int]:
    """Each (path, body) POSTed from its own thread, all released by one barrier; statuses."""
    parts = urlsplit(base_url)
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def client(path: str, body: dict[str, Any]) -> None:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            conn.connect()
            barrier.wait(timeout=60)
            conn.request("POST", path, body=json.dumps(body), headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            with lock:
                statuses.append(response.status)
        except BaseException as exc:
            barrier.abort()
            failures.append(exc)

    threads = [threading.Thread(target=client, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return statuses


def test_merging_a_pair_both_ways_and_twice_at_once_merges_it_once(
    live_server: Any, transactional_db: Any
) -> None:
    _, key = apikey_create(name="racing clients", role="marketer", by=None)
    pairs = [(ContactFactory(), ContactFactory()) for _ in range(PAIRS)]
    for a, b in pairs:
        for contact in (a, b):
            for _ in range(EVENTS_EACH):
                EventFactory(contact_id=contact.pk)
    before = Event.objects.count()
    requests = []
    for a, b in pairs:
        # A into B and B into A, and A into B a second time.
        requests += [
            (f"/api/v1/contacts/{a.pk}/merge", {"contact_id": b.pk}),
            (f"/api/v1/contacts/{b.pk}/merge", {"contact_id": a.pk}),
            (f"/api/v1/contacts/{a.pk}/merge", {"contact_id": b.pk}),
        ]

    statuses = Counter(_post_together(live_server.url, key, requests))

    assert statuses == {200: PAIRS, 404: 2 * PAIRS}, statuses
    for a, b in pairs:
        left = list(Contact.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", flat=True))
        assert len(left) == 1
        moved = Event.objects.filter(contact_id=left[0], type="page_view").count()
        assert moved == 2 * EVENTS_EACH
    merges = Event.objects.filter(type="contacts_merged").count()
    assert merges == PAIRS
    page_views = Event.objects.filter(type="page_view").count()
    assert page_views == before == 2 * PAIRS * EVENTS_EACH

"""Races on PostgreSQL at a real server: one person's preference centre saved from many tabs
at once while one-click unsubscribes arrive (no 5xx, one choice row per topic, one
``unsubscribed``, and a final state that agrees with itself)."""

from __future__ import annotations

import http.client
import re
import threading
from collections import Counter
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from tendril.contacts.models import Consent
from tendril.core.models import Event
from tendril.preferences.links import preference_path
from tendril.preferences.models import Topic, TopicSubscription
from tendril.preferences.services import topic_create
from tendril.preferences.tests.conftest import consenting

pytestmark = pytest.mark.postgres
CLIENTS = 12


def _csrf(base: str, path: str) -> tuple[str, str]:
    """A session's CSRF cookie and form token, as a browser gets them from the page."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    conn.close()
    assert cookie and token, body[:500]
    return cookie.group(1), token.group(1)


def test_concurrent_saves_and_one_clicks_leave_one_row_per_topic(
    live_server: Any, transactional_db: Any
) -> None:
    topics = [
        topic_create(data={"key": key, "name": key.title()}, by=None)
        for key in ("newsletter", "product", "events")
    ]
    contact = consenting()
    path = preference_path(contact)
    base = live_server.url
    parts = urlsplit(base)
    cookie, token = _csrf(base, path)
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def request(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        conn.connect()
        if i % 3 == 0:
            body = "List-Unsubscribe=One-Click"
            target, headers = path + "/one-click", {}
        else:
            ticked = [t.pk for j, t in enumerate(topics) if (i + j) % 2 == 0]
            body = urlencode(
                {"csrfmiddlewaretoken": token, "action": "save", "topic": ticked}, doseq=True
            )
            target = path
            headers = {"Cookie": f"csrftoken={cookie}", "Referer": base + path}
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        barrier.wait(timeout=30)
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        with lock:
            statuses.append(response.status)

    for _round in range(2):
        threads = [threading.Thread(target=request, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    counts = Counter(statuses)
    assert set(counts) <= {200, 302}, counts
    assert counts[200] == 2 * (CLIENTS // 3) and counts[302] == 2 * (CLIENTS - CLIENTS // 3)
    rows = TopicSubscription.objects.filter(contact=contact)
    assert Counter(rows.values_list("topic_id", flat=True)) == Counter(
        {t.pk: 1 for t in topics if rows.filter(topic=t).exists()}
    )
    assert rows.count() <= len(topics)
    consent = Consent.objects.get(contact=contact, channel="email")
    assert (consent.status, consent.method) == ("denied", "unsubscribe")
    assert Event.objects.filter(contact_id=contact.pk, type="unsubscribed").count() == 1
    # Each topic's row agrees with the last event that told a change of it.
    for topic in Topic.objects.filter(pk__in=[t.pk for t in topics]):
        told = [
            e.properties["keys"][topic.key]
            for e in Event.objects.filter(contact_id=contact.pk, type="topics_changed").order_by(
                "id"
            )
            if topic.key in e.properties["keys"]
        ]
        row = rows.filter(topic=topic).first()
        assert (row.subscribed if row else True) == (told[-1] if told else True)

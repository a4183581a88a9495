"""The demo's email topics: three topics in three languages, people's choices on them, and
people who unsubscribed from their preference centre or by one click, so the topics screen
counts and the consent history tells something from the first start."""

from __future__ import annotations

import pytest

from tendril.contacts.models import Consent
from tendril.core.models import Event
from tendril.demo import demo_load
from tendril.preferences.models import Topic, TopicSubscription
from tendril.preferences.selectors import subscriber_counts

pytestmark = pytest.mark.django_db


def test_demo_topics_choices_and_unsubscribes() -> None:
    summary = demo_load(contacts=300, companies=30, days=30)
    topics = list(Topic.objects.all())
    assert summary["topics"] == len(topics) == 3
    assert all(t.name_vi and t.name_th for t in topics)
    assert TopicSubscription.objects.filter(subscribed=False).count() >= summary["topic_choices"]
    assert summary["unsubscribed"] >= 1
    assert Event.objects.filter(type="unsubscribed").count() == summary["unsubscribed"]
    assert Consent.objects.filter(method="unsubscribe", status="denied").count() >= 1
    counts = subscriber_counts(topics)
    assert all(n > 0 for n in counts.values())

"""The topic screens (marketing changes, every role reads) and the contact page's consent
history panel: what it tells, escaped, and its link to the person's preference centre."""

from __future__ import annotations

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.models import Channel, ConsentStatus
from tendril.contacts.services import consent_set
from tendril.contacts.tests.factories import ContactFactory
from tendril.preferences.events import VIA_ONE_CLICK
from tendril.preferences.links import preference_path
from tendril.preferences.models import Topic
from tendril.preferences.services import contact_topics_set, unsubscribe_all

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_marketer_adds_edits_archives_and_restores_a_topic(
    client: Client, marketer: User
) -> None:
    client.force_login(marketer)
    answer = client.post(
        "/settings/topics/new/",
        {"name": "Product news", "name_vi": "Tin sản phẩm", "description": ""},
    )
    assert answer.status_code == 302
    topic = Topic.objects.get(key="product-news")
    page = client.get("/settings/topics/").content.decode()
    assert "Product news" in page and "Tin sản phẩm" in page
    assert client.post(f"/settings/topics/{topic.pk}/edit/", {"name": ""}).status_code == 422
    client.post(
        f"/settings/topics/{topic.pk}/edit/", {"name": "Product updates", "key": "product-news"}
    )
    client.post(f"/settings/topics/{topic.pk}/archive/")
    topic.refresh_from_db()
    assert (topic.name, topic.archived) == ("Product updates", True)
    assert "Offer again" in client.get("/settings/topics/").content.decode()
    client.post(f"/settings/topics/{topic.pk}/archive/", {"archived": "0"})
    topic.refresh_from_db()
    assert topic.archived is False


def test_a_sales_rep_reads_topics_but_cannot_change_them(
    client: Client, sales_rep: User, topics: list[Topic]
) -> None:
    client.force_login(sales_rep)
    page = client.get("/settings/topics/")
    assert page.status_code == 200 and "New topic" not in page.content.decode()
    assert client.get("/settings/topics/new/").status_code == 403
    assert client.post(f"/settings/topics/{topics[0].pk}/archive/").status_code == 403
    assert not Topic.objects.filter(archived=True).exists()


def test_the_history_panel_tells_every_change_escaped(
    client: Client, sales_rep: User, topics: list[Topic]
) -> None:
    hostile_topic = Topic.objects.create(
        key="hostile",
        name=HOSTILE,
        position=9,
        created_at=topics[0].created_at,
        updated_at=topics[0].created_at,
    )
    contact = ContactFactory()
    consent_set(
        contact=contact,
        channel=Channel.EMAIL,
        status=ConsentStatus.GRANTED,
        method="double opt-in",
        by=None,
        note=f"Newsletter: {HOSTILE} I agree to receive the newsletter.",
    )
    contact_topics_set(
        contact=contact, choices={hostile_topic: False}, method="preference centre", by=None
    )
    unsubscribe_all(contact=contact, via=VIA_ONE_CLICK)
    client.force_login(sales_rep)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    panel = page[
        page.index('id="consent-history"') : page.index(
            "</section>", page.index('id="consent-history"')
        )
    ]
    assert "<script>" not in panel and "<img" not in panel
    assert "&lt;script&gt;" in panel
    assert "I agree to receive the newsletter." in panel
    assert "Double opt-in" in panel and "One click in an email" in panel
    assert panel.index("Unsubscribed from all") < panel.index("Granted")  # newest first
    assert preference_path(contact) in panel
    assert "no email topic" in panel  # unsubscribed: receives nothing

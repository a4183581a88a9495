"""The issue's "done" path end to end: log in, see the demo contacts and a timeline, create an
API key in Settings, post events with it, and see them on the contact's timeline."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tendril.accounts.services import admin_ensure
from tendril.contacts.models import Contact
from tendril.demo import demo_load


@pytest.mark.django_db
def test_a_newcomer_posts_events_with_a_new_key_and_sees_them_on_the_timeline():
    demo_load()
    admin, password = admin_ensure(email="admin@tendril.local", password=None)
    browser = Client()
    assert (
        browser.post("/login/", {"username": admin.email, "password": password}).status_code == 302
    )

    contacts_page = browser.get("/contacts/").content.decode()
    assert "2,000 results" in contacts_page or "2000 results" in contacts_page

    created = browser.post("/settings/api-keys/", {"name": "my site", "role": "marketer"})
    key = re.search(r'id="api-key-secret" value="([^"]+)"', created.content.decode()).group(1)

    contact = Contact.objects.filter(company__isnull=False).order_by("pk").first()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    batch = [
        {
            "contact": {"email": contact.email},
            "type": "page_view",
            "properties": {"url": "https://shop.example/pricing-newcomer"},
        },
        {
            "contact_id": contact.pk,
            "type": "webinar_attended",
            "properties": {"webinar": "Scoring 101"},
        },
    ]
    response = api.post("/api/v1/events/batch", json.dumps(batch), content_type="application/json")
    assert response.status_code == 202
    assert response.json()["accepted"] == 2

    timeline = browser.get(f"/contacts/{contact.pk}/").content.decode()
    assert "https://shop.example/pricing-newcomer" in timeline
    assert "webinar_attended" in timeline

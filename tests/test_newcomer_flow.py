"""The issue's "done" path end to end: log in, see the demo contacts and a timeline, create an
API key in Settings, post events with it, and see them on the contact's timeline.

Pages are read as a person reads them: their visible text (and what a text box shows), never
ids or data attributes, which a page can keep while it shows something else."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tendril.accounts.services import admin_ensure
from tendril.contacts.models import Contact
from tendril.demo import demo_load


class _VisibleText(HTMLParser):
    HIDDEN = {"script", "style", "template", "head"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        shown = dict(attrs)
        if tag == "input" and shown.get("type", "text") == "text" and not self.hidden_depth:
            self.parts.append(shown.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def visible_text(response) -> str:
    """The page's text as shown, whitespace collapsed: element text and text boxes' values."""
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


@pytest.mark.django_db
def test_a_newcomer_posts_events_with_a_new_key_and_sees_them_on_the_timeline():
    demo_load()
    admin, password = admin_ensure(email="admin@tendril.local", password=None)
    browser = Client()
    assert (
        browser.post("/login/", {"username": admin.email, "password": password}).status_code == 302
    )

    assert re.search(r"\b2,?000 results\b", visible_text(browser.get("/contacts/")))

    created = visible_text(
        browser.post("/settings/api-keys/", {"name": "my site", "role": "marketer"})
    )
    shown = re.search(r"Copy this key now\..*?(tdl_\S+) Copy", created)
    assert shown, created
    key = shown.group(1)

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

    timeline = visible_text(browser.get(f"/contacts/{contact.pk}/"))
    assert "Viewed https://shop.example/pricing-newcomer" in timeline
    assert "webinar attended webinar: Scoring 101" in timeline

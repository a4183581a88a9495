"""Landing page screens: the list with its figures and sorting, the editor (its blocks posted
as JSON, every refused block shown with its message, the settings' messages on their inputs),
a page's screen with publish and unpublish, delete after confirming; every role reads, sales
reps change nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.web.landing import page_create, page_publish
from tendril.web.models import LandingPage, LandingVisit

pytestmark = pytest.mark.django_db
HEADING = {"type": "heading", "level": "1", "text": "Spring webinar"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def editor_data(html: str) -> Any:
    found = re.search(
        r'<script id="page-editor-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found
    return json.loads(found[1])


def test_the_editor_saves_a_draft_and_lists_the_registered_types(marketer: User) -> None:
    client = signed_in(marketer)
    data = editor_data(client.get("/forms/pages/new/").content.decode())
    assert [t["name"] for t in data["types"]][:6] == [
        "heading",
        "text",
        "image",
        "button",
        "form",
        "asset",
    ]

    response = client.post(
        "/forms/pages/new/",
        {"name": "Spring webinar", "slug": "", "language": "en", "blocks": json.dumps([HEADING])},
    )

    page = LandingPage.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/forms/pages/{page.pk}/"
    assert page.slug == "spring-webinar" and page.blocks == [HEADING] and not page.is_published


def test_every_refused_block_comes_back_with_its_message(marketer: User) -> None:
    blocks = [
        HEADING,
        {"type": "button", "label": "", "url": "example.com"},
        {"type": "image", "url": "https://x.io/a.png", "alt": ""},
    ]
    response = signed_in(marketer).post(
        "/forms/pages/new/", {"name": "Bad", "language": "en", "blocks": json.dumps(blocks)}
    )

    assert response.status_code == 422
    data = editor_data(response.content.decode())
    assert data["blocks"] == blocks  # what was typed stays
    assert data["errors"] == {
        "1": {"label": "Block 2 (Button): Label is required."},
        "2": {"alt": "Block 3 (Image): Description is required."},
    }
    assert not LandingPage.objects.exists()


def test_a_taken_address_is_said_on_its_input(marketer: User) -> None:
    page_create(data={"name": "Ebook"}, by=None)

    response = signed_in(marketer).post(
        "/forms/pages/new/", {"name": "Ebook", "language": "en", "blocks": "[]"}
    )

    assert response.status_code == 422
    assert "Another page already has the address /p/ebook." in response.content.decode()


def test_publish_unpublish_and_delete_from_the_pages_screen(marketer: User) -> None:
    page = page_create(data={"name": "Ebook", "blocks": [HEADING]}, by=None)
    client = signed_in(marketer)

    client.post(f"/forms/pages/{page.pk}/publish/")
    assert Client().get("/p/ebook").status_code == 200
    client.post(f"/forms/pages/{page.pk}/unpublish/")
    assert Client().get("/p/ebook").status_code == 404

    assert (
        "Delete the page Ebook?" in client.get(f"/forms/pages/{page.pk}/delete/").content.decode()
    )
    client.post(f"/forms/pages/{page.pk}/delete/", {"confirm": "yes"})
    assert not LandingPage.objects.exists()


def test_the_list_shows_visitors_conversions_and_rate(admin_user: User) -> None:
    page = page_publish(
        page=page_create(data={"name": "Ebook", "blocks": [HEADING]}, by=None), by=None
    )
    for i in range(8):
        LandingVisit.objects.create(
            page=page,
            visitor_id=f"visitor-{i}",
            first_seen=page.created_at,
            converted_at=page.created_at if i < 3 else None,
        )

    html = signed_in(admin_user).get("/forms/pages/?order=-rate").content.decode()

    row = html[html.index(f'data-page="{page.pk}"') :]
    assert re.search(r'data-figure="visitors">8<', row)
    assert re.search(r'data-figure="conversions">3<', row)
    assert re.search(r'data-figure="rate">38%<', row)
    assert 'aria-sort="descending"' in html


def test_sales_reps_read_pages_and_change_nothing(sales_rep: User) -> None:
    page = page_create(data={"name": "Ebook", "blocks": [HEADING]}, by=None)
    client = signed_in(sales_rep)

    assert client.get("/forms/pages/").status_code == 200
    assert client.get(f"/forms/pages/{page.pk}/").status_code == 200
    assert client.get(f"/forms/pages/{page.pk}/preview/").status_code == 200
    assert "New page" not in client.get("/forms/pages/").content.decode()
    statuses = [
        client.get("/forms/pages/new/").status_code,
        client.get(f"/forms/pages/{page.pk}/edit/").status_code,
        client.post(f"/forms/pages/{page.pk}/publish/").status_code,
        client.post(f"/forms/pages/{page.pk}/delete/", {"confirm": "yes"}).status_code,
    ]
    assert statuses == [403] * 4
    page.refresh_from_db()
    assert not page.is_published

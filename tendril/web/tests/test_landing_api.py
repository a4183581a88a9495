"""/api/v1/pages: list with figures and sorting, create, read, patch the draft, publish,
unpublish, delete; a bad block is 422 at its path; every role reads, sales reps change
nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.web.landing import page_create, page_publish
from tendril.web.models import LandingPage, LandingVisit

pytestmark = pytest.mark.django_db
HEADING = {"type": "heading", "level": "1", "text": "Spring webinar"}


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(path, data, content_type="application/json")


def test_a_marketer_makes_edits_and_publishes_a_page(marketer_api: Client) -> None:
    made = send(marketer_api, "post", "/api/v1/pages", {"name": "Hội thảo mùa xuân"})
    assert made.status_code == 201, made.content
    page = made.json()
    assert page["slug"] == "hoi-thao-mua-xuan" and page["status"] == "draft"
    assert page["url"].endswith("/p/hoi-thao-mua-xuan")

    patched = send(marketer_api, "patch", f"/api/v1/pages/{page['id']}", {"blocks": [HEADING]})
    assert patched.json()["blocks"] == [HEADING] and patched.json()["published_blocks"] == []

    published = send(marketer_api, "post", f"/api/v1/pages/{page['id']}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_blocks"] == [HEADING]
    assert Client().get("/p/hoi-thao-mua-xuan").status_code == 200

    unpublished = send(marketer_api, "post", f"/api/v1/pages/{page['id']}/unpublish")
    assert unpublished.json()["status"] == "draft"
    assert Client().get("/p/hoi-thao-mua-xuan").status_code == 404

    assert send(marketer_api, "delete", f"/api/v1/pages/{page['id']}").status_code == 204
    assert not LandingPage.objects.exists()


@pytest.mark.parametrize(
    ("blocks", "field"),
    [
        ([HEADING, {"type": "button", "label": "Go", "url": "ftp://x"}], "blocks[1].url"),
        ([{"type": "nope"}], "blocks[0].type"),
        ([HEADING, HEADING, {"type": "image", "url": "https://x.io/a.png"}], "blocks[2].alt"),
        ([{"type": "text", "text": 5}], "blocks[0].text"),
    ],
)
def test_a_bad_block_is_422_at_its_path(admin_api: Client, blocks: list[Any], field: str) -> None:
    response = send(admin_api, "post", "/api/v1/pages", {"name": "Bad", "blocks": blocks})

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith("Block ")
    assert not LandingPage.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "slug": "Not Safe"}, "slug"),
        ({"name": "A", "colour": "red"}, "colour"),
        ({"name": "A", "language": "fr"}, "language"),
        ({"name": "A", "og_image": "http://x.io/a.png"}, "og_image"),
        ({"name": 5}, "name"),
    ],
)
def test_page_fields_are_checked_strictly(admin_api: Client, body: Any, field: str) -> None:
    response = send(admin_api, "post", "/api/v1/pages", body)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_a_taken_address_is_409(admin_api: Client) -> None:
    page_create(data={"name": "Ebook"}, by=None)

    response = send(admin_api, "post", "/api/v1/pages", {"name": "Ebook"})

    assert response.status_code == 409 and response.json()["field"] == "slug"


def test_the_list_counts_and_sorts_by_conversion_rate(admin_api: Client) -> None:
    low = page_publish(
        page=page_create(data={"name": "Low", "blocks": [HEADING]}, by=None), by=None
    )
    high = page_publish(
        page=page_create(data={"name": "High", "blocks": [HEADING]}, by=None), by=None
    )
    page_create(data={"name": "Never seen"}, by=None)
    for i in range(4):
        LandingVisit.objects.create(
            page=low,
            visitor_id=f"low-visitor-{i}",
            first_seen=low.created_at,
            converted_at=low.created_at if i == 0 else None,
        )
    LandingVisit.objects.create(
        page=high,
        visitor_id="high-visitor",
        first_seen=high.created_at,
        converted_at=high.created_at,
    )

    listed = admin_api.get("/api/v1/pages?order=-rate&page_size=2").json()

    assert listed["count"] == 3
    assert [
        (p["name"], p["visitors"], p["conversions"], p["conversion_rate"]) for p in listed["items"]
    ] == [
        ("High", 1, 1, 100),
        ("Low", 4, 1, 25),
    ]
    assert admin_api.get("/api/v1/pages?order=sideways").status_code == 422


def test_every_role_reads_and_sales_reps_change_nothing(sales_api: Client) -> None:
    page = page_create(data={"name": "Ebook", "blocks": [HEADING]}, by=None)

    assert sales_api.get("/api/v1/pages").json()["count"] == 1
    assert sales_api.get(f"/api/v1/pages/{page.pk}").status_code == 200
    refused = [
        send(sales_api, "post", "/api/v1/pages", {"name": "Mine"}),
        send(sales_api, "patch", f"/api/v1/pages/{page.pk}", {"name": "Mine"}),
        send(sales_api, "post", f"/api/v1/pages/{page.pk}/publish"),
        send(sales_api, "post", f"/api/v1/pages/{page.pk}/unpublish"),
        send(sales_api, "delete", f"/api/v1/pages/{page.pk}"),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    page.refresh_from_db()
    assert page.name == "Ebook" and not page.is_published
    assert sales_api.get("/api/v1/pages/999999").status_code == 404

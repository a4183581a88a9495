"""Segment-spec ingest (``POST /v1/identify|track|page|screen|batch``): what a Segment or
RudderStack SDK sends lands on the timeline, an identify makes or updates the contact and joins
the visitor's anonymous history, e-commerce names become built-in types, and a bad request is
refused whole with the bad part named. The real ``segment-analytics-python`` client is pointed
at a running Tendril."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
from django.test import Client
from segment.analytics.client import Client as SegmentClient

from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event, VisitorLink
from tendril.tracking.models import Site
from tendril.tracking.services import site_create

pytestmark = pytest.mark.django_db
ANON = "4f9d6c1e-1111-4a3b-9c2d-abcdefabcdef"


@pytest.fixture
def site() -> Site:
    return site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)


def post(client: Client, path: str, body: Any, key: str, **headers: Any) -> Any:
    auth = base64.b64encode(f"{key}:".encode()).decode()
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(
        path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Basic {auth}", **headers
    )


def test_a_page_lands_on_the_timeline_as_a_page_view_of_the_visitor(
    client: Client, site: Site
) -> None:
    body = {
        "anonymousId": ANON,
        "name": "Pricing",
        "properties": {"url": "https://shop.example.com/pricing", "referrer": "https://g.co/"},
        "timestamp": "2026-11-30T08:00:00+07:00",
    }
    response = post(client, "/v1/page", body, site.key)
    assert response.status_code == 200 and response.json() == {"success": True}
    event = Event.objects.get(type="page_view")
    assert event.visitor_id == ANON and event.source == "tracking"
    assert event.properties["title"] == "Pricing" and event.properties["site"] == site.pk
    assert event.occurred_at.isoformat() == "2026-11-30T01:00:00+00:00"


def test_identify_with_an_email_makes_the_contact_and_joins_the_anonymous_history(
    client: Client, site: Site
) -> None:
    post(client, "/v1/track", {"anonymousId": ANON, "event": "Video Played"}, site.key)
    body = {
        "anonymousId": ANON,
        "userId": "u-42",
        "traits": {"email": "Hang@Example.com", "firstName": "Hằng", "lastName": "Nguyễn"},
    }
    assert post(client, "/v1/identify", body, site.key).status_code == 200
    contact = Contact.objects.get(email="hang@example.com")
    assert (contact.first_name, contact.last_name) == ("Hằng", "Nguyễn")
    played = Event.objects.get(type="custom:Video_Played")
    assert played.contact_id == contact.pk  # the earlier anonymous event joined
    assert VisitorLink.objects.get(visitor_id="user:u-42").contact_id == contact.pk
    # Later, the source knows them by its own id only.
    post(client, "/v1/track", {"userId": "u-42", "event": "Signed Up"}, site.key)
    assert Event.objects.get(type="custom:Signed_Up").contact_id == contact.pk


def test_e_commerce_events_become_built_in_types(client: Client, site: Site) -> None:
    contact = ContactFactory(email="buyer@example.com")
    post(
        client, "/v1/identify", {"userId": "b1", "traits": {"email": "buyer@example.com"}}, site.key
    )
    batch = {
        "batch": [
            {
                "type": "track",
                "userId": "b1",
                "event": "Product Viewed",
                "properties": {"name": "Tea"},
            },
            {
                "type": "track",
                "userId": "b1",
                "event": "Product Added",
                "properties": {"name": "Tea"},
            },
            {
                "type": "track",
                "userId": "b1",
                "event": "Order Completed",
                "properties": {"total": 250000, "currency": "VND", "products": [{"name": "Tea"}]},
            },
            {"type": "group", "userId": "b1", "groupId": "g"},
        ]
    }
    assert post(client, "/v1/batch", batch, site.key).status_code == 200
    kinds = list(
        Event.objects.filter(contact_id=contact.pk)
        .exclude(type__in=["identify"])
        .order_by("id")
        .values_list("type", flat=True)
    )
    assert kinds == ["product_viewed", "cart_updated", "purchase"]
    assert Event.objects.get(type="purchase").properties["amount"] == 250000


def test_a_gzipped_batch_is_read(client: Client, site: Site) -> None:
    batch = {
        "batch": [
            {
                "type": "page",
                "anonymousId": ANON,
                "properties": {"url": "https://shop.example.com/"},
            }
        ]
    }
    packed = gzip.compress(json.dumps(batch).encode())
    response = post(client, "/v1/batch", packed, site.key, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 200
    assert Event.objects.filter(type="page_view").count() == 1


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/v1/track", {"event": "X"}, 422, "anonymousId"),
        ("/v1/track", {"anonymousId": ANON}, 422, "event"),
        ("/v1/track", {"anonymousId": ANON, "event": "X", "properties": []}, 422, "properties"),
        (
            "/v1/page",
            {"anonymousId": ANON, "properties": {"url": "javascript:1"}},
            422,
            "properties.url",
        ),
        (
            "/v1/track",
            {"anonymousId": ANON, "event": "X", "timestamp": "yesterday"},
            422,
            "timestamp",
        ),
        ("/v1/track", {"anonymousId": "x" * 65, "event": "X"}, 422, "anonymousId"),
        ("/v1/identify", {"userId": "u", "traits": {"email": "not an email"}}, 422, "traits.email"),
        ("/v1/batch", {"batch": []}, 422, "batch"),
        (
            "/v1/batch",
            {
                "batch": [
                    {"type": "page", "anonymousId": ANON, "properties": {"url": "https://a/"}},
                    {"type": "nope", "anonymousId": ANON},
                ]
            },
            422,
            "batch[1].type",
        ),
        (
            "/v1/batch",
            {"batch": [{"type": "track", "anonymousId": ANON, "event": "Order Completed"}]},
            422,
            "batch[0].properties.amount",
        ),
    ],
)
def test_a_bad_message_refuses_the_whole_request_naming_the_part(
    client: Client, site: Site, path: str, body: Any, status: int, field: str
) -> None:
    response = post(client, path, body, site.key)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    assert not Event.objects.exists()


def test_a_wrong_key_a_foreign_page_a_bomb_and_garbage_are_refused(
    client: Client, site: Site
) -> None:
    body = {"anonymousId": ANON, "event": "X"}
    assert post(client, "/v1/track", body, "wrong").status_code == 401
    assert (
        client.post("/v1/track", json.dumps(body), content_type="application/json").status_code
        == 401
    )
    foreign = post(client, "/v1/track", body, site.key, HTTP_ORIGIN="https://evil.test")
    assert foreign.status_code == 403
    bomb = gzip.compress(b'{"batch": [' + b" " * 2_000_000 + b"]}")
    assert (
        post(client, "/v1/batch", bomb, site.key, HTTP_CONTENT_ENCODING="gzip").status_code == 413
    )
    assert post(client, "/v1/track", b"\x00not json", site.key).status_code == 400
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_real_segment_sdk_sends_identify_track_page_and_batches(live_server: Any) -> None:
    site = site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)
    errors: list[Exception] = []
    sdk = SegmentClient(
        write_key=site.key,
        host=live_server.url,
        sync_mode=True,
        on_error=lambda error, _batch: errors.append(error),
        max_retries=0,
    )
    sdk.page(anonymous_id=ANON, name="Home", properties={"url": "https://shop.example.com/"})
    sdk.track(anonymous_id=ANON, event="Whitepaper Downloaded", properties={"asset": "ebook"})
    sdk.identify(
        user_id="u-7", anonymous_id=ANON, traits={"email": "linh@example.com", "firstName": "Linh"}
    )
    sdk.track(user_id="u-7", event="Order Completed", properties={"revenue": 99, "currency": "USD"})
    sdk.flush()

    assert errors == []
    contact = Contact.objects.get(email="linh@example.com")
    kinds = sorted(Event.objects.filter(contact_id=contact.pk).values_list("type", flat=True))
    assert "page_view" in kinds and "custom:Whitepaper_Downloaded" in kinds
    assert "identify" in kinds and "purchase" in kinds
    assert contact.first_name == "Linh"

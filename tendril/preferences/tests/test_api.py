"""``/api/v1/topics`` (every role reads, marketing writes, DELETE archives),
``/api/v1/contacts/{id}/topics`` (every role reads, marketing sets) and
``/api/v1/contacts/{id}/consents`` (the consent history, every role reads)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.preferences.events import VIA_CENTRE
from tendril.preferences.models import Topic
from tendril.preferences.services import contact_topics_set, unsubscribe_all
from tendril.preferences.tests.conftest import consenting

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_topics_are_made_read_changed_and_archived(marketer_api: Client) -> None:
    consenting(), consenting()
    made = send(
        marketer_api,
        "post",
        "/api/v1/topics",
        {"name": "Monthly newsletter", "name_th": "จดหมายข่าวรายเดือน"},
    )
    assert made.status_code == 201, made.json()
    topic = made.json()
    assert topic["key"] == "monthly-newsletter" and topic["subscribers"] == 2
    assert topic["position"] == 0 and topic["archived"] is False
    second = send(marketer_api, "post", "/api/v1/topics", {"name": "Events", "key": "events"})
    assert second.json()["position"] == 1
    again = send(marketer_api, "post", "/api/v1/topics", {"name": "Other", "key": "events"})
    assert again.status_code == 409 and again.json()["field"] == "key"

    url = f"/api/v1/topics/{topic['id']}"
    patched = send(marketer_api, "patch", url, {"description": "Once a month."})
    assert patched.json()["description"] == "Once a month."
    assert send(marketer_api, "patch", url, {"name": None}).status_code == 422
    assert marketer_api.delete(url).status_code == 204
    assert marketer_api.get(url).json()["archived"] is True
    listed = marketer_api.get("/api/v1/topics?archived=false").json()
    assert [t["key"] for t in listed["items"]] == ["events"] and listed["count"] == 1
    assert marketer_api.get("/api/v1/topics").json()["count"] == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x", "key": "Not A Slug"}, "key"),
        ({"name": "x", "position": -1}, "position"),
        ({"name": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_topics_are_a_clear_422(marketer_api: Client, body: Any, field: str) -> None:
    answer = send(marketer_api, "post", "/api/v1/topics", body)
    assert answer.status_code == 422 and answer.json()["field"] == field


def test_sales_reps_read_topics_and_history_but_change_nothing(
    sales_api: Client, topics: list[Topic]
) -> None:
    contact = consenting()
    topic = topics[0]
    assert sales_api.get("/api/v1/topics").status_code == 200
    assert sales_api.get(f"/api/v1/contacts/{contact.pk}/topics").status_code == 200
    assert sales_api.get(f"/api/v1/contacts/{contact.pk}/consents").status_code == 200
    refused = [
        send(sales_api, "post", "/api/v1/topics", {"name": "Mine"}),
        send(sales_api, "patch", f"/api/v1/topics/{topic.pk}", {"name": "Mine"}),
        sales_api.delete(f"/api/v1/topics/{topic.pk}"),
        send(
            sales_api,
            "put",
            f"/api/v1/contacts/{contact.pk}/topics",
            {"topics": {"newsletter": False}},
        ),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert Topic.objects.get(pk=topic.pk).name == "Monthly newsletter"


def test_a_contacts_topics_say_what_they_chose_and_what_they_receive(
    admin_api: Client, topics: list[Topic]
) -> None:
    contact = consenting()
    url = f"/api/v1/contacts/{contact.pk}/topics"
    put = send(admin_api, "put", url, {"topics": {"events": False}})
    assert put.status_code == 200
    body = put.json()
    assert body["email_consent"] == "granted" and body["count"] == 3
    items = {i["topic"]: i for i in body["items"]}
    assert items["events"]["subscribed"] is False and items["events"]["method"] == "api"
    assert items["newsletter"]["subscribed"] is True and items["newsletter"]["changed_at"] is None
    unknown = send(admin_api, "put", url, {"topics": {"nope": True}})
    assert unknown.status_code == 422 and unknown.json()["field"] == "topics.nope"
    unsubscribe_all(contact=contact, via=VIA_CENTRE)
    after = admin_api.get(url).json()
    assert after["email_consent"] == "denied"
    assert not any(i["subscribed"] for i in after["items"])
    assert {i["topic"]: i["ticked"] for i in after["items"]}["newsletter"] is True


def test_the_consent_history_lists_every_change_newest_first(
    sales_api: Client, topics: list[Topic]
) -> None:
    contact = consenting()
    contact_topics_set(
        contact=contact, choices={topics[1]: False}, method="preference centre", by=None
    )
    unsubscribe_all(contact=contact, via=VIA_CENTRE)
    body = sales_api.get(f"/api/v1/contacts/{contact.pk}/consents?page_size=2").json()
    assert body["count"] == 4
    first, second = body["items"]
    assert (first["kind"], first["method"]) == ("unsubscribe", "preference centre")
    assert (second["kind"], second["status"], second["method"]) == (
        "consent",
        "denied",
        "unsubscribe",
    )
    rest = sales_api.get(f"/api/v1/contacts/{contact.pk}/consents?page=2&page_size=2").json()
    topics_row, form_row = rest["items"]
    assert topics_row["unsubscribed"] == ["Product news"] and topics_row["by"] is None
    assert form_row["note"] == "Newsletter: Send me the newsletter."
    assert form_row["method"] == "form" and form_row["status"] == "granted"
    assert sales_api.get("/api/v1/contacts/999999/consents").status_code == 404
    assert sales_api.get(f"/api/v1/contacts/{contact.pk}/consents?x=1").status_code == 422

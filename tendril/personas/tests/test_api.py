"""``/api/v1/buying-stages``, ``/api/v1/contacts/{id}/buying-stages`` and ``/api/v1/personas``:
read by every role, personas written by marketing only, bad input a 4xx in the error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event
from tendril.personas.models import BuyingStageDimension
from tendril.segments.services import segment_add_contacts, segment_create

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_the_dimensions_are_listed_with_their_ordered_stages(
    sales_api: Client, b2b: BuyingStageDimension
) -> None:
    body = sales_api.get("/api/v1/buying-stages").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["id"] == b2b.pk and first["kind"] == "b2b" and first["preset"] == "b2b"
    assert [s["key"] for s in first["stages"]][:2] == ["unaware", "problem_recognised"]
    assert first["stages"][-1] == {
        "key": "purchase",
        "label": "Purchase",
        "description": "Signs the contract and pays for the product or service.",
        "position": 8,
    }


def test_a_contacts_stage_is_put_read_and_cleared(
    sales_api: Client, b2c: BuyingStageDimension
) -> None:
    contact = ContactFactory()
    url = f"/api/v1/contacts/{contact.pk}/buying-stages/{b2c.pk}"
    put = send(sales_api, "put", url, {"stage": "evaluation"})
    assert put.status_code == 200, put.json()
    assert put.json()["stage"] == "evaluation" and put.json()["label"] == "Evaluation"
    listed = sales_api.get(f"/api/v1/contacts/{contact.pk}/buying-stages").json()
    assert [(i["dimension"], i["stage"]) for i in listed["items"]] == [
        (b2c.pk - 1, None),
        (b2c.pk, "evaluation"),
    ]
    assert send(sales_api, "put", url, {"stage": None}).json()["stage"] is None
    event = Event.objects.filter(type="buying_stage_changed").latest("id")
    assert event.properties["actor"]["kind"] == "api_key" and event.properties["by"] == "api"


def test_bad_stage_input_is_a_clear_4xx(sales_api: Client, b2c: BuyingStageDimension) -> None:
    contact = ContactFactory()
    url = f"/api/v1/contacts/{contact.pk}/buying-stages/{b2c.pk}"
    unknown = send(sales_api, "put", url, {"stage": "purchase"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "stage"
    assert send(sales_api, "put", url, {"stage": 3}).status_code == 422
    assert send(sales_api, "put", url, {}).status_code == 422
    assert send(sales_api, "put", url, {"stage": "x", "extra": 1}).status_code == 422
    missing = f"/api/v1/contacts/{contact.pk}/buying-stages/999999"
    assert send(sales_api, "put", missing, {"stage": "x"}).status_code == 404
    nobody = f"/api/v1/contacts/999999/buying-stages/{b2c.pk}"
    assert send(sales_api, "put", nobody, {"stage": "conversion"}).status_code == 404


def test_a_persona_is_created_read_listed_edited_and_deleted(
    marketer_api: Client, b2b: BuyingStageDimension, b2c: BuyingStageDimension
) -> None:
    segment = segment_create(name="IT managers", static=True, by=None)
    segment_add_contacts(segment=segment, ids=[ContactFactory().pk], by=None)
    created = send(
        marketer_api,
        "post",
        "/api/v1/personas",
        {
            "name": "Minh, IT manager at an SME",
            "description": "<script>alert(1)</script>",
            "goals": ["Fewer outages"],
            "dimension": b2b.pk,
            "segments": [segment.pk],
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["segments"] == [{"id": segment.pk, "name": "IT managers", "count": 1}]
    assert body["description"] == "<script>alert(1)</script>"
    url = f"/api/v1/personas/{body['id']}"
    assert marketer_api.get(url).json() == body
    assert marketer_api.get("/api/v1/personas").json()["count"] == 1
    patched = send(marketer_api, "patch", url, {"dimension": b2c.pk, "segments": []})
    assert patched.status_code == 200
    assert patched.json()["dimension"] == b2c.pk and patched.json()["segments"] == []
    assert patched.json()["goals"] == ["Fewer outages"]
    assert marketer_api.delete(url).status_code == 204
    assert marketer_api.get(url).status_code == 404


def test_bad_persona_input_is_422_naming_the_field(
    marketer_api: Client, b2b: BuyingStageDimension
) -> None:
    url = "/api/v1/personas"
    cases = [
        ({"name": "", "dimension": b2b.pk}, "name"),
        ({"name": "A"}, "dimension"),
        ({"name": "A", "dimension": 99999}, "dimension"),
        ({"name": "A", "dimension": b2b.pk, "segments": [99999]}, "segments"),
        ({"name": "A", "dimension": b2b.pk, "goals": [1]}, "goals.0"),
        ({"name": "A", "dimension": b2b.pk, "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        answer = send(marketer_api, "post", url, body)
        assert answer.status_code == 422, (body, answer.json())
        assert answer.json()["field"] == field, (body, answer.json())
    send(marketer_api, "post", url, {"name": "Taken", "dimension": b2b.pk})
    twice = send(marketer_api, "post", url, {"name": "taken", "dimension": b2b.pk})
    assert twice.status_code == 409 and twice.json()["field"] == "name"


def test_sales_reps_read_personas_but_cannot_change_them(
    sales_api: Client, marketer_api: Client, b2b: BuyingStageDimension
) -> None:
    made = send(marketer_api, "post", "/api/v1/personas", {"name": "P", "dimension": b2b.pk})
    url = f"/api/v1/personas/{made.json()['id']}"
    assert sales_api.get(url).status_code == 200
    assert (
        send(sales_api, "post", "/api/v1/personas", {"name": "Q", "dimension": b2b.pk}).status_code
        == 403
    )
    assert send(sales_api, "patch", url, {"name": "R"}).status_code == 403
    assert sales_api.delete(url).status_code == 403

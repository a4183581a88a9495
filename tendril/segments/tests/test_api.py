"""``/api/v1/segments`` as API.md describes it: create, read, edit, delete, members, preview,
static lists; 422 naming the filter's bad path; marketing roles write, sales reads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.contacts.tests.factories import ContactFactory
from tendril.core.tests.test_conditions import HOSTILE

pytestmark = pytest.mark.django_db
URL = "/api/v1/segments"
HOT = {"field": "score", "op": "gte", "value": 10}


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_segment_is_created_read_listed_edited_and_deleted(marketer_api: Client) -> None:
    hot = ContactFactory(score=15)
    ContactFactory(score=0)
    created = send(marketer_api, "post", URL, {"name": "Hot", "filter": HOT})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body == {"id": body["id"], "name": "Hot", "filter": HOT, "static": False, "count": 1}
    url = f"{URL}/{body['id']}"
    assert marketer_api.get(url).json()["count"] == 1
    assert marketer_api.get(URL).json()["count"] == 1
    members = marketer_api.get(f"{url}/contacts").json()
    assert members["count"] == 1 and members["items"][0]["id"] == hot.pk
    assert marketer_api.get(f"/api/v1/contacts/{hot.pk}").json()["segments"] == [body["id"]]
    listed = marketer_api.get(f"/api/v1/contacts?segment={body['id']}").json()
    assert [c["id"] for c in listed["items"]] == [hot.pk]
    patched = send(
        marketer_api, "patch", url, {"filter": {"field": "score", "op": "lt", "value": 10}}
    )
    assert patched.status_code == 200 and patched.json()["count"] == 1
    assert marketer_api.delete(url).status_code == 204
    assert marketer_api.get(url).status_code == 404


def test_preview_counts_and_samples_without_saving(marketer_api: Client) -> None:
    ContactFactory.create_batch(12, score=20)
    answer = send(marketer_api, "post", f"{URL}/preview", {"filter": HOT})
    assert answer.status_code == 200
    assert answer.json()["count"] == 12 and len(answer.json()["sample"]) == 10
    assert marketer_api.get(URL).json()["count"] == 0


def test_static_segments_take_contacts_by_id(marketer_api: Client) -> None:
    one, two = ContactFactory.create_batch(2)
    created = send(marketer_api, "post", URL, {"name": "VIP", "static": True}).json()
    url = f"{URL}/{created['id']}/contacts"
    assert send(marketer_api, "post", url, {"ids": [one.pk, two.pk]}).json() == {"changed": 2}
    assert send(marketer_api, "delete", url, {"ids": [one.pk]}).json() == {"changed": 1}
    assert [c["id"] for c in marketer_api.get(url).json()["items"]] == [two.pk]
    missing = send(marketer_api, "post", url, {"ids": [two.pk + 500]})
    assert missing.status_code == 422 and missing.json()["field"] == "ids"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"all": [HOT, {"field": "score", "op": "about", "value": 1}]}, "all[1].op"),
        (
            {"any": [{"event": "page_view", "where": {"url": {"contains": 1}}}]},
            "any[0].where.url.contains",
        ),
        ({"field": "company.employees", "op": "lt", "value": "a hundred"}, "value"),
        ({"event": "page_view", "within": "P100Y"}, "within"),
    ],
)
def test_bad_filters_answer_422_naming_the_path(marketer_api: Client, bad: Any, field: str) -> None:
    for answer in (
        send(marketer_api, "post", URL, {"name": "Bad", "filter": bad}),
        send(marketer_api, "post", f"{URL}/preview", {"filter": bad}),
    ):
        assert answer.status_code == 422
        assert answer.json()["field"] == field and answer.json()["detail"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_and_values_are_stored_and_matched_as_text(
    marketer_api: Client, text: str
) -> None:
    holder = ContactFactory(first_name=text)
    body = {"name": text, "filter": {"field": "first_name", "op": "eq", "value": text}}
    created = send(marketer_api, "post", URL, body)
    assert created.status_code == 201 and created.json()["name"] == text.strip()
    assert created.json()["count"] == 1
    assert (
        marketer_api.get(f"{URL}/{created.json()['id']}/contacts").json()["items"][0]["id"]
        == holder.pk
    )


def test_sales_reads_but_cannot_write(sales_api: Client, marketer_api: Client) -> None:
    created = send(marketer_api, "post", URL, {"name": "Hot", "filter": HOT}).json()
    assert sales_api.get(f"{URL}/{created['id']}").status_code == 200
    assert send(sales_api, "post", f"{URL}/preview", {"filter": HOT}).status_code == 200
    assert send(sales_api, "post", URL, {"name": "Mine", "filter": HOT}).status_code == 403
    assert send(sales_api, "patch", f"{URL}/{created['id']}", {"name": "x"}).status_code == 403
    assert sales_api.delete(f"{URL}/{created['id']}").status_code == 403

"""``/api/v1/forms``: marketing makes forms whose fields map to contact fields; bad forms are
refused naming the bad part; every role reads them; and concurrent submissions of one person at
a live server make one contact."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.test import Client

from tendril.contacts.models import Contact
from tendril.contacts.services import custom_field_create
from tendril.core.models import Event
from tendril.web.services import form_create

pytestmark = pytest.mark.django_db
FIELDS = [{"key": "email", "label": "Email"}, {"key": "first_name", "label": "First name"}]


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_form_is_made_with_its_page_and_embed_tag(marketer_api: Client) -> None:
    response = send(
        marketer_api,
        "post",
        "/api/v1/forms",
        {"name": "Webinar", "fields": [*FIELDS, {"key": "utm_source"}], "consent_text": "OK"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"].endswith(f"/f/{body['key']}")
    assert f"/f/{body['key']}/embed.js" in body["embed"]
    assert body["fields"][0] == {
        "key": "email",
        "label": "Email",
        "type": "email",
        "required": True,
        "options": None,
    }
    assert body["fields"][2]["type"] == "hidden"


def test_custom_fields_can_be_asked_and_unknown_ones_cannot(marketer_api: Client) -> None:
    custom_field_create(key="budget", label="Budget", type="text", by=None)
    ok = send(
        marketer_api,
        "post",
        "/api/v1/forms",
        {"name": "A", "fields": [*FIELDS, {"key": "fields.budget", "label": "Budget"}]},
    )
    assert ok.status_code == 201
    bad = send(
        marketer_api,
        "post",
        "/api/v1/forms",
        {"name": "B", "fields": [*FIELDS, {"key": "fields.nope", "label": "X"}]},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "fields[2].key"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "fields": FIELDS}, "name"),
        ({"name": "A", "fields": [{"key": "first_name", "label": "F"}]}, "fields"),
        ({"name": "A", "fields": [*FIELDS, {"key": "email", "label": "Again"}]}, "fields[2].key"),
        ({"name": "A", "fields": [*FIELDS, {"key": "phone", "label": ""}]}, "fields[2].label"),
        (
            {"name": "A", "fields": [*FIELDS, {"key": "phone", "label": "P", "type": "select"}]},
            "fields[2].options",
        ),
        ({"name": "A", "fields": FIELDS, "redirect_url": "javascript:alert(1)"}, "redirect_url"),
        ({"name": "A", "fields": FIELDS, "double_opt_in": True}, "consent_text"),
        ({"name": "A", "fields": [*FIELDS, {"key": "password", "label": "P"}]}, "fields[2].key"),
    ],
)
def test_bad_forms_are_refused_naming_the_part(marketer_api: Client, body: Any, field: str) -> None:
    response = send(marketer_api, "post", "/api/v1/forms", body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_every_role_reads_forms_and_only_marketing_changes_them(
    marketer_api: Client, sales_api: Client
) -> None:
    made = send(marketer_api, "post", "/api/v1/forms", {"name": "A", "fields": FIELDS}).json()
    assert sales_api.get("/api/v1/forms").json()["count"] == 1
    assert sales_api.get(f"/api/v1/forms/{made['id']}").status_code == 200
    assert send(sales_api, "patch", f"/api/v1/forms/{made['id']}", {"name": "B"}).status_code == 403
    renamed = send(marketer_api, "patch", f"/api/v1/forms/{made['id']}", {"name": "B"})
    assert renamed.json()["name"] == "B"
    assert send(marketer_api, "delete", f"/api/v1/forms/{made['id']}").status_code == 204
    assert marketer_api.get(f"/api/v1/forms/{made['id']}").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_submitting_at_once_from_many_tabs_is_one_contact(live_server: Any) -> None:
    form = form_create(data={"name": "Newsletter", "fields": FIELDS}, by=None)

    def submit(n: int) -> int:
        request = urllib.request.Request(
            f"{live_server.url}/f/{form.key}",
            data=json.dumps({"email": "same@example.com", "first_name": f"Tab {n}"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(submit, range(6)))
    assert statuses == [200] * 6
    assert Contact.objects.filter(email="same@example.com").count() == 1
    assert Event.objects.filter(type="form_submit").count() == 6
    assert Event.objects.filter(type="contact_created").count() == 1

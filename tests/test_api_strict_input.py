"""The API takes types as JSON writes them (no "12" for 12, no true for 1) and refuses query
parameters an operation does not take, naming the field or parameter, on every operation."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tendril.api import api
from tendril.contacts.models import Company, Contact
from tendril.contacts.services import contact_create

pytestmark = pytest.mark.django_db


def _post(client: Any, path: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/contacts", {"email": "a@acme.io", "owner": True}, "owner"),
        ("/api/v1/contacts", {"email": "a@acme.io", "owner": "1"}, "owner"),
        ("/api/v1/contacts", {"email": "a@acme.io", "owner": 1.0}, "owner"),
        (
            "/api/v1/contacts",
            {"email": "a@acme.io", "company": {"name": "Acme", "employees": "12"}},
            "company.employees",
        ),
        (
            "/api/v1/contacts",
            {"email": "a@acme.io", "company": {"name": "Acme", "employees": True}},
            "company.employees",
        ),
        ("/api/v1/contacts", {"email": 12}, "email"),
        ("/api/v1/events", {"contact_id": "1", "type": "custom:x"}, "contact_id"),
        ("/api/v1/events", {"contact_id": True, "type": "custom:x"}, "contact_id"),
        ("/api/v1/custom-fields", {"label": 5, "type": "text"}, "label"),
        ("/api/v1/apikeys", {"name": True, "role": "sales"}, "name"),
        ("/api/v1/emails", {"name": 5, "subject": "Hi", "html": "x"}, "name"),
        ("/api/v1/emails", {"name": "N", "subject": "Hi", "html": ["x"]}, "html"),
        ("/api/v1/emails", {"name": "N", "subject": "Hi", "html": "x", "language": 1}, "language"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_422_naming_the_field(admin_api, path, body, field):
    response = _post(admin_api, path, body)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Contact.objects.exists() and not Company.objects.exists()


def test_a_patch_with_a_string_for_a_number_is_422(admin_api):
    contact = contact_create(data={"email": "a@acme.io"}, by=None)

    response = _post(admin_api, f"/api/v1/contacts/{contact.pk}", {"owner": "1"}, "patch")

    assert response.status_code == 422
    assert response.json()["field"] == "owner"


def test_a_batch_item_of_the_wrong_type_is_reported_by_index(admin_api):
    items = [{"contact_id": "7", "type": "custom:x"}]

    response = _post(admin_api, "/api/v1/events/batch", items)

    assert response.status_code == 202
    assert response.json()["rejected"][0]["field"] == "contact_id"


def test_times_as_iso_text_are_still_accepted(admin_api):
    contact = contact_create(data={"email": "a@acme.io"}, by=None)
    body = {"contact_id": contact.pk, "type": "custom:x", "occurred_at": "2025-01-02T03:04:05Z"}

    assert _post(admin_api, "/api/v1/events", body).status_code == 202


def _get_operations() -> list[str]:
    """Every GET path of the API, with ``1`` for its path parameters."""
    schema = api.get_openapi_schema()
    return [
        re.sub(r"\{[^}]+\}", "1", path)
        for path, operations in schema["paths"].items()
        if "get" in operations
    ]


@pytest.mark.parametrize("path", _get_operations())
def test_every_operation_refuses_an_unknown_query_parameter_naming_it(admin_api, path):
    contact_create(data={"email": "a@acme.io", "first_name": "Ann"}, by=None)

    response = admin_api.get(f"{path}?colour=red")

    assert response.status_code == 422, (path, response.content)
    assert response.json() == {"detail": "unknown query parameter 'colour'", "field": "colour"}


def test_a_write_with_an_unknown_query_parameter_writes_nothing(admin_api):
    response = _post(admin_api, "/api/v1/contacts?sendWelcome=true", {"email": "a@acme.io"})

    assert response.status_code == 422
    assert response.json()["field"] == "sendWelcome"
    assert not Contact.objects.exists()


def test_known_query_parameters_still_filter(admin_api):
    contact_create(data={"email": "a@acme.io", "first_name": "Ann"}, by=None)
    contact_create(data={"email": "b@beta.io", "first_name": "Bo"}, by=None)

    response = admin_api.get("/api/v1/contacts?q=ann&page=1&page_size=10")

    assert [c["email"] for c in response.json()["items"]] == ["a@acme.io"]


def test_a_caller_without_a_key_hears_401_before_any_parameter_check(client):
    assert client.get("/api/v1/contacts?colour=red").status_code == 401

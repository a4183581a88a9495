"""Bad requests get a clear 4xx in the ``{"detail", "field"}`` shape and write nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import ApiKey
from tendril.contacts.models import Company, Contact, CustomField
from tendril.core.models import Event

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any, method: str = "post") -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method)(path, data, content_type="application/json")


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "field"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["field"] == field
    return body


def nothing_written() -> None:
    assert not Contact.objects.exists()
    assert not Company.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "path", ["/api/v1/contacts", "/api/v1/events", "/api/v1/events/batch", "/api/v1/apikeys"]
)
@pytest.mark.parametrize("body", ['{"email": "a@b.io",', "not json", b"\xff\xfe{}", "[1, 2"])
def test_malformed_json_is_400(admin_api, path, body):
    response = post(admin_api, path, body)

    detail = assert_error(response, 400)["detail"]
    assert "JSON" in detail
    nothing_written()
    assert ApiKey.objects.count() == 1


def test_malformed_json_on_patch_and_put_is_400(admin_api):
    contact = post(admin_api, "/api/v1/contacts", {"email": "a@acme.io"}).json()

    put = post(admin_api, "/api/v1/contacts", "{oops", method="put")
    patch = post(admin_api, f"/api/v1/contacts/{contact['id']}", "{oops", method="patch")

    assert_error(put, 400)
    assert_error(patch, 400)
    assert Contact.objects.get().first_name == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": 42}, "email"),
        ({"email": ["a@b.io"]}, "email"),
        ({}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@acme.io", "first_name": {"x": 1}}, "first_name"),
        ({"email": "a@acme.io", "first_name": "x" * 101}, "first_name"),
        ({"email": "a@acme.io", "company": "Acme"}, "company"),
        (
            {"email": "a@acme.io", "company": {"name": "A", "employees": "many"}},
            "company.employees",
        ),
        ({"email": "a@acme.io", "company": {"name": "A", "employees": -1}}, "company.employees"),
        ({"email": "a@acme.io", "company": {"name": "A", "ceo": "B"}}, "company.ceo"),
        ({"email": "a@acme.io", "fields": []}, "fields"),
        ({"email": "a@acme.io", "consent": {"fax": "granted"}}, "consent.fax"),
        ({"email": "a@acme.io", "owner": "bob"}, "owner"),
        ({"email": "a@acme.io", "owner": 0}, "owner"),
        ({"email": "a@acme.io", "stage": 3}, "stage"),
        ({"email": "a@acme.io", "first_name": "nul\x00byte"}, "first_name"),
    ],
)
def test_wrong_types_are_422_naming_the_field(marketer_api, body, field):
    response = post(marketer_api, "/api/v1/contacts", body)

    assert_error(response, 422, field)
    nothing_written()


@pytest.mark.parametrize("body", [[], "null", "42", '"text"'])
def test_a_body_that_is_not_an_object_is_422(marketer_api, body):
    response = post(marketer_api, "/api/v1/contacts", body if isinstance(body, str) else "[]")

    assert_error(response, 422, None)
    nothing_written()


def test_unknown_top_level_field_is_422(marketer_api):
    response = post(marketer_api, "/api/v1/contacts", {"email": "a@acme.io", "nickname": "Al"})

    body = assert_error(response, 422, "nickname")
    assert "unknown field" in body["detail"]
    nothing_written()


def test_unknown_field_on_an_event_is_422(marketer_api):
    response = post(marketer_api, "/api/v1/events", {"visitor_id": "v", "type": "x", "when": 1})

    assert_error(response, 422, "when")
    nothing_written()


def test_event_with_properties_that_are_not_an_object_is_422(marketer_api):
    response = post(
        marketer_api, "/api/v1/events", {"visitor_id": "v", "type": "x", "properties": 1}
    )

    assert_error(response, 422, "properties")
    nothing_written()


def test_event_with_an_unparseable_time_is_422(marketer_api):
    response = post(
        marketer_api, "/api/v1/events", {"visitor_id": "v", "type": "x", "occurred_at": "soon"}
    )

    assert_error(response, 422, "occurred_at")
    nothing_written()


def test_a_10_mb_body_is_413(marketer_api):
    body = json.dumps({"email": "a@acme.io", "first_name": "x" * (10 * 1024 * 1024)})

    response = post(marketer_api, "/api/v1/contacts", body)

    body = assert_error(response, 413)
    assert "limit" in body["detail"]
    nothing_written()


def test_a_10_mb_event_batch_is_413(marketer_api):
    items = [{"visitor_id": "v", "type": "x", "properties": {"pad": "x" * 10_000}}] * 1000

    response = post(marketer_api, "/api/v1/events/batch", items)

    assert_error(response, 413)
    nothing_written()


@pytest.mark.parametrize(
    "path", ["/api/v1/contacts/abc", "/api/v1/contacts/1.5/timeline", "/api/v1/nowhere"]
)
def test_unknown_paths_are_404(marketer_api, path):
    assert marketer_api.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=x", "page_size=0", "page_size=501", "owner=abc", "owner=-1", "segment=1e3"],
)
def test_bad_list_parameters_are_422(marketer_api, query):
    response = marketer_api.get(f"/api/v1/contacts?{query}")

    field = query.split("=")[0]
    assert_error(response, 422, field)


def test_an_id_too_large_for_the_database_is_404_not_500(marketer_api):
    response = marketer_api.get(f"/api/v1/contacts/{2**70}")

    assert response.status_code == 404


def test_sales_deleting_a_contact_is_403_and_keeps_it(marketer_api, sales_api):
    contact = post(marketer_api, "/api/v1/contacts", {"email": "a@acme.io"}).json()

    response = sales_api.delete(f"/api/v1/contacts/{contact['id']}")

    assert_error(response, 403)
    assert Contact.objects.filter(pk=contact["id"]).exists()


def test_sales_creating_a_custom_field_is_403(sales_api):
    response = post(sales_api, "/api/v1/custom-fields", {"label": "Tier", "type": "text"})

    assert_error(response, 403)
    assert not CustomField.objects.exists()


def test_sales_importing_contacts_is_403(sales_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.csv", b"email\na@acme.io\n", content_type="text/csv")
    response = sales_api.post("/api/v1/contacts/import", {"file": upload})

    assert_error(response, 403)
    nothing_written()


def test_a_request_without_a_key_writes_nothing(db):
    response = post(Client(), "/api/v1/contacts", {"email": "a@acme.io"})

    assert_error(response, 401)
    nothing_written()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"email": "a@acme.io", "first_name": "Ann\\u0000"}', "first_name"),
        ('{"email": "a@acme.io", "last_name": "\\ud800"}', "last_name"),
        ('{"email": "a@acme.io", "company": {"name": "A\\u0000"}}', "company.name"),
        ('{"email": "a@acme.io", "fields": {"x\\u0000": 1}}', "fields"),
    ],
)
def test_text_no_database_can_store_is_422_not_500(marketer_api, body, field):
    response = post(marketer_api, "/api/v1/contacts", body)

    assert_error(response, 422, field)
    nothing_written()


def test_a_nul_in_a_query_parameter_is_422(marketer_api):
    response = marketer_api.get("/api/v1/contacts", {"q": "a\x00b"})

    assert_error(response, 422, "q")


def test_a_nul_in_a_custom_field_key_in_the_path_is_422(marketer_api):
    response = marketer_api.delete("/api/v1/custom-fields/a%00b")

    assert_error(response, 422, "key")


def test_a_nul_in_one_batch_item_rejects_only_that_item(marketer_api):
    body = (
        '[{"visitor_id": "v1", "type": "custom:ok"},'
        ' {"visitor_id": "v2", "type": "custom:x", "properties": {"note": "a\\u0000"}}]'
    )

    response = post(marketer_api, "/api/v1/events/batch", body)

    assert response.status_code == 202
    assert response.json()["accepted"] == 1
    assert response.json()["rejected"][0]["index"] == 1
    assert response.json()["rejected"][0]["field"] == "properties.note"
    assert list(Event.objects.values_list("type", flat=True)) == ["custom:ok"]


def test_absurdly_nested_json_is_400(marketer_api):
    body = "[" * 100_000 + "]" * 100_000

    batch = post(marketer_api, "/api/v1/events/batch", body)
    single = post(marketer_api, "/api/v1/events", body)

    assert_error(batch, 400)
    assert_error(single, 400)
    nothing_written()


def test_an_occurred_at_offset_beyond_postgres_range_is_stored_in_utc(marketer_api):
    response = post(
        marketer_api,
        "/api/v1/events",
        {"visitor_id": "v", "type": "custom:x", "occurred_at": "2026-01-23T07:52:15-21:34"},
    )

    assert response.status_code == 202
    stored = Event.objects.get(pk=response.json()["id"]).occurred_at
    assert stored.isoformat() == "2026-01-24T05:26:15+00:00"
    since = marketer_api.get("/api/v1/events", {"since": "2026-01-23T07:52:15-21:34"})
    assert since.status_code == 200
    assert since.json()["count"] == 1


def test_an_occurred_at_that_overflows_in_utc_is_422(marketer_api):
    response = post(
        marketer_api,
        "/api/v1/events",
        {"visitor_id": "v", "type": "custom:x", "occurred_at": "0001-01-01T00:00:00+05:00"},
    )

    assert_error(response, 422, "occurred_at")
    nothing_written()

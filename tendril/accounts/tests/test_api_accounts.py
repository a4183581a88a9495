from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import ApiKey, AuditEntry
from tendril.accounts.services import apikey_create, apikey_revoke

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_me_says_which_key_and_role_is_calling(sales_api):
    response = sales_api.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "kind": "apikey",
        "name": "sales key",
        "role": "sales",
        "language": None,
        "time_zone": None,
    }


def test_me_answers_a_logged_in_user_too(marketer):
    client = Client()
    client.force_login(marketer)

    response = client.get("/api/v1/me")

    assert response.json() == {
        "kind": "user",
        "name": "marketer@tendril.test",
        "role": "marketer",
        "language": None,
        "time_zone": None,
    }


def test_admin_creates_an_api_key_and_sees_the_secret_once(admin_api):
    response = post(admin_api, "/api/v1/apikeys", {"name": "Zapier", "role": "marketer"})

    assert response.status_code == 201
    body = response.json()
    assert body["key"].startswith("tdl_")
    assert body["role"] == "marketer"
    listed = admin_api.get("/api/v1/apikeys").json()
    assert "key" not in next(k for k in listed if k["id"] == body["id"])
    assert Client(HTTP_AUTHORIZATION=f"Bearer {body['key']}").get("/api/v1/me").json() == {
        "kind": "apikey",
        "name": "Zapier",
        "role": "marketer",
        "language": None,
        "time_zone": None,
    }
    assert AuditEntry.objects.filter(action="apikey.create", target_id=str(body["id"])).exists()


def test_admin_revokes_an_api_key_and_it_stops_working(admin_api):
    key, secret = apikey_create(name="old", role="admin", by=None)

    response = admin_api.delete(f"/api/v1/apikeys/{key.pk}")

    assert response.status_code == 204
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 401
    assert AuditEntry.objects.filter(action="apikey.revoke").count() == 1


def test_revoking_an_unknown_key_is_404(admin_api):
    response = admin_api.delete("/api/v1/apikeys/99999")

    assert response.status_code == 404


def test_api_key_with_an_unknown_role_is_422(admin_api):
    response = post(admin_api, "/api/v1/apikeys", {"name": "x", "role": "root"})

    assert response.status_code == 422
    assert response.json()["field"] == "role"


def test_api_key_with_a_blank_name_is_422(admin_api):
    response = post(admin_api, "/api/v1/apikeys", {"name": "   ", "role": "sales"})

    assert response.status_code == 422
    assert response.json()["field"] == "name"
    assert ApiKey.objects.count() == 1  # only the caller's own key


@pytest.mark.parametrize("client_name", ["marketer_api", "sales_api"])
def test_only_admins_manage_api_keys(request, client_name):
    client = request.getfixturevalue(client_name)
    own = ApiKey.objects.get()

    listed = client.get("/api/v1/apikeys")
    created = post(client, "/api/v1/apikeys", {"name": "x", "role": "admin"})
    revoked = client.delete(f"/api/v1/apikeys/{own.pk}")

    assert (listed.status_code, created.status_code, revoked.status_code) == (403, 403, 403)
    assert created.json() == {"detail": "only an admin can do this", "field": None}
    assert ApiKey.objects.count() == 1
    assert ApiKey.objects.get().revoked_at is None


@pytest.mark.parametrize("client_name", ["marketer_api", "sales_api"])
def test_only_admins_read_the_audit_log_and_users(request, client_name):
    client = request.getfixturevalue(client_name)

    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/api/v1/users").status_code == 403


def test_audit_log_lists_newest_first(admin_api):
    key, _ = apikey_create(name="temp", role="sales", by=None)
    apikey_revoke(key=key, by=None)

    response = admin_api.get("/api/v1/audit?page_size=2")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == AuditEntry.objects.count() == 3
    assert [e["action"] for e in body["items"]] == ["apikey.revoke", "apikey.create"]
    assert body["items"][0]["target_id"] == str(key.pk)
    assert body["items"][0]["actor"] == "system"


def test_users_list_shows_roles(admin_api, admin_user, sales_rep):
    response = admin_api.get("/api/v1/users")

    assert response.status_code == 200
    assert [(u["email"], u["role"]) for u in response.json()] == [
        ("admin@tendril.test", "admin"),
        ("sales@tendril.test", "sales"),
    ]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer nonsense",
        "Bearer tdl_00000000_not-a-real-key",
        "Basic dXNlcjpwYXNz",
        "Token tdl_x",
    ],
)
def test_missing_or_bad_api_key_is_401_with_the_error_shape(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()

    response = client.get("/api/v1/contacts")

    assert response.status_code == 401
    assert response.json()["field"] is None
    assert "API key" in response.json()["detail"]


def test_revoked_api_key_is_401(db):
    key, secret = apikey_create(name="gone", role="admin", by=None)
    apikey_revoke(key=key, by=None)

    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/contacts")

    assert response.status_code == 401


def test_using_a_key_records_when_it_was_last_used(db):
    key, secret = apikey_create(name="used", role="sales", by=None)

    Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")

    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None

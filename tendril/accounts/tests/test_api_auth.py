"""Who may call the API: a script without a valid key gets 401 (never a CSRF 403); a signed-in
browser uses its session and, for writes, its CSRF token."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tendril.accounts.models import ApiKey

pytestmark = pytest.mark.django_db

BODY = json.dumps({"name": "crm sync", "role": "sales"})


def _post(client: Client, **headers: str):
    return client.post("/api/v1/apikeys", BODY, content_type="application/json", **headers)


@pytest.mark.parametrize("authorization", [None, "Bearer tdl_wrong", "Bearer ", "Basic eDp5"])
def test_a_write_without_a_valid_key_is_401_not_a_csrf_403(authorization):
    script = Client(enforce_csrf_checks=True)
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = _post(script, **headers)

    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "field"} and body["field"] is None
    assert "API key" in body["detail"]
    assert not ApiKey.objects.exists()


def test_a_stale_session_cookie_without_a_key_is_401():
    script = Client(enforce_csrf_checks=True)
    script.cookies["sessionid"] = "no-such-session"

    assert _post(script).status_code == 401


def test_a_signed_in_browser_still_needs_its_csrf_token_to_write(admin_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    browser.get("/api/docs")  # sets the CSRF cookie, as any page with a form does
    token = browser.cookies["csrftoken"].value

    refused = _post(browser)
    accepted = _post(browser, HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert accepted.status_code == 201, accepted.content
    assert ApiKey.objects.count() == 1
    assert browser.get("/api/v1/me").json()["name"] == admin_user.email


def test_a_valid_key_writes_without_any_csrf_token(admin_api):
    admin_api.handler.enforce_csrf_checks = True

    assert _post(admin_api).status_code == 201

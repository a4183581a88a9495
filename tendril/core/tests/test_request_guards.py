"""Request guards and browser security headers (tendril.core.middleware)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Page templates: an email's body (a template named email*.html) is read by mail clients, which
# keep only inline styles and never see the Content-Security-Policy.
TEMPLATES = sorted(
    p
    for p in Path(__file__).resolve().parents[2].glob("**/templates/**/*.html")
    if not p.name.startswith("email")
)


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; x=1"])
def test_an_api_upload_without_a_multipart_boundary_is_400_with_a_plain_message(
    admin_api, content_type
):
    response = admin_api.post(
        "/api/v1/contacts/import", b"--x\r\n\r\nemail\r\n", content_type=content_type
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "field"}
    assert "boundary" in body["detail"]


def test_a_screen_upload_without_a_multipart_boundary_is_400_with_a_plain_message(marketer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(marketer)

    response = browser.post("/contacts/import/", b"--x\r\n", content_type="multipart/form-data")

    assert response.status_code == 400
    assert "boundary" in response.json()["detail"]


def test_every_html_page_carries_a_content_security_policy_without_inline_code(admin_user):
    browser = Client()
    browser.force_login(admin_user)

    for path in ["/login/", "/contacts/", "/contacts/import/", "/api/docs", "/no-such-page/"]:
        response = browser.get(path)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_json_answers_carry_no_content_security_policy(admin_api):
    response = admin_api.get("/api/v1/me")

    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_templates_hold_no_inline_script_style_or_event_handler(template):
    html = template.read_text()

    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert inline_scripts == []
    assert re.findall(r"<style\b|\sstyle=|\son[a-z]+=|hx-on", html) == []

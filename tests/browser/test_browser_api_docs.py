"""The API docs render in a real browser with the Content-Security-Policy and no network."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_api_docs_render_offline_under_the_content_security_policy(page: Page, live_server):
    foreign: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server.url)
            else (foreign.append(route.request.url), route.abort())
        ),
    )

    response = page.goto("/api/docs")

    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/contacts").first).to_be_visible()
    assert foreign == []

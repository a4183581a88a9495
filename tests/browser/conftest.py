"""Playwright fixtures: one chromium per session, a fresh page per test that fails the test on
any JavaScript error or console error, and a way to open a page already signed in."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright

from tendril.accounts.models import User

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set
# up data are still plain synchronous calls, so Django's async guard (read on each call) must
# stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUILD = Path(__file__).resolve().parents[2] / "tendril" / "ui" / "static" / "build"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    missing = [n for n in ("htmx.min.js", "app.css", "app.js") if not (BUILD / n).exists()]
    if missing:
        pytest.fail(
            f"static assets not built ({', '.join(missing)}): "
            "run `cd frontend && npm install --no-audit --no-fund && node build.mjs`"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context_options() -> dict[str, Any]:
    """Extra options for the page's browser context; a test module overrides this fixture to
    browse as someone else would, e.g. ``{"locale": "vi-VN"}`` (sent as Accept-Language)."""
    return {}


@pytest.fixture
def page(browser: Browser, live_server: Any, context_options: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(5000)
    page = context.new_page()
    problems: list[str] = []
    # Pages that re-show a refused form answer 422 on purpose (``ui.views.form_page``);
    # chromium logs that as a failed load of the document, which is not a problem of the page.
    refused_forms: set[str] = set()

    def on_response(response: Response) -> None:
        if response.status == 422 and response.request.is_navigation_request():
            refused_forms.add(response.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if message.location.get("url") in refused_forms and "status of 422" in message.text:
            return
        problems.append(f"console error: {message.text}")

    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", on_console)
    yield page
    context.close()
    assert problems == []


@pytest.fixture
def sign_in(page: Page, live_server: Any) -> Callable[[User], Page]:
    """Give the page a signed-in session for ``user`` without going through the form."""

    def sign(user: User) -> Page:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        page.context.add_cookies(
            [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
        )
        return page

    return sign

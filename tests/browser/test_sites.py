"""The Sites screens in a real browser: a marketer opens Sites from the menu, adds a site with
two domains, copies the snippet (which names this Tendril and the site's key), gives the site a
new key and deletes it; a wrong domain is shown on its field. The same pages in Vietnamese read
translated. The pages run under the Content-Security-Policy: a refused script is a console
error, which fails the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.tracking.models import Site
from tendril.tracking.services import site_create

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")
# The Copy button writes to the clipboard, which chromium opens to a page only when allowed.
CLIPBOARD = {"permissions": ["clipboard-read", "clipboard-write"]}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sites_{name}.png"), full_page=True)


@pytest.fixture
def tendril_here(settings: Any, live_server: Any) -> str:
    """The snippet names TENDRIL_BASE_URL: here, the test server."""
    settings.BASE_URL = live_server.url
    return str(live_server.url)


@pytest.mark.parametrize("context_options", [CLIPBOARD])
def test_a_marketer_adds_a_site_copies_its_snippet_renews_its_key_and_deletes_it(
    sign_in: Callable[[User], Page], marketer: User, tendril_here: str
) -> None:
    page = sign_in(marketer)
    page.goto("/")
    page.locator(".nav").get_by_role("link", name="Sites").click()
    expect(page.get_by_role("heading", name="Sites")).to_be_visible()
    expect(page.get_by_text("There are no sites yet.")).to_be_visible()
    page.get_by_role("link", name="Add a site").click()

    page.get_by_label("Name").fill("Minh's shop")
    page.get_by_label("Domains").fill("shop.example.com\nmy blog.example.com")
    page.get_by_role("button", name="Add the site").click()
    domains = page.locator(".field", has=page.get_by_label("Domains"))
    expect(domains.locator(".errorlist")).to_have_text(
        "'my blog.example.com' is not a domain name, e.g. example.com or *.example.com"
    )
    expect(page.get_by_label("Name")).to_have_value("Minh's shop")
    shot(page, "error")
    page.get_by_label("Domains").fill("Shop.Example.com\nblog.example.com")
    page.get_by_role("button", name="Add the site").click()

    expect(page.get_by_role("heading", name="Minh's shop")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("The site Minh's shop was added")
    site = Site.objects.get()
    assert site.domains == ["shop.example.com", "blog.example.com"]
    expect(page.locator(".site-domains li")).to_have_text(["shop.example.com", "blog.example.com"])
    expect(page.locator(".site-key")).to_have_text(site.key)
    tag = f'<script async src="{tendril_here}/t/tendril.js" data-site="{site.key}"></script>'
    snippet = page.get_by_label("Snippet")
    expect(snippet).to_have_value(tag)
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == tag
    assert page.request.get(f"{tendril_here}/t/tendril.js").ok
    shot(page, "page")

    page.get_by_role("link", name="New key").click()
    expect(page.get_by_text("The old key stops working at once")).to_be_visible()
    shot(page, "new_key")
    page.get_by_role("button", name="Make a new key").click()
    expect(page.locator(".messages")).to_contain_text("Minh's shop has a new key")
    site.refresh_from_db()
    assert tag.split('data-site="')[1] != f'{site.key}"></script>'
    expect(page.get_by_label("Snippet")).to_have_value(
        f'<script async src="{tendril_here}/t/tendril.js" data-site="{site.key}"></script>'
    )

    page.get_by_role("link", name="Sites").first.click()
    row = page.locator("table.site-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("shop.example.com")
    expect(row).to_contain_text("blog.example.com")
    shot(page, "list")
    row.get_by_role("link", name="Minh's shop").click()
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete site").click()
    expect(page.locator(".messages")).to_contain_text("The site Minh's shop was deleted.")
    expect(page.get_by_text("There are no sites yet.")).to_be_visible()
    assert not Site.objects.exists()


@pytest.mark.parametrize("context_options", [{"locale": "vi-VN"}])
def test_a_sites_page_reads_vietnamese(
    sign_in: Callable[[User], Page], marketer: User, tendril_here: str
) -> None:
    site = site_create(data={"name": "Cửa hàng", "domains": ["cuahang.example.vn"]}, by=None)
    page = sign_in(marketer)
    page.goto("/")
    page.locator(".nav").get_by_role("link", name="Trang web").click()
    page.get_by_role("link", name="Cửa hàng").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Khóa công khai")).to_be_visible()
    expect(page.locator("#site-snippet-code")).to_have_value(
        f'<script async src="{tendril_here}/t/tendril.js" data-site="{site.key}"></script>'
    )
    expect(page.get_by_role("button", name="Sao chép")).to_be_visible()
    shot(page, "page_vi")

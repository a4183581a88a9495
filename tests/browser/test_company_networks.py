"""Account-based marketing in a real browser: a marketer gives a company a network on the
company page (a wrong one is shown on the box, what was typed kept), then a page view from that
network, still anonymous, shows under the company's "Website visits"."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.tests.factories import CompanyFactory
from tendril.core.models import Event
from tendril.tracking.services import site_create

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")
SHOP = "https://shop.example.com"
# A person's browser: headless chromium says so in its user agent, and robots are not recorded.
PERSON = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"networks_{name}.png"), full_page=True)


def test_a_marketer_adds_a_network_and_a_visit_from_it_shows_on_the_company_page(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    company = CompanyFactory(name="Acme Logistics", domain="acme-logistics.example")
    site = site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)
    page = sign_in(marketer)
    page.goto(f"/companies/{company.pk}/")
    networks = page.locator("#networks")
    expect(networks.get_by_role("heading", name="Networks")).to_be_visible()
    expect(networks.get_by_text("No network is this company's yet.")).to_be_visible()
    expect(page.locator("#website-visits")).to_contain_text("No page views from this company")

    # The test server sees the browser at 127.0.0.1: that is the company's office here.
    page.get_by_label("Add networks").fill("127.0.0.0/24, 127.0.0.300")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text(
        "'127.0.0.300' is not an IP address or network"
    )
    expect(page.get_by_label("Add networks")).to_have_value("127.0.0.0/24, 127.0.0.300")
    shot(page, "error")
    page.get_by_label("Add networks").fill("127.0.0.0/24")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("127.0.0.0/24 was added to Acme Logistics.")
    expect(page.locator("#networks code")).to_have_text(["127.0.0.0/24"])

    # An anonymous visitor on the shop, from that network, views a page.
    body = {
        "k": site.key,
        "i": "firsthit01",
        "v": "anonvisitor1",
        "e": [{"t": "page_view", "u": f"{SHOP}/pricing", "ti": "Pricing"}],
    }
    sent = page.request.post(
        "/t/collect",
        data=json.dumps(body),
        headers={"Origin": SHOP, "Content-Type": "text/plain", "User-Agent": PERSON},
    )
    assert sent.status == 204
    assert Event.objects.get(type="page_view").properties["company"] == company.pk

    page.reload()
    visits = page.locator("#website-visits")
    expect(visits.locator('[data-figure="page-views"]')).to_have_text("1")
    expect(visits.locator('[data-figure="visitors"]')).to_have_text("1")
    expect(visits.locator(".company-pages")).to_contain_text("Pricing")
    expect(visits.locator(".company-visitors")).to_contain_text("Anonymous visitor anonvisi")
    visits.scroll_into_view_if_needed()
    shot(page, "visits")

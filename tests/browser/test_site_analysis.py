"""A site's analysis in a real browser: a marketer opens Sites, the site, then Analysis, and sees
the figures, the chart of unique visitors per day drawn by the shared bar chart, and the tables
of top, entry and exit pages and sources; the week's period redraws them; the same page in Thai
reads translated. The page runs under the Content-Security-Policy: a refused script is a
console error, which fails the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.tests.factories import EventFactory
from tendril.core import clock
from tendril.tracking.models import Site
from tendril.tracking.services import site_create

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")
SHOP = "https://shop.example.com"


@pytest.fixture(autouse=True)
def noon() -> Iterator[None]:
    """Noon UTC, so this morning's page views are in the past whenever the test runs."""
    with time_machine.travel(datetime(2025, 3, 20, 12, 0, tzinfo=UTC), tick=True):
        yield


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"analysis_{name}.png"), full_page=True)


def a_site_with_visits() -> Site:
    """Five days of visits: each day two visitors, home then pricing, one from a search engine
    and one from an email; on the last two days a third reads the blog and leaves. One page
    view's URL is hostile (an SDK can send anything)."""
    site = site_create(data={"name": "Minh's shop", "domains": ["shop.example.com"]}, by=None)
    today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    for ago in range(5):
        day = today - timedelta(days=ago)
        people = [("search", "visitor-a"), ("email", "visitor-b")]
        if ago < 2:
            people.append(("social", "visitor-c"))
        for n, (source, visitor) in enumerate(people):
            session = f"s{ago}-{n}"
            pages = ["/blog/launch"] if source == "social" else ["/", "/pricing?plan=pro"]
            for i, path in enumerate(pages):
                EventFactory(
                    visitor_id=visitor,
                    occurred_at=day + timedelta(hours=8 + n, minutes=i),
                    properties={
                        "url": SHOP + path,
                        "site": site.pk,
                        "session": session,
                        "source": source if i == 0 else "internal",
                    },
                )
    for seconds in (40, 80):
        EventFactory(
            type="page_left",
            occurred_at=today + timedelta(hours=9),
            properties={"url": SHOP + "/pricing?plan=pro", "site": site.pk, "seconds": seconds},
        )
    EventFactory(
        visitor_id="visitor-x",
        occurred_at=today + timedelta(minutes=1),
        properties={"url": "javascript:<img src=x onerror=alert(1)>", "site": site.pk},
    )
    return site


def test_a_marketer_opens_a_sites_analysis_with_its_chart_and_tables(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    a_site_with_visits()
    page = sign_in(marketer)
    page.goto("/")
    page.locator(".nav").get_by_role("link", name="Sites").click()
    page.get_by_role("link", name="Minh's shop").click()
    page.locator(".page-head").get_by_role("link", name="Analysis").click()

    expect(page.get_by_role("heading", name="Analysis of Minh's shop")).to_be_visible()
    expect(page.locator('[data-figure="views"]')).to_have_text("23")
    expect(page.locator('[data-figure="visitors"]')).to_have_text("4")
    expect(page.locator('[data-figure="sessions"]')).to_have_text("12")
    chart = page.locator("#visitors-chart")
    expect(chart).to_have_attribute("data-drawn", "true")
    assert chart.get_attribute("data-values", timeout=1000).split(",")[-5:] == [
        "2",
        "2",
        "2",
        "3",
        "4",
    ]
    top = page.locator("#top-pages tbody tr")
    expect(top.first).to_contain_text(SHOP + "/")
    pricing = page.locator("#top-pages tbody tr", has_text="/pricing?plan=pro")
    expect(pricing).to_contain_text("60 s")
    expect(page.locator("#top-pages")).to_contain_text("javascript:<img src=x onerror=alert(1)>")
    expect(page.locator("#entry-pages tbody tr").first).to_contain_text("10")
    expect(page.locator("#exit-pages tbody tr").first).to_contain_text(SHOP + "/pricing?plan=pro")
    expect(page.locator("#sources-chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#sources tbody tr")).to_have_count(3)
    expect(page.locator("#sources tbody tr").first).to_contain_text("Email")
    shot(page, "month")

    page.get_by_role("link", name="7 days").click()
    expect(page.get_by_role("link", name="7 days")).to_have_attribute("aria-current", "page")
    expect(page.locator("#visitors-chart")).to_have_attribute("data-drawn", "true")
    assert len(page.locator("#visitors-chart").get_attribute("data-values").split(",")) == 7
    shot(page, "week")
    page.get_by_role("link", name="90 days").click()
    expect(page.locator("#visitors-chart")).to_have_attribute("data-drawn", "true")
    assert len(page.locator("#visitors-chart").get_attribute("data-values").split(",")) == 90
    shot(page, "quarter")


@pytest.mark.parametrize("context_options", [{"locale": "th-TH"}])
def test_the_analysis_reads_in_thai(sign_in: Callable[[User], Page], marketer: User) -> None:
    site = a_site_with_visits()
    page = sign_in(marketer)
    page.goto(f"/sites/{site.pk}/analysis/")

    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("heading", name="การวิเคราะห์ Minh's shop")).to_be_visible()
    expect(page.get_by_role("heading", name="หน้าแรกเข้า")).to_be_visible()
    expect(page.locator("#visitors-chart")).to_have_attribute("data-drawn", "true")
    shot(page, "thai")
    page.locator("#sources").screenshot(path=str(SHOTS / "analysis_thai_sources.png"))

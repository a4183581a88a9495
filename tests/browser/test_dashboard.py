"""The dashboard in a real browser: the charts are drawn from the page's data block under the
Content-Security-Policy (any refused script or style is a console error, which fails the
test), and the period chooser redraws them for the chosen number of days."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.demo import demo_load

pytestmark = pytest.mark.browser

CHARTS = ('canvas[data-series="contacts_new"]', 'canvas[data-series="activity"]')


@pytest.fixture
def linh(db: object) -> User:
    """The demo marketer, on a small copy of the demo data (90 days of activity)."""
    demo_load(contacts=300, companies=40, days=90)
    return User.objects.get(email="linh.marketing@demo.tendril")


def _drawn(page: Page, selector: str) -> dict[str, int]:
    """What Chart.js drew on the canvas: its size on the page and how many days it shows."""
    return page.eval_on_selector(
        selector,
        """canvas => {
            const chart = window.Chart.getChart(canvas);
            const box = canvas.getBoundingClientRect();
            const total = chart.data.datasets[0].data.reduce((a, b) => a + b, 0);
            return {width: Math.round(box.width), height: Math.round(box.height),
                    days: chart.data.labels.length, total: total};
        }""",
    )


def test_dashboard_draws_both_charts_and_redraws_them_for_another_period(
    sign_in: Callable[[User], Page], linh: User
) -> None:
    page = sign_in(linh)
    response = page.goto("/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe" not in policy

    expect(page.locator(".period a.active")).to_have_text("30 days")
    for selector in CHARTS:
        drawn = _drawn(page, selector)
        assert drawn["width"] > 200 and drawn["height"] > 100
        assert drawn["days"] == 30
    new_contacts = page.locator('[data-figure="contacts_new"]').inner_text()
    assert _drawn(page, CHARTS[0])["total"] == int(new_contacts.replace(",", ""))
    assert _drawn(page, CHARTS[1])["total"] > 0
    expect(page.locator("table.stages meter")).to_have_count(8)
    page.screenshot(path="/tmp/h6-dashboard-30.png", full_page=True)

    page.locator(".period").get_by_role("link", name="7 days").click()

    expect(page).to_have_url("/?days=7")
    expect(page.locator(".period a.active")).to_have_text("7 days")
    expect(page.get_by_text("New in the last 7 days")).to_be_visible()
    for selector in CHARTS:
        drawn = _drawn(page, selector)
        assert drawn["width"] > 200 and drawn["height"] > 100
        assert drawn["days"] == 7
    page.screenshot(path="/tmp/h6-dashboard-7.png", full_page=True)


def test_chart_labels_are_in_the_pages_language(
    sign_in: Callable[[User], Page], linh: User
) -> None:
    linh.language = "vi"
    linh.save()
    page = sign_in(linh)

    page.goto("/?days=7")

    assert page.evaluate("document.documentElement.lang") == "vi"
    label = page.eval_on_selector(
        CHARTS[0], "canvas => window.Chart.getChart(canvas).data.labels[0]"
    )
    assert "thg" in label  # Vietnamese month names: "6 thg 3"
    page.screenshot(path="/tmp/h6-dashboard-vi.png", full_page=True)

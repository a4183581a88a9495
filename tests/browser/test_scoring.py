"""Scoring in a real browser: a marketer writes a rule on the scoring page, the scoring
consumer gives a contact its points, the contact page says why, and the band chart is drawn
under the Content-Security-Policy (a refused script is a console error, which fails the test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.consumers import consumer_try_one
from tendril.scoring.consumers import CONSUMER

pytestmark = pytest.mark.browser


def test_a_rule_written_on_the_scoring_page_shows_on_the_contact_and_in_the_band_chart(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    lan = ContactFactory(first_name="Lan", last_name="Pham", score=0)
    for _ in range(2):
        EventFactory(contact_id=lan.pk, properties={"url": "https://shop.example/pricing"})
    ContactFactory(score=6)
    page = sign_in(marketer)

    page.goto("/")
    page.get_by_role("link", name="Scoring").click()
    expect(page.get_by_role("heading", name="Scoring", exact=True)).to_be_visible()
    page.get_by_role("link", name="New rule").click()
    page.locator("#id_name").fill("Pricing page")
    page.locator("#id_event").fill("page_view")
    condition = page.locator("[data-where-rows]")
    condition.get_by_role("button", name="Add a property condition").click()
    condition.get_by_label("Property").fill("url")
    condition.get_by_label("Operator").select_option("contains")
    condition.get_by_label("Value").fill("/pricing")
    page.locator("#id_points").fill("0")
    page.get_by_role("button", name="Add the rule").click()
    expect(page.locator(".field", has_text="Points").locator(".errorlist")).to_contain_text(
        "Points must be a whole number other than 0."
    )
    page.locator("#id_points").fill("6")
    page.get_by_role("button", name="Add the rule").click()

    row = page.locator("table.scoring-rules tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("url contains /pricing")
    while consumer_try_one(CONSUMER):
        pass

    page.goto(f"/contacts/{lan.pk}/")
    panel = page.locator("#why-score")
    expect(panel.locator("table.score-ledger tbody tr")).to_have_count(2)
    expect(panel.locator("table.score-ledger tbody tr").first).to_contain_text("Pricing page")
    expect(page.locator("#details")).to_contain_text("12")
    page.locator("#id_stage").select_option("mql")
    page.locator("#edit").get_by_role("button", name="Save").click()
    stage_row = page.locator("#stage-history table.stage-history tbody tr")
    expect(stage_row).to_have_count(1)
    expect(stage_row).to_contain_text("MQL")
    expect(stage_row).to_contain_text(marketer.first_name)
    page.screenshot(path="/tmp/h12-contact-why.png", full_page=True)

    page.goto("/scoring/")
    canvas = page.locator("#score-bands")
    expect(canvas).to_have_attribute("data-drawn", "true")
    drawn = canvas.evaluate(
        """canvas => {
            const chart = window.Chart.getChart(canvas);
            const box = canvas.getBoundingClientRect();
            return {width: box.width, height: box.height, labels: chart.data.labels,
                    values: chart.data.datasets[0].data};
        }"""
    )
    assert drawn["width"] > 200 and drawn["height"] > 100
    assert drawn["labels"] == ["Hot", "Warm", "Cold"]
    assert drawn["values"] == [1, 1, 0]
    page.screenshot(path="/tmp/h12-scoring.png", full_page=True)

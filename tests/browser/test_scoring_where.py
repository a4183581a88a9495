"""The scoring rule form's "Only when" in a real browser: the marketer clicks conditions
together (property, comparison in words, value) instead of writing JSON; the JSON the form
posts is what the rows say, a value left alone keeps its type, and the rows come back on edit.
Without JavaScript the textarea still takes the JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from tendril.accounts.models import User
from tendril.scoring.models import ScoringRule
from tendril.scoring.services import rule_create

pytestmark = pytest.mark.browser


def test_a_marketer_clicks_the_only_when_conditions_of_a_rule_together(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    page = sign_in(marketer)
    page.goto("/scoring/rules/new/")
    expect(page.locator("#id_where")).to_be_hidden()
    editor = page.locator("[data-where-rows]")
    expect(editor.locator(".where-empty")).to_be_visible()
    page.locator("#id_name").fill("Pricing visits from ads")
    page.locator("#id_event").fill("page_view")

    editor.get_by_role("button", name="Add a property condition").click()
    first = editor.locator(".sb-where-row").nth(0)
    first.get_by_label("Property").fill("url")
    first.get_by_label("Operator").select_option(label="contains")
    first.get_by_label("Value").fill("/pricing")
    editor.get_by_role("button", name="Add a property condition").click()
    second = editor.locator(".sb-where-row").nth(1)
    second.get_by_label("Property").fill("utm_source")
    second.get_by_label("Operator").select_option(label="is one of")
    second.get_by_label("Value").fill("google, facebook")
    editor.get_by_role("button", name="Add a property condition").click()
    third = editor.locator(".sb-where-row").nth(2)
    third.get_by_label("Property").fill("seconds")
    third.get_by_label("Operator").select_option(label="at least")
    third.get_by_label("Value").fill("30")
    page.screenshot(path="/tmp/d-rule-where.png", full_page=True)
    page.locator("#id_points").fill("3")
    page.get_by_role("button", name="Add the rule").click()

    row = page.locator("table.scoring-rules tbody tr", has_text="Pricing visits from ads")
    expect(row).to_contain_text(
        "url contains /pricing and utm_source is one of google, facebook and seconds at least 30"
    )
    rule = ScoringRule.objects.get(name="Pricing visits from ads")
    assert rule.where == {
        "url": {"contains": "/pricing"},
        "utm_source": {"in": ["google", "facebook"]},
        "seconds": {"gte": 30},
    }

    row.get_by_role("link", name="Pricing visits from ads").click()
    rows = page.locator("[data-where-rows] .sb-where-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1).get_by_label("Value")).to_have_value("google, facebook")
    rows.nth(1).get_by_role("button", name="Remove").click()
    page.get_by_role("button", name="Save rule").click()
    expect(page.locator("table.scoring-rules tbody tr")).to_contain_text(
        "url contains /pricing and seconds at least 30"
    )
    rule.refresh_from_db()
    assert rule.where == {"url": {"contains": "/pricing"}, "seconds": {"gte": 30}}


def test_a_value_left_alone_keeps_its_json_type_and_exists_is_worded(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    rule = rule_create(
        data={
            "name": "Paid plan",
            "event": "page_view",
            "where": {"plan": {"eq": 5}, "coupon": {"exists": False}},
            "points": 2,
        },
        by=None,
    )
    page = sign_in(marketer)
    page.goto(f"/scoring/rules/{rule.pk}/")
    rows = page.locator("[data-where-rows] .sb-where-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).get_by_label("Value")).to_have_value("false")
    page.locator("#id_points").fill("4")
    page.get_by_role("button", name="Save rule").click()
    expect(page.locator("table.scoring-rules")).to_contain_text("coupon is not set")
    rule.refresh_from_db()
    assert rule.where == {"plan": {"eq": 5}, "coupon": {"exists": False}}
    assert rule.points == 4


def test_without_javascript_the_only_when_textarea_takes_json(
    browser: Browser, live_server: Any, marketer: User
) -> None:
    client = Client()
    client.force_login(marketer)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/scoring/rules/new/")
    page.locator("#id_name").fill("Ebook")
    page.locator("#id_event").fill("asset_downloaded")
    page.locator("#id_where").fill('{"asset": {"starts_with": "ebook"}}')
    page.locator("#id_points").fill("4")
    page.get_by_role("button", name="Add the rule").click()
    expect(page.locator("table.scoring-rules")).to_contain_text("asset starts with ebook")
    context.close()

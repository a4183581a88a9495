"""Lifecycle in a real browser: a marketer writes a stage rule by clicks (its trigger, and the
event's conditions row by row), an integrator's purchase arrives through the API, the
lifecycle consumer moves the contact, and the contact page shows the new stage and the rule in
its stage history; an admin renames a stage in Settings and the contact list's stage filter
offers the new name."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.accounts.services import apikey_create
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.consumers import consumer_try_one
from tendril.lifecycle.consumers import CONSUMER
from tendril.lifecycle.services import stage_rule_create

pytestmark = pytest.mark.browser

SHOTS = "/tmp/lifecycle"


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=f"{SHOTS}-{name}.png", full_page=True, caret="initial")


def test_a_rule_made_by_clicks_moves_a_buyer_and_the_contact_page_says_which_rule(
    sign_in: Callable[[User], Page], marketer: User, live_server: Any
) -> None:
    lan = ContactFactory(first_name="Lan", last_name="Pham", email="lan@shop.example")
    page = sign_in(marketer)

    # The first page a test process serves builds the URLconf and the API's schemas, which can
    # take longer than a page's timeout on a busy machine.
    page.goto("/lifecycle/", timeout=30_000)
    expect(page.locator(".nav a[aria-current=page]")).to_contain_text("Lifecycle")
    page.get_by_role("link", name="New stage rule").click()
    page.locator("#id_name").fill("Buyers are customers")
    page.locator("#id_stage").select_option(label="Customer")
    expect(page.locator("#id_event")).to_be_hidden()
    page.get_by_label("An event happens").check()
    expect(page.locator("#id_score")).to_be_hidden()
    page.locator("#id_event").fill("purchase")
    condition = page.locator("[data-where-rows]")
    condition.get_by_role("button", name="Add a property condition").click()
    condition.get_by_label("Property").fill("amount")
    condition.get_by_label("Operator").select_option("gte")
    condition.get_by_label("Value").fill("10")
    _shot(page, "rule-form")
    page.get_by_role("button", name="Add the rule").click()
    row = page.locator("table.stage-rules tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("purchase happens, amount")
    expect(row).to_contain_text("Customer")
    _shot(page, "rules")

    _, key = apikey_create(name="Shop", role="marketer", by=None)
    sent = Client().post(
        "/api/v1/events",
        json.dumps({"contact_id": lan.pk, "type": "purchase", "properties": {"amount": 49}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert sent.status_code == 202, sent.content
    while consumer_try_one(CONSUMER):
        pass

    page.goto(f"/contacts/{lan.pk}/")
    expect(page.locator("#details")).to_contain_text("Customer")
    history = page.locator("#stage-history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Rule “Buyers are customers”")
    expect(history.first).to_contain_text("Lead")
    _shot(page, "contact")


def test_a_stage_renamed_in_settings_is_offered_by_its_new_name_on_the_contact_list(
    sign_in: Callable[[User], Page], admin_user: User
) -> None:
    ContactFactory(stage="mql")
    page = sign_in(admin_user)

    page.goto("/settings/", timeout=30_000)
    page.get_by_role("link", name="Lifecycle stages").click()
    page.get_by_label("Name of Marketing qualified (MQL)").fill("Warm lead")
    page.locator("tr[data-stage=mql]").get_by_role("button", name="Rename").click()
    expect(page.locator("ul.messages")).to_contain_text("Warm lead")
    page.locator("tr[data-stage=sal]").get_by_role("button", name="Hide").click()
    _shot(page, "stages")

    page.goto("/contacts/")
    stage_filter = page.get_by_role("combobox", name="Stage")
    expect(stage_filter.locator("option[value=mql]")).to_have_text("Warm lead")
    expect(stage_filter.locator("option[value=sal]")).to_have_count(0)
    stage_filter.select_option(label="Warm lead")
    expect(page.locator("table.contacts tbody tr")).to_have_count(1)


@pytest.mark.parametrize(
    ("context_options", "title", "rules"),
    [
        ({"locale": "vi-VN"}, "Các giai đoạn vòng đời", "Quy tắc giai đoạn"),
        ({"locale": "th-TH"}, "ขั้นของวงจรลูกค้า", "กฎขั้น"),
    ],
)
def test_the_lifecycle_screens_read_in_vietnamese_and_thai(
    sign_in: Callable[[User], Page], admin_user: User, title: str, rules: str
) -> None:
    stage_rule_create(
        data={"name": "Hot leads are MQL", "stage": "mql", "trigger": "score", "score": 10},
        by=None,
    )
    page = sign_in(admin_user)
    language = page.evaluate("navigator.language")[:2]

    page.goto("/settings/stages/", timeout=30_000)
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    _shot(page, f"stages-{language}")
    page.goto("/lifecycle/")
    expect(page.get_by_role("heading", name=rules)).to_be_visible()
    expect(page.locator("table.stage-rules")).to_contain_text("10")
    _shot(page, f"rules-{language}")
    page.get_by_role("link", name="Hot leads are MQL").click()
    _shot(page, f"rule-form-{language}")

"""Personalisation screens in a real browser: a marketer opens Personalisation from the menu,
makes a slot with two variants (a bad key refused on its input first) and an exit pop-up, and
sees the pop-up in the list with its figures."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.personalisation.models import Popup, Slot
from tendril.tracking.services import site_create
from tendril.web.services import form_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_marketer_makes_a_slot_and_a_popup(
    page: Page, sign_in: Callable[[User], Page], marketer: User
) -> None:
    site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)
    form_create(
        data={"name": "Newsletter", "fields": [{"key": "email", "label": "Email"}]}, by=None
    )
    sign_in(marketer)
    page.goto("/")
    page.get_by_role("link", name="Personalisation").click()
    page.get_by_role("link", name="New slot").click()
    page.locator("#id_name").fill("Home hero")
    page.locator("#id_key").fill("Home Hero")
    page.get_by_label("Default content").fill("<p>Hello</p>")
    rows = page.locator("table.variant-rows tbody tr")
    rows.nth(0).get_by_label("Visit").select_option(label="Second visit")
    rows.nth(0).get_by_label("Content").fill("<h2>Welcome back!</h2>")
    rows.nth(1).get_by_label("Grade").select_option(label="Hot")
    rows.nth(1).get_by_label("Content").fill("Talk to sales")
    page.get_by_role("button", name="Make the slot").click()
    expect(page.locator(".errorlist")).to_contain_text("Letters a-z")
    page.locator("#id_key").fill("home-hero")
    page.screenshot(path="/tmp/perso-slot-form.png", full_page=True)
    page.get_by_role("button", name="Make the slot").click()
    expect(page.locator("h1")).to_have_text("Home hero")
    expect(page.locator("pre.tag")).to_contain_text('data-tendril-slot="home-hero"')
    page.screenshot(path="/tmp/perso-slot-detail.png", full_page=True)
    assert Slot.objects.get().variants.count() == 2

    page.get_by_role("link", name="Pop-ups").click()
    page.get_by_role("link", name="New pop-up").click()
    page.locator("#id_name").fill("Exit coupon")
    page.locator("#id_site").select_option(label="Shop")
    page.locator("#id_form").select_option(label="Newsletter")
    page.get_by_label("Headline").fill("Leaving already?")
    page.get_by_label("Only to anonymous visitors").check()
    page.screenshot(path="/tmp/perso-popup-form.png", full_page=True)
    page.get_by_role("button", name="Make the pop-up").click()
    row = page.locator("table.popup-list tbody tr")
    expect(row).to_contain_text("Exit coupon")
    expect(row).to_contain_text("On exit intent")
    page.screenshot(path="/tmp/perso-popup-list.png", full_page=True)
    assert Popup.objects.get().only_anonymous

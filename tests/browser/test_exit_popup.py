"""Personalisation in a real browser, on a customer's shop (another origin than Tendril): the
snippet fills a slot with the first visit's content, then the second visit's; when the pointer
leaves the page through the top (exit intent) the pop-up opens as a dialog holding the
newsletter form; sending it makes the contact, shows the thank-you until closed and stops the
pop-up for good."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tendril.contacts.models import Contact
from tendril.core.models import Event
from tendril.personalisation.decisions import config_forget
from tendril.personalisation.models import PopupDisplay
from tendril.personalisation.services import popup_create, slot_create
from tendril.tracking.services import site_create
from tendril.web.services import form_create
from tests.browser.shop import PERSON, SHOP_HOST, serve_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DIALOG = ".tendril-popup [role=dialog]"


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"user_agent": PERSON, "viewport": {"width": 1100, "height": 760}}


def _exit_intent(page: Page) -> None:
    """The pointer crosses the page, then leaves it through the top edge (towards the tabs)."""
    page.mouse.move(500, 300)
    page.mouse.move(500, 40, steps=4)
    page.mouse.move(500, -30, steps=2)


def _new_visit(page: Page) -> None:
    """The visit cookie expires (30 minutes of quiet); the visitor cookie stays."""
    cookies = [c for c in page.context.cookies() if c["name"] != "tendril_sid"]
    page.context.clear_cookies()
    page.context.add_cookies(cookies)  # type: ignore[arg-type]


def test_slot_follows_the_visit_and_the_exit_popup_makes_a_contact_once(
    page: Page, live_server: Any
) -> None:
    config_forget()
    site = site_create(data={"name": "Shop", "domains": [SHOP_HOST]}, by=None)
    form = form_create(
        data={
            "name": "Newsletter",
            "fields": [{"key": "email", "label": "Email"}],
            "thank_you": "Thanks! Your coupon is on its way.",
        },
        by=None,
    )
    slot_create(
        data={
            "name": "Hero",
            "key": "hero",
            "site": site.pk,
            "content": "<p>Default</p>",
            "variants": [
                {"visit": "1", "content": "<h2>Welcome to the shop</h2>"},
                {"visit": "2", "content": '<h2>Welcome back!</h2><img src=x onerror="boom()">'},
            ],
        },
        by=None,
    )
    popup = popup_create(
        data={
            "name": "Exit coupon",
            "site": site.pk,
            "form": form.pk,
            "headline": "Leaving already?",
            "text": "Sign up for the newsletter and get a 10% coupon.",
            "trigger": "exit",
            "every_days": 0,
            "max_times": 10,
        },
        by=None,
    )
    body = (
        '<main style="height:1600px"><div data-tendril-slot="hero">Loading…</div>'
        '<a href="/cart">Cart</a></main>'
    )
    shop = serve_shop(page, live_server, site.key, body=body)

    page.goto(f"{shop}/")
    slot = page.locator("[data-tendril-slot=hero]")
    expect(slot).to_have_text("Welcome to the shop")
    page.screenshot(path="/tmp/perso-first-visit.png")
    for _ in range(50):  # the first visit's page view is stored before the second visit
        if Event.objects.filter(type="page_view").exists():
            break
        page.wait_for_timeout(100)

    _new_visit(page)
    page.goto(f"{shop}/")
    expect(slot).to_have_text("Welcome back!")
    expect(slot.locator("img")).not_to_have_attribute("onerror", "boom()")
    page.screenshot(path="/tmp/perso-second-visit.png")

    _exit_intent(page)
    dialog = page.locator(DIALOG)
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog.get_by_role("heading")).to_have_text("Leaving already?")
    frame = page.frame_locator(f"{DIALOG} iframe")
    expect(frame.locator("#f-email")).to_be_visible()

    # Escape closes it; it is not shown again on this page without a new decision.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.reload()
    expect(slot).to_have_text("Welcome back!")
    _exit_intent(page)
    expect(dialog).to_be_visible()

    frame.locator("#f-email").fill("ploy@example.com")
    page.screenshot(path="/tmp/perso-popup.png")
    page.wait_for_timeout(2100)  # a person takes a moment: faster is a robot
    frame.locator("button[type=submit]").click()
    expect(frame.locator(".thanks")).to_have_text("Thanks! Your coupon is on its way.")
    page.screenshot(path="/tmp/perso-popup-thanks.png")
    # The thank-you (the coupon) stays until the person closes it.
    page.wait_for_timeout(1000)
    expect(dialog).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)

    contact = Contact.objects.get(email="ploy@example.com")
    assert Event.objects.filter(contact_id=contact.pk, type="form_submit").exists()
    display = PopupDisplay.objects.get(popup=popup)
    assert display.shown == 2 and display.converted_at is not None

    _exit_intent(page)  # the same page: the pop-up is done
    page.wait_for_timeout(500)
    expect(dialog).to_have_count(0)
    page.reload()  # a new page view: Tendril no longer offers it
    expect(slot).to_contain_text("Welcome")
    page.wait_for_timeout(500)
    _exit_intent(page)
    page.wait_for_timeout(500)
    expect(dialog).to_have_count(0)
    assert PopupDisplay.objects.get(popup=popup).shown == 2

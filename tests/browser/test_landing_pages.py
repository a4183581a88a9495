"""Landing pages in a real browser: a marketer opens Forms & pages → Landing pages, builds a
page in the block editor (heading, text, button, form and image blocks, the image uploaded from
the editor; a button without a proper link is refused on its block first, the others keep what
was typed), previews it (marked Preview, its form sends nothing), publishes it; an anonymous
visitor opens /p/<slug>, sees the uploaded picture, sends its form and is thanked on the page,
and refreshing it sends nothing again; the page's screen and the list then count 1 visitor and
1 conversion (100%). Every page runs under its Content-Security-Policy: a refused script or
style is a console error, which fails the test."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tendril.accounts.models import User
from tendril.contacts.models import Contact
from tendril.core.models import Event
from tendril.web.models import LandingPage, LandingVisit, PageImage
from tendril.web.services import form_create
from tests.browser.shop import PERSON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp")
# A real 4x4 PNG: the visitor's browser must be able to draw it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGNQaDgARwzEcQAyUhYB52C8wAAAAABJRU5ErkJggg=="
)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"pages-{name}.png"), full_page=True)


def webfix_shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"webfix-{name}.png"), full_page=True)


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"user_agent": PERSON}


@pytest.fixture
def tendril_here(settings: Any, live_server: Any) -> str:
    settings.BASE_URL = live_server.url
    return str(live_server.url)


def block(page: Page, index: int) -> Any:
    return page.locator(f'[data-block="{index}"]')


def add_block(page: Page, label: str) -> None:
    page.get_by_label("Add a block").select_option(label=label)
    page.get_by_role("button", name="Add", exact=True).click()


def test_a_marketer_builds_previews_and_publishes_a_page_that_converts_a_visitor(
    sign_in: Callable[[User], Page],
    marketer: User,
    tendril_here: str,
    browser: Browser,
    live_server: Any,
) -> None:
    form_create(
        data={
            "name": "Webinar sign-up",
            "fields": [
                {"key": "email", "label": "Work email"},
                {"key": "first_name", "label": "First name", "required": True},
            ],
            "thank_you": "See you at the webinar!",
        },
        by=None,
    )
    page = sign_in(marketer)
    page.goto("/")
    page.locator(".nav").get_by_role("link", name="Forms & pages").click()
    page.get_by_role("link", name="Landing pages").click()
    expect(page.get_by_text("There are no landing pages yet.")).to_be_visible()
    page.get_by_role("link", name="New page").click()

    page.get_by_label("Name").fill("Hội thảo mùa xuân")
    page.get_by_label("Title for search engines").fill("Spring webinar: automation for small teams")
    page.get_by_label("Description for search engines").fill("One hour, three examples, free.")
    add_block(page, "Heading")
    block(page, 0).get_by_label("Level").select_option("1")
    block(page, 0).get_by_label("Text").fill("Spring webinar")
    add_block(page, "Text")
    block(page, 1).get_by_label("Text").fill(
        "One hour.\nThree real examples.\n\nFree for everyone."
    )
    add_block(page, "Form")
    block(page, 2).get_by_label("Form").select_option(label="Webinar sign-up")
    add_block(page, "Button")
    block(page, 3).get_by_label("Label").fill("See the agenda")
    block(page, 3).get_by_label("Link").fill("example.com/agenda")
    # The button goes above the form.
    block(page, 3).get_by_role("button", name="Move up").click()
    expect(block(page, 2).get_by_label("Label")).to_have_value("See the agenda")
    # A picture uploaded from the editor, and chosen at once.
    add_block(page, "Image")
    block(page, 4).locator('input[type="file"]').set_input_files(
        {"name": "cover.png", "mimeType": "image/png", "buffer": PNG}
    )
    picture = block(page, 4).get_by_label("Picture", exact=True)
    expect(picture.locator("option:checked")).to_have_text("cover.png")
    expect(block(page, 4).locator("img.image-thumb")).to_be_visible()
    block(page, 4).get_by_label("Description").fill("Spring cover")
    webfix_shot(page, "editor-image")
    page.get_by_role("button", name="Save draft").click()

    expect(block(page, 2)).to_contain_text(
        "Block 3 (Button): Link must start with http:// or https://."
    )
    expect(block(page, 1).get_by_label("Text")).to_have_value(
        "One hour.\nThree real examples.\n\nFree for everyone."
    )
    shot(page, "editor-refused")
    block(page, 2).get_by_label("Link").fill("https://example.com/agenda")
    page.get_by_role("button", name="Save and preview").click()

    expect(page.get_by_role("status")).to_contain_text("Preview")
    expect(page.get_by_role("heading", name="Spring webinar")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    shot(page, "preview")
    page.get_by_role("link", name="Back to the page").click()

    landing = LandingPage.objects.get()
    assert landing.slug == "hoi-thao-mua-xuan" and not landing.is_published
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("is published at")
    shot(page, "detail-published")

    # An anonymous visitor, in a browser of their own.
    visitor_context = browser.new_context(base_url=live_server.url, user_agent=PERSON)
    problems: list[str] = []
    visitor = visitor_context.new_page()
    visitor.on("pageerror", lambda error: problems.append(str(error)))
    visitor.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    visitor.goto("/p/hoi-thao-mua-xuan?utm_source=zalo")
    expect(visitor).to_have_title("Spring webinar: automation for small teams")
    expect(visitor.get_by_role("heading", name="Spring webinar")).to_be_visible()
    expect(visitor.get_by_role("link", name="See the agenda")).to_have_attribute(
        "href", "https://example.com/agenda"
    )
    shot(visitor, "public")
    cover = visitor.get_by_role("img", name="Spring cover")
    expect(cover).to_have_attribute("src", f"/p/img/{PageImage.objects.get().stored}.png")
    assert cover.evaluate("img => img.complete && img.naturalWidth") == 4
    visitor.get_by_label("Work email").fill("minh@brightloop.vn")
    visitor.get_by_label("First name").fill("Minh")
    visitor.wait_for_timeout(2100)  # a person takes a moment: faster is a robot
    visitor.get_by_role("button", name="Send").click()
    expect(visitor.get_by_role("status")).to_have_text("See you at the webinar!")
    expect(visitor.get_by_role("heading", name="Spring webinar")).to_be_visible()
    shot(visitor, "public-thanks")
    assert "?sent=" in visitor.url
    # Refreshing the thank-you sends nothing again (post/redirect/get).
    visitor.reload()
    expect(visitor.get_by_role("status")).to_have_text("See you at the webinar!")
    webfix_shot(visitor, "public-thanks-refreshed")
    assert Event.objects.filter(type="form_submit").count() == 1
    cookie = next(c for c in visitor_context.cookies() if c["name"] == "tendril_vid")
    visitor_context.close()
    assert problems == []

    contact = Contact.objects.get(email="minh@brightloop.vn")
    view = Event.objects.get(type="page_view", visitor_id=cookie["value"])
    assert view.contact_id == contact.pk and view.properties["utm_source"] == "zalo"
    assert LandingVisit.objects.get().converted_at is not None

    page.reload()
    expect(page.locator('[data-figure="visitors"]')).to_have_text("1")
    expect(page.locator('[data-figure="conversions"]')).to_have_text("1")
    expect(page.locator('[data-figure="rate"]')).to_have_text("100%")
    expect(page.locator("#visitors-chart")).to_have_attribute("data-drawn", "true")
    shot(page, "detail-converted")
    page.get_by_role("link", name="Back to landing pages").click()
    row = page.locator(f'tr[data-page="{landing.pk}"]')
    expect(row.locator('[data-figure="visitors"]')).to_have_text("1")
    expect(row.locator('[data-figure="rate"]')).to_have_text("100%")
    expect(row).to_contain_text("Published")
    shot(page, "list")

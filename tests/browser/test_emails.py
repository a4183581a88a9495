"""Emails in a real browser: a marketer opens Emails from the menu, starts a new email from the
Vietnamese webinar starter, first saves it with a template error (shown on the HTML box with
its line), fixes it, previews it as a Vietnamese contact (greeted family name first, in the
locked-down frame), and sends a test that a real SMTP server started by the test receives.
The pages run under the Content-Security-Policy: a refused script or style is a console error,
which fails the test."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.services import contact_create
from tendril.messaging.models import Email
from tendril.messaging.services import email_create
from tendril.messaging.starters import starter_get
from tendril.notifications.tests.mailserver import MailServer, mail_server

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp")


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"mail-{name}.png"), full_page=True)


@pytest.fixture
def smtp(settings: Any, live_server: Any) -> Iterator[MailServer]:
    settings.BASE_URL = live_server.url
    with mail_server(settings) as server:
        yield server


def test_a_marketer_writes_an_email_from_a_starter_previews_it_and_sends_a_test(
    sign_in: Callable[[User], Page], marketer: User, smtp: MailServer
) -> None:
    contact_create(
        data={"email": "hang@saomai.vn", "first_name": "Thị Hằng", "last_name": "Nguyễn",
              "language": "vi", "company": {"name": "Sao Mai"}},
        by=None,
    )  # fmt: skip
    page = sign_in(marketer)
    page.goto("/")
    page.locator(".nav").get_by_role("link", name="Emails").click()
    expect(page.get_by_role("heading", name="Emails")).to_be_visible()
    page.get_by_role("link", name="New email").click()

    page.get_by_label("Starter").select_option(label="Thư mời hội thảo trực tuyến (Tiếng Việt)")
    page.get_by_role("button", name="Use this starter").click()
    expect(page.locator("#id_name")).to_have_value("Thư mời hội thảo trực tuyến (Tiếng Việt)")
    html = page.get_by_label("HTML")
    expect(html).to_have_value(re.compile("Giữ chỗ cho tôi"))
    shot(page, "starter")

    # A slip in the template: refused, shown on the HTML box with its line.
    good = html.input_value()
    html.fill("<p>Chào</p>\n{{ contact.first_name }\n")
    page.get_by_role("button", name="Save the email").click()
    expect(page.locator(".field").filter(has=html).locator(".errorlist")).to_contain_text(
        "Line 2: unexpected '}'"
    )
    shot(page, "error")
    assert not Email.objects.exists()

    html.fill(good)
    page.get_by_role("button", name="Save the email").click()
    expect(page.get_by_text("was saved")).to_be_visible()

    page.get_by_label("Preview as the contact with the email").fill("hang@saomai.vn")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("As Nguyễn Thị Hằng will read it.")).to_be_visible()
    frame = page.frame_locator("#preview-frame")
    expect(frame.get_by_text("Chào anh/chị Nguyễn Thị Hằng,")).to_be_visible()
    expect(frame.get_by_text("Sao Mai")).to_be_visible()
    expect(frame.get_by_role("link", name="Hủy đăng ký")).to_be_visible()
    expect(page.locator("#preview-text")).to_contain_text(
        "Giữ chỗ cho tôi (https://example.com/webinar)"
    )
    shot(page, "preview")

    page.get_by_label("Send a test to").fill("lan@brightloop.vn")
    page.get_by_role("button", name="Send the test").click()
    expect(page.get_by_text("A test was sent to lan@brightloop.vn.")).to_be_visible()
    expect(frame.get_by_text("Chào anh/chị Nguyễn Thị Hằng,")).to_be_visible()
    shot(page, "sent")

    [message] = smtp.messages
    assert message["To"] == "lan@brightloop.vn"
    assert str(message["Subject"]).strip().startswith("[Test] Thư mời")
    text, html_part = (part.get_content() for part in message.iter_parts())
    assert "Chào anh/chị Nguyễn Thị Hằng," in text
    assert "Chào anh/chị Nguyễn Thị Hằng," in html_part and "Sao Mai" in html_part


def test_sales_reps_see_the_preview_without_the_editing_buttons(
    sign_in: Callable[[User], Page], sales_rep: User
) -> None:
    starter = starter_get("newsletter-th")
    assert starter is not None
    email = email_create(
        data={"name": starter.name, "subject": starter.subject, "html": starter.html}, by=None
    )
    page = sign_in(sales_rep)

    page.goto(f"/emails/{email.pk}/")

    expect(page.frame_locator("#preview-frame").get_by_text("เดือนนี้มีอะไรใหม่")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Send the test")).to_have_count(0)
    shot(page, "sales-th")

"""Lead capture in a real browser: a visitor browses a tracked shop anonymously, then fills the
form embedded in one of its pages (one script tag); the contact is made and their timeline
shows the earlier anonymous views. With double opt-in, the confirmation email arrives in a real
SMTP server (aiosmtpd) and its link, opened in the browser, confirms the consent."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.models import Consent, Contact
from tendril.core.models import Event
from tendril.notifications.tests.mailserver import MailServer, mail_server
from tendril.tracking.services import site_create
from tendril.web.models import Form
from tendril.web.services import form_create
from tests.browser.shop import PERSON, SHOP_HOST, serve_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONSENT = "Send me the monthly newsletter. I can unsubscribe at any time."


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"user_agent": PERSON}


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailServer]:
    with mail_server(settings) as server:
        yield server


def _shop_with_form(page: Page, live_server: Any, form: Form) -> str:
    site = site_create(data={"name": "Shop", "domains": [SHOP_HOST]}, by=None)
    body = (
        '<a id="pricing" href="/pricing">Pricing</a> <a id="signup" href="/signup">Sign up</a>'
        f'<script async src="{live_server.url}/f/{form.key}/embed.js"></script>'
    )
    return serve_shop(page, live_server, site.key, body=body)


def _fill(page: Page, email: str) -> None:
    frame = page.frame_locator("iframe")
    frame.locator("#f-email").fill(email)
    frame.locator("#f-first_name").fill("Hằng")
    frame.locator("#f-consent").check()
    page.wait_for_timeout(2100)  # a person takes a moment: faster is a robot
    frame.locator("button[type=submit]").click()


def test_the_form_joins_the_anonymous_visits_to_the_new_contacts_timeline(
    page: Page, live_server: Any, sign_in: Callable[[User], Page], marketer: User
) -> None:
    form = form_create(
        data={
            "name": "Newsletter",
            "fields": [{"key": "email", "label": "Email"}, {"key": "first_name", "label": "Name"}],
            "consent_text": CONSENT,
            "thank_you": "Thanks for signing up!",
        },
        by=None,
    )
    shop = _shop_with_form(page, live_server, form)
    page.goto(f"{shop}/")
    page.click("#pricing")
    page.wait_for_function("typeof window.tendril === 'function'")
    page.click("#signup")
    _fill(page, "hang@example.com")
    expect(page.frame_locator("iframe").locator(".thanks")).to_have_text("Thanks for signing up!")
    page.screenshot(path="/tmp/shots/form_capture_thanks.png")

    contact = Contact.objects.get(email="hang@example.com")
    views = Event.objects.filter(contact_id=contact.pk, type="page_view")
    assert sorted(e.properties["url"] for e in views) == [
        f"{shop}/",
        f"{shop}/pricing",
        f"{shop}/signup",
    ]
    submitted = Event.objects.get(contact_id=contact.pk, type="form_submit")
    assert submitted.properties["url"] == f"{shop}/signup"
    assert Consent.objects.get(contact=contact).status == "granted"

    signed = sign_in(marketer)
    signed.goto(f"/contacts/{contact.pk}/")
    timeline = signed.locator("body")
    expect(timeline).to_contain_text("Shop /pricing")
    expect(timeline).to_contain_text("Newsletter")
    signed.screenshot(path="/tmp/shots/form_capture_timeline.png", full_page=True)


def test_the_double_opt_in_email_arrives_and_its_link_confirms_the_consent(
    page: Page, live_server: Any, smtp: MailServer
) -> None:
    form = form_create(
        data={
            "name": "Newsletter",
            "fields": [{"key": "email", "label": "Email"}, {"key": "first_name", "label": "Name"}],
            "consent_text": CONSENT,
            "double_opt_in": True,
        },
        by=None,
    )
    shop = _shop_with_form(page, live_server, form)
    page.goto(f"{shop}/signup")
    _fill(page, "lan@example.com")
    expect(page.frame_locator("iframe").locator(".thanks")).to_be_visible()
    contact = Contact.objects.get(email="lan@example.com")
    assert not Consent.objects.filter(contact=contact).exists()

    for _ in range(50):
        if smtp.messages:
            break
        page.wait_for_timeout(100)
    [message] = smtp.messages
    link = re.search(r"https?://\S+/f/confirm/\S+", message.get_content())
    assert link is not None
    page.goto(live_server.url + "/" + link.group(0).split("/", 3)[3])
    expect(page.locator("h1")).to_have_text("Subscription confirmed")
    page.screenshot(path="/tmp/shots/form_capture_confirmed.png")
    assert Consent.objects.get(contact=contact).status == "granted"

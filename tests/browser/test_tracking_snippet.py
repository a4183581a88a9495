"""The tracking snippet in a real browser: a page of a tracked site (served under its own
domain) embeds the one script tag; its views, time on page and outbound clicks reach the
collector as the visitor of a first-party cookie, and the visitor's history joins the contact
once identified. Do Not Track and the consent flag are honoured."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event
from tendril.core.services import visitor_identify
from tendril.tracking.identity import click_url
from tendril.tracking.models import Site
from tendril.tracking.services import site_create
from tests.browser.shop import PERSON, SHOP_HOST, serve_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOP_LINKS = (
    '<a id="next" href="/pricing?utm_source=news">Pricing</a>'
    '<a id="out" href="https://partner.example.org/">Partner</a>'
    '<button id="yes" onclick="tendril(\'consent\', true)">OK</button>'
)


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"user_agent": PERSON}


def _serve_shop(page: Page, live_server: Any, site: Site, *, consent: str = "") -> str:
    # The partner's page is not ours to load: an empty answer.
    page.route("https://partner.example.org/**", lambda route: route.fulfill(body="ok"))
    return serve_shop(page, live_server, site.key, body=SHOP_LINKS, tag_attributes=consent)


def _events(count: int, page: Page) -> list[Event]:
    """The stored events, once ``count`` have arrived (beacons are sent in the background)."""
    for _ in range(50):
        rows = list(Event.objects.filter(source="tracking").order_by("id"))
        if len(rows) >= count:
            return rows
        page.wait_for_timeout(100)
    return list(Event.objects.filter(source="tracking").order_by("id"))


def test_views_time_and_outbound_clicks_are_tracked_and_join_the_contact(
    page: Page, live_server: Any
) -> None:
    site = site_create(data={"name": "Shop", "domains": [SHOP_HOST]}, by=None)
    shop = _serve_shop(page, live_server, site)
    page.goto(f"{shop}/")
    page.wait_for_function("typeof window.tendril === 'function'")
    page.wait_for_timeout(1100)
    # The visitor switches to another tab: the time seen so far is reported. (Reports sent while
    # the page unloads are best effort: chromium may abort them during a navigation.)
    page.evaluate(
        "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.click("#next")
    page.wait_for_function("typeof window.tendril === 'function'")
    page.click("#out")

    stored = _events(4, page)
    kinds = [(e.type, e.properties["url"]) for e in stored]
    assert ("page_view", f"{shop}/") in kinds
    assert ("page_view", f"{shop}/pricing?utm_source=news") in kinds
    left = next(e for e in stored if e.type == "page_left")
    assert left.properties["url"] == f"{shop}/" and left.properties["seconds"] >= 1
    assert [e.properties["href"] for e in stored if e.type == "link_clicked"] == [
        "https://partner.example.org/"
    ]
    pricing = next(e for e in stored if e.properties["url"].endswith("utm_source=news"))
    assert pricing.properties["utm_source"] == "news"
    assert pricing.properties["title"] == "Shop /pricing?utm_source=news"
    assert pricing.properties["referrer"] == f"{shop}/"
    sessions = {e.properties["session"] for e in stored}
    assert len(sessions) == 1  # one visit: pages less than 30 minutes apart
    visitors = {e.visitor_id for e in stored}
    assert len(visitors) == 1  # the cookie kept one visitor across pages
    cookie = next(c for c in page.context.cookies(shop) if c["name"] == "tendril_vid")
    assert cookie["value"] == visitors.pop()

    contact = ContactFactory()
    visitor_identify(visitor_id=cookie["value"], contact_id=contact.pk)
    assert Event.objects.filter(contact_id=contact.pk, type="page_view").count() == 2


def test_nothing_is_sent_until_consent_is_given_then_the_held_view_is(
    page: Page, live_server: Any
) -> None:
    site = site_create(data={"name": "Shop", "domains": [SHOP_HOST]}, by=None)
    shop = _serve_shop(page, live_server, site, consent=' data-consent="required"')
    page.goto(f"{shop}/")
    page.wait_for_function("typeof window.tendril === 'function'")
    page.wait_for_timeout(300)
    assert not Event.objects.exists()
    assert not [c for c in page.context.cookies(shop) if c["name"] == "tendril_vid"]
    page.click("#yes")
    assert [e.type for e in _events(1, page)] == ["page_view"]


def test_a_browser_asking_not_to_be_tracked_sends_nothing(
    browser: Browser, live_server: Any
) -> None:
    site = site_create(data={"name": "Shop", "domains": [SHOP_HOST]}, by=None)
    context = browser.new_context(user_agent=PERSON)
    context.add_init_script("Object.defineProperty(navigator, 'doNotTrack', {get: () => '1'})")
    page = context.new_page()
    shop = _serve_shop(page, live_server, site)
    page.goto(f"{shop}/")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.tendril") == "undefined"
    assert not Event.objects.exists()
    context.close()


def test_a_click_in_an_email_identifies_the_browser_and_its_earlier_anonymous_views(
    page: Page, live_server: Any
) -> None:
    site = site_create(data={"name": "Shop", "domains": [SHOP_HOST]}, by=None)
    shop = _serve_shop(page, live_server, site)
    page.goto(f"{shop}/")  # an anonymous visit first
    page.wait_for_function("typeof window.tendril === 'function'")
    _events(1, page)

    # Later the person clicks a tracked link in an email Tendril sent them.
    contact = ContactFactory(email="linh@example.vn")
    link = click_url(contact_id=contact.pk, url=f"{shop}/pricing?utm_source=news", email="7")
    page.goto(f"{live_server.url}{link}")
    page.wait_for_function("typeof window.tendril === 'function'")
    # The token went to Tendril and out of the address bar (it would be shared on with a copy).
    assert page.url == f"{shop}/pricing?utm_source=news"
    for _ in range(50):
        if Event.objects.filter(type="page_view", contact_id=contact.pk).count() == 2:
            break
        page.wait_for_timeout(100)
    views = Event.objects.filter(type="page_view").order_by("id")
    assert [(e.contact_id, e.properties["url"]) for e in views] == [
        (contact.pk, f"{shop}/"),
        (contact.pk, f"{shop}/pricing?utm_source=news"),
    ]
    assert Event.objects.get(type="email_clicked").contact_id == contact.pk

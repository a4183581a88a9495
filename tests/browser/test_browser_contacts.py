from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.contacts.models import Contact
from tendril.contacts.services import contact_create
from tendril.core.services import event_record

pytestmark = pytest.mark.browser


def test_live_search_narrows_the_table_without_reloading_the_page(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    contact_create(data={"email": "ana@gmail.com", "company": {"name": "Globex"}}, by=None)
    contact_create(data={"email": "bob@gmail.com", "company": {"name": "Initech"}}, by=None)
    page = sign_in(marketer)
    page.goto("/contacts/")
    rows = page.locator("table.contacts tbody tr")
    expect(rows).to_have_count(2)
    assert page.evaluate("typeof htmx") == "object"
    page.evaluate("window.sameDocument = true")

    page.get_by_label("Search contacts").press_sequentially("globex")

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ana@gmail.com")
    expect(page).to_have_url("/contacts/?q=globex")
    assert page.evaluate("window.sameDocument") is True


def test_contact_page_shows_details_consent_and_an_ingested_event(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    contact = contact_create(
        data={
            "email": "ana@acme-logistics.com",
            "first_name": "Ana",
            "last_name": "Lima",
            "consent": {"email": "granted"},
        },
        by=None,
    )
    result = events_ingest(
        items=[
            NewEvent(
                type="page_view",
                email="ana@acme-logistics.com",
                properties={"url": "https://acme.test/pricing"},
            )
        ]
    )
    assert result.accepted == 1
    page = sign_in(marketer)

    page.goto(f"/contacts/{contact.pk}/")

    expect(page.get_by_role("heading", name="Ana Lima")).to_be_visible()
    details = page.locator("#details")
    expect(details).to_contain_text("ana@acme-logistics.com")
    expect(details.get_by_role("link", name="Acme Logistics")).to_be_visible()
    expect(page.locator('#consent tr[data-channel="email"]')).to_contain_text("Granted")
    expect(page.locator("#timeline")).to_contain_text("Viewed https://acme.test/pricing")

    page.locator('#consent tr[data-channel="sms"]').get_by_role("button", name="Deny").click()
    expect(page.locator(".messages")).to_contain_text("SMS consent is now denied.")
    expect(page.locator("#timeline")).to_contain_text("Marketer denied sms consent")

    page.get_by_label("Stage").select_option("sql")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("The contact was saved.")
    expect(page.locator("#timeline")).to_contain_text(
        "Marketer set the stage to Sales qualified (SQL)"
    )
    assert Contact.objects.get(pk=contact.pk).stage == "sql"


def test_load_more_appends_older_events_to_the_timeline(
    sign_in: Callable[[User], Page], sales_rep: User
) -> None:
    contact = contact_create(data={"email": "ana@gmail.com"}, by=None)
    for n in range(55):
        event_record(contact_id=contact.pk, type="page_view", properties={"url": f"/page-{n}"})
    page = sign_in(sales_rep)
    page.goto(f"/contacts/{contact.pk}/")
    events = page.locator("#timeline li.event")
    expect(events).to_have_count(50)
    page.evaluate("window.sameDocument = true")

    page.get_by_role("link", name="Load more").click()

    expect(events).to_have_count(56)
    expect(events.last).to_contain_text("Became a contact")
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    assert page.evaluate("window.sameDocument") is True


def test_the_timeline_shows_one_kind_at_a_time_and_keeps_it_while_loading_more(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    contact = contact_create(data={"email": "ana@gmail.com"}, by=None)
    for n in range(55):
        event_record(
            contact_id=contact.pk,
            type="page_view",
            properties={"url": f"https://acme.test/p{n}", "title": f"Page {n}"},
        )
    event_record(contact_id=contact.pk, type="form_submit", properties={"form": "newsletter"})
    page = sign_in(marketer)
    page.goto(f"/contacts/{contact.pk}/")
    events = page.locator("#timeline li.event")
    page.evaluate("window.sameDocument = true")

    page.locator("#timeline .kinds").get_by_role("link", name="Forms and downloads").click()
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text("Submitted form newsletter")
    expect(page).to_have_url(f"/contacts/{contact.pk}/?kind=forms")

    page.locator("#timeline .kinds").get_by_role("link", name="Website").click()
    expect(events).to_have_count(50)
    newest = events.first.get_by_role("link", name="Viewed Page 54")
    expect(newest).to_have_attribute("title", "https://acme.test/p54")
    page.get_by_role("link", name="Load more").click()
    expect(events).to_have_count(55)
    expect(page.locator('#timeline li.event[data-type="form_submit"]')).to_have_count(0)
    assert page.evaluate("window.sameDocument") is True
    page.screenshot(path="/tmp/h6-timeline.png", full_page=True)

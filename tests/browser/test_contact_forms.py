"""Creating and editing contacts and companies in the browser, as a marketer would: the forms,
the company suggestions, the messages on a refused field, and the pages they lead to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.companies import company_create
from tendril.contacts.models import Company, Contact
from tendril.contacts.services import contact_create, custom_field_create
from tendril.core.services import event_record

pytestmark = pytest.mark.browser


def field(page: Page, name: str):  # type: ignore[no-untyped-def]
    """The ``.field`` block of the input called ``name``: its label, input and messages."""
    return page.locator(".field").filter(has=page.locator(f'[name="{name}"]'))


def test_a_contact_is_created_with_custom_fields_and_then_edited(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    custom_field_create(key="budget", label="Budget", type="number", by=None)
    custom_field_create(key="plan", label="Plan", type="choice", choices=["Basic", "Pro"], by=None)
    mekong = company_create(data={"name": "Mekong Trading", "domain": "mekong.vn"}, by=None)
    taken = contact_create(data={"email": "lan@gmail.com", "first_name": "Lan"}, by=None)
    page = sign_in(marketer)
    page.goto("/contacts/")

    page.get_by_role("link", name="New contact").click()
    expect(page.get_by_role("heading", name="New contact")).to_be_visible()
    form = page.locator('main form[action="/contacts/new/"]')
    form.get_by_role("textbox", name="Email").fill("lan@gmail.com")
    form.get_by_label("First name").fill("Thị Hằng")
    form.get_by_label("Last name").fill("Nguyễn")
    form.get_by_label("Company").press_sequentially("mekong")
    expect(page.locator('#company-options option[value="Mekong Trading"]')).to_have_count(1)
    form.get_by_label("Company").fill("Mekong Trading")
    form.get_by_label("Language").select_option("vi")
    form.get_by_label("Email consent").select_option("granted")
    form.get_by_label("Budget").fill("5000")
    form.get_by_label("Plan").select_option("Pro")
    form.get_by_role("button", name="Add the contact").click()

    # The email is taken: the message sits on the email field, with a link to that contact.
    email = field(page, "email")
    expect(email).to_contain_text("A contact with this email already exists.")
    expect(email.get_by_role("link", name="Open that contact.")).to_have_attribute(
        "href", f"/contacts/{taken.pk}/"
    )
    expect(form.get_by_label("Budget")).to_have_value("5000")
    page.screenshot(path="/tmp/h4-contact-new-refused.png", full_page=True)

    form.get_by_role("textbox", name="Email").fill("hang@gmail.com")
    form.get_by_role("button", name="Add the contact").click()

    expect(page.locator(".messages")).to_contain_text("Nguyễn Thị Hằng was added.")
    expect(page.get_by_role("heading", name="Nguyễn Thị Hằng")).to_be_visible()
    details = page.locator("#details")
    expect(details).to_contain_text("Tiếng Việt")
    expect(details).to_contain_text("Nguyễn Thị Hằng")
    expect(details.get_by_role("link", name="Mekong Trading")).to_be_visible()
    expect(details).to_contain_text("5,000")
    expect(page.locator('#consent tr[data-channel="email"]')).to_contain_text("Granted")
    page.screenshot(path="/tmp/h4-contact-created.png", full_page=True)

    edit = page.locator("#edit")
    edit.get_by_label("Budget").fill("7500")
    edit.get_by_label("Language").select_option("en")
    edit.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("The contact was saved.")
    expect(page.get_by_role("heading", name="Thị Hằng Nguyễn")).to_be_visible()
    expect(page.locator("#details")).to_contain_text("7,500")
    contact = Contact.objects.get(email="hang@gmail.com")
    assert (contact.language, contact.fields) == ("en", {"budget": 7500, "plan": "Pro"})
    assert contact.company_id == mekong.pk
    page.screenshot(path="/tmp/h4-contact-edited.png", full_page=True)


def test_a_company_is_created_renamed_and_shown_with_its_contacts_and_activity(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    company_create(data={"name": "Lotus Foods", "domain": "lotus.co.th"}, by=None)
    page = sign_in(marketer)
    page.goto("/companies/")

    page.get_by_role("link", name="New company").click()
    form = page.locator("main form")
    form.get_by_label("Name").fill("Saigon Freight")
    form.get_by_label("Domain").fill("https://www.Lotus.co.th/about")
    form.get_by_label("Employees").fill("1200")
    form.get_by_role("button", name="Add the company").click()

    expect(field(page, "domain")).to_contain_text("Another company already uses this domain.")
    page.screenshot(path="/tmp/h4-company-new-refused.png", full_page=True)

    form.get_by_label("Domain").fill("https://www.SaigonFreight.vn/about")
    form.get_by_role("button", name="Add the company").click()

    expect(page.locator(".messages")).to_contain_text("The company Saigon Freight was added.")
    expect(page.get_by_role("heading", name="Saigon Freight")).to_be_visible()
    expect(page.locator("#company")).to_contain_text("saigonfreight.vn")
    expect(page.locator("#company")).to_contain_text("1,200")
    company = Company.objects.get(domain="saigonfreight.vn")

    lan = contact_create(
        data={"email": "lan@saigonfreight.vn", "first_name": "Lan", "last_name": "Trần"}, by=None
    )
    event_record(
        contact_id=lan.pk,
        type="page_view",
        properties={"url": "https://saigonfreight.vn/pricing", "title": "Pricing"},
    )
    page.get_by_role("link", name="Edit company").click()
    expect(form.get_by_label("Name")).to_have_value("Saigon Freight")
    form.get_by_label("Name").fill("Saigon Freight Lines")
    form.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("The company Saigon Freight Lines was saved.")
    expect(page.get_by_role("heading", name="Saigon Freight Lines")).to_be_visible()
    expect(page.locator("#contacts").get_by_role("link", name="Lan Trần")).to_be_visible()
    first_line = page.locator("#activity li.event").first
    expect(first_line.get_by_role("link", name="Lan Trần")).to_have_attribute(
        "href", f"/contacts/{lan.pk}/"
    )
    expect(first_line).to_contain_text("Pricing")
    page.screenshot(path="/tmp/h4-company-page.png", full_page=True)

    page.goto("/contacts/?q=freight+lines")
    expect(page.locator("table.contacts tbody tr")).to_have_count(1)
    expect(page.locator("table.contacts")).to_contain_text("lan@saigonfreight.vn")
    assert Company.objects.get(pk=company.pk).name == "Saigon Freight Lines"

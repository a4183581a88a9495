"""The "New contact" screen and the edit form of the contact page: every field a contact has,
custom fields of each type included, and every refusal shown on the field it is about."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.companies import company_create
from tendril.contacts.models import Company, Consent, Contact
from tendril.contacts.services import contact_create, custom_field_create
from tendril.core.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(db: Any) -> None:
    """One custom field of each type."""
    custom_field_create(key="note", label="Note", type="text", by=None)
    custom_field_create(key="seats", label="Seats", type="number", by=None)
    custom_field_create(key="renewal", label="Renewal", type="date", by=None)
    custom_field_create(key="plan", label="Plan", type="choice", choices=["Basic", "Pro"], by=None)
    custom_field_create(key="partner", label="Partner", type="boolean", by=None)


def field_html(html: str, name: str) -> str:
    """The ``<div class="field">`` holding the input called ``name``: its label, input and
    messages."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name} in the page")


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_the_new_contact_form_has_every_field_and_an_input_per_custom_field_type(
    client: Client, marketer: User, fields: None
) -> None:
    html = signed_in(client, marketer).get("/contacts/new/").content.decode()

    for name in ("email", "first_name", "last_name", "phone", "company"):
        assert f'name="{name}"' in html, name
    assert '<select name="language"' in html
    assert '<option value="vi">Tiếng Việt</option>' in html
    assert '<select name="stage"' in html
    assert '<select name="owner"' in html
    assert '<select name="email_consent"' in html
    assert 'type="text" name="cf_note"' in html
    assert 'type="number" name="cf_seats"' in html
    assert 'type="date" name="cf_renewal"' in html
    assert '<select name="cf_plan"' in html
    assert 'type="checkbox" name="cf_partner"' in html
    assert 'list="company-options"' in html
    assert '<datalist id="company-options">' in html


def test_a_new_contact_is_saved_with_every_field_and_opens_with_a_message(
    client: Client, marketer: User, sales_rep: User, fields: None
) -> None:
    response = signed_in(client, marketer).post(
        "/contacts/new/",
        {
            "email": " Hang.Nguyen@Gmail.com ",
            "first_name": "Thị Hằng",
            "last_name": "Nguyễn",
            "phone": "+84 912 345 678",
            "company": "Saigon Freight",
            "language": "vi",
            "stage": "mql",
            "owner": str(sales_rep.pk),
            "email_consent": "granted",
            "cf_note": "met at expo",
            "cf_seats": "12",
            "cf_renewal": "2026-03-31",
            "cf_plan": "Pro",
            "cf_partner": "on",
        },
        follow=True,
    )

    contact = Contact.objects.get()
    assert response.redirect_chain == [(f"/contacts/{contact.pk}/", 302)]
    assert "Nguyễn Thị Hằng was added." in response.content.decode()
    assert (contact.email, contact.first_name, contact.last_name, contact.phone) == (
        "hang.nguyen@gmail.com",
        "Thị Hằng",
        "Nguyễn",
        "+84 912 345 678",
    )
    assert (contact.language, contact.stage, contact.owner_id, contact.source) == (
        "vi",
        "mql",
        sales_rep.pk,
        "ui",
    )
    assert contact.fields == {
        "note": "met at expo",
        "seats": 12,
        "renewal": "2026-03-31",
        "plan": "Pro",
        "partner": True,
    }
    assert contact.company is not None
    assert (contact.company.name, contact.company.domain) == ("Saigon Freight", None)
    consent = Consent.objects.get(contact=contact, channel="email")
    assert (consent.status, consent.method) == ("granted", "ui")
    assert Event.objects.filter(contact_id=contact.pk, type="contact_created").count() == 1


def test_a_typed_company_name_joins_the_existing_company_of_that_name(
    client: Client, marketer: User
) -> None:
    acme = company_create(data={"name": "Acme Logistics", "domain": "acme.com"}, by=None)

    signed_in(client, marketer).post(
        "/contacts/new/", {"email": "bo@gmail.com", "company": "acme  LOGISTICS", "stage": "lead"}
    )

    assert Contact.objects.get().company_id == acme.pk
    assert Company.objects.count() == 1


def test_without_a_company_the_email_domain_decides_it(client: Client, marketer: User) -> None:
    signed_in(client, marketer).post(
        "/contacts/new/", {"email": "mai@chiangmai-coffee.co.th", "stage": "lead"}
    )

    company = Contact.objects.get().company
    assert company is not None
    assert company.domain == "chiangmai-coffee.co.th"


def test_an_unticked_yes_no_field_is_left_unanswered(
    client: Client, marketer: User, fields: None
) -> None:
    signed_in(client, marketer).post(
        "/contacts/new/", {"email": "bo@gmail.com", "stage": "lead", "cf_seats": ""}
    )

    assert Contact.objects.get().fields == {}


def test_an_email_another_contact_has_is_refused_on_the_email_field_with_a_link_to_it(
    client: Client, marketer: User
) -> None:
    existing = contact_create(data={"email": "ana@gmail.com", "first_name": "Ana"}, by=None)

    response = signed_in(client, marketer).post(
        "/contacts/new/", {"email": "ANA@gmail.com", "first_name": "Other", "stage": "lead"}
    )

    assert response.status_code == 422
    email = field_html(response.content.decode(), "email")
    assert "A contact with this email already exists." in email
    assert f'<a href="/contacts/{existing.pk}/">Open that contact.</a>' in email
    assert 'value="ANA@gmail.com"' in email
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "This field is required."),
        ("not-an-email", "&#x27;not-an-email&#x27; is not a valid email address"),
    ],
)
def test_a_missing_or_malformed_email_is_refused_on_the_email_field(
    client: Client, marketer: User, email: str, message: str
) -> None:
    response = signed_in(client, marketer).post("/contacts/new/", {"email": email, "stage": "lead"})

    assert response.status_code == 422
    assert message in field_html(response.content.decode(), "email")
    assert not Contact.objects.exists()


def test_a_bad_custom_value_is_refused_on_that_field_and_the_rest_is_kept(
    client: Client, marketer: User, fields: None
) -> None:
    response = signed_in(client, marketer).post(
        "/contacts/new/",
        {"email": "bo@gmail.com", "first_name": "Bo", "stage": "lead", "cf_seats": "a dozen"},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "must be a number, not &#x27;a dozen&#x27;" in field_html(html, "cf_seats")
    assert "must be a number" not in field_html(html, "cf_note")
    assert 'value="Bo"' in field_html(html, "first_name")
    assert "The contact was not added: see the messages next to the fields." in html
    assert not Contact.objects.exists()


def test_a_company_name_too_long_is_refused_on_the_company_field(
    client: Client, marketer: User
) -> None:
    response = signed_in(client, marketer).post(
        "/contacts/new/", {"email": "bo@gmail.com", "company": "x" * 201, "stage": "lead"}
    )

    assert response.status_code == 422
    assert "at most 200 characters" in field_html(response.content.decode(), "company")


def test_a_sales_reps_new_contact_is_theirs_unless_they_choose_another_owner(
    client: Client, sales_rep: User
) -> None:
    page = signed_in(client, sales_rep).get("/contacts/new/").content.decode()
    client.post("/contacts/new/", {"email": "bo@gmail.com", "stage": "lead", "owner": ""})

    assert f'<option value="{sales_rep.pk}" selected>' in field_html(page, "owner")
    assert Contact.objects.get().owner_id is None


def test_the_company_input_suggests_companies_matching_what_is_typed(
    client: Client, sales_rep: User
) -> None:
    company_create(data={"name": "Đức Thịnh Trading", "domain": "ducthinh.vn"}, by=None)
    company_create(data={"name": "Initech"}, by=None)

    html = signed_in(client, sales_rep).get("/companies/suggest/", {"company": "duc"})
    empty = client.get("/companies/suggest/", {"company": " "})

    assert '<option value="Đức Thịnh Trading">ducthinh.vn</option>' in html.content.decode()
    assert "Initech" not in html.content.decode()
    assert empty.content.decode().strip() == ""


# --- the edit form of the contact page -------------------------------------------------------


def test_the_contact_page_edits_language_company_and_custom_fields(
    client: Client, marketer: User, fields: None
) -> None:
    contact = contact_create(
        data={"email": "hang@gmail.com", "first_name": "Hằng", "fields": {"note": "old"}},
        by=None,
    )
    page = signed_in(client, marketer).get(f"/contacts/{contact.pk}/").content.decode()

    response = client.post(
        f"/contacts/{contact.pk}/",
        {
            "first_name": "Hằng",
            "company": "Mekong Trading",
            "language": "vi",
            "stage": "lead",
            "cf_note": "",
            "cf_plan": "basic",
        },
    )

    assert '<select name="language"' in page
    assert 'name="cf_plan"' in page
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.language == "vi"
    assert contact.fields == {"plan": "Basic"}
    assert contact.company is not None
    assert contact.company.name == "Mekong Trading"


def test_saving_the_contact_page_with_its_company_name_retyped_keeps_the_company(
    client: Client, marketer: User
) -> None:
    first = company_create(data={"name": "Acme", "domain": "acme.com"}, by=None)
    contact = contact_create(
        data={"email": "bo@gmail.com", "company": {"name": "Acme", "domain": "acme.com"}}, by=None
    )
    # Another company of the same name, older by id than none: the contact must stay put.
    company_create(data={"name": "Acme"}, by=None)

    signed_in(client, marketer).post(
        f"/contacts/{contact.pk}/", {"company": "ACME", "stage": "lead"}
    )

    contact.refresh_from_db()
    assert contact.company_id == first.pk
    assert not Event.objects.filter(contact_id=contact.pk, type="contact_updated").exists()


def test_a_bad_value_on_the_contact_page_is_shown_on_its_field(
    client: Client, marketer: User, fields: None
) -> None:
    contact = contact_create(data={"email": "bo@gmail.com"}, by=None)

    response = signed_in(client, marketer).post(
        f"/contacts/{contact.pk}/", {"stage": "lead", "cf_renewal": "next spring"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "must be a date like 2026-03-31" in field_html(html, "cf_renewal")
    assert "The contact was not saved: see the messages next to the fields." in html

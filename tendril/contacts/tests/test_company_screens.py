"""The company screens: the list with its figures and search, one company with its contacts and
their recent activity, and the forms that add and edit a company."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.companies import company_create
from tendril.contacts.models import Company, Contact
from tendril.contacts.services import contact_create
from tendril.core.services import event_record

pytestmark = pytest.mark.django_db


def test_company_list_shows_contacts_total_score_industry_and_employees(
    client: Client, sales_rep: User
) -> None:
    company = {"name": "Acme", "domain": "acme.test", "industry": "Logistics", "employees": 1200}
    a = contact_create(data={"email": "a@acme.test", "company": company}, by=None)
    contact_create(data={"email": "b@acme.test", "company": company}, by=None)
    Contact.objects.filter(pk=a.pk).update(score=7)

    client.force_login(sales_rep)
    html = client.get("/companies/").content.decode()

    assert f'<a href="/companies/{a.company_id}/">Acme</a>' in html
    assert "Logistics" in html
    assert '<td class="num">1,200</td>' in html
    assert '<td class="num">2</td>' in html
    assert '<td class="num">7</td>' in html


def test_company_search_narrows_the_list(client: Client, marketer: User) -> None:
    contact_create(data={"email": "a@acme.test", "company": {"name": "Acme"}}, by=None)
    contact_create(data={"email": "b@initech.test", "company": {"name": "Initech"}}, by=None)

    client.force_login(marketer)
    html = client.get("/companies/", {"q": "init"}).content.decode()

    assert "Initech" in html
    assert "Acme" not in html


def test_company_page_lists_its_contacts(client: Client, marketer: User) -> None:
    a = contact_create(
        data={"email": "a@acme.test", "company": {"name": "Acme", "domain": "acme.test"}}, by=None
    )
    contact_create(data={"email": "b@initech.test", "company": {"name": "Initech"}}, by=None)

    client.force_login(marketer)
    html = client.get(f"/companies/{a.company_id}/").content.decode()

    assert "acme.test" in html
    assert "a@acme.test" in html
    assert "b@initech.test" not in html


def test_an_unknown_company_is_not_found(client: Client, marketer: User) -> None:
    client.force_login(marketer)
    assert client.get("/companies/424242/").status_code == 404


# --- creating and editing companies; the company page ----------------------------------------


def field_html(html: str, name: str) -> str:
    """The ``<div class="field">`` holding the input called ``name``, with its messages."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name} in the page")


def test_a_new_company_is_added_and_opens_with_a_message(client: Client, sales_rep: User) -> None:
    client.force_login(sales_rep)
    form = client.get("/companies/new/").content.decode()

    response = client.post(
        "/companies/new/",
        {"name": "Siam Precision", "domain": "www.siamprecision.co.th", "employees": "80"},
        follow=True,
    )

    company = Company.objects.get()
    assert all(f'name="{n}"' in form for n in ("name", "domain", "industry", "employees"))
    assert response.redirect_chain == [(f"/companies/{company.pk}/", 302)]
    assert "The company Siam Precision was added." in response.content.decode()
    assert (company.domain, company.employees, company.industry) == ("siamprecision.co.th", 80, "")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": ""}, "name", "Give the company a name."),
        ({"name": "Acme", "domain": "acme"}, "domain", "is not a domain name like acme.com"),
        ({"name": "Acme", "domain": "taken.com"}, "domain", "Another company already uses"),
        ({"name": "Taken"}, "name", "Another company without a domain already has this name."),
        ({"name": "Acme", "employees": "-1"}, "employees", "greater than or equal to 0"),
        ({"name": "Acme", "employees": "lots"}, "employees", "Enter a whole number."),
    ],
)
def test_a_refused_new_company_shows_the_message_on_its_field(
    client: Client, marketer: User, body: dict[str, str], field: str, message: str
) -> None:
    company_create(data={"name": "Taken"}, by=None)
    company_create(data={"name": "Taken Inc", "domain": "taken.com"}, by=None)
    client.force_login(marketer)

    response = client.post("/companies/new/", body)

    assert response.status_code == 422
    assert message in field_html(response.content.decode(), field)
    assert Company.objects.count() == 2


def test_editing_a_company_shows_its_values_and_saves_the_changes(
    client: Client, marketer: User
) -> None:
    company = company_create(
        data={"name": "Acme", "domain": "acme.com", "industry": "Retail", "employees": 10},
        by=None,
    )
    client.force_login(marketer)
    form = client.get(f"/companies/{company.pk}/edit/").content.decode()

    response = client.post(
        f"/companies/{company.pk}/edit/",
        {"name": "Acme Group", "domain": "acme.com", "industry": "", "employees": ""},
        follow=True,
    )

    assert 'value="Acme"' in field_html(form, "name")
    assert 'value="acme.com"' in field_html(form, "domain")
    assert 'value="10"' in field_html(form, "employees")
    assert response.redirect_chain == [(f"/companies/{company.pk}/", 302)]
    assert "The company Acme Group was saved." in response.content.decode()
    company.refresh_from_db()
    assert (company.name, company.industry, company.employees) == ("Acme Group", "", None)


def test_an_edit_taking_another_companys_domain_is_refused_on_the_domain_field(
    client: Client, marketer: User
) -> None:
    company_create(data={"name": "Acme", "domain": "acme.com"}, by=None)
    other = company_create(data={"name": "Initech", "domain": "initech.com"}, by=None)
    client.force_login(marketer)

    response = client.post(
        f"/companies/{other.pk}/edit/", {"name": "Initech", "domain": "acme.com"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Another company already uses this domain." in field_html(html, "domain")
    other.refresh_from_db()
    assert other.domain == "initech.com"


def test_editing_an_unknown_company_is_not_found(client: Client, marketer: User) -> None:
    client.force_login(marketer)

    assert client.get("/companies/424242/edit/").status_code == 404


def test_the_company_page_has_edit_its_score_and_its_contacts_recent_activity(
    client: Client, marketer: User
) -> None:
    company = {"name": "Acme", "domain": "acme.com"}
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC)):
        hang = contact_create(
            data={
                "email": "hang@acme.com",
                "first_name": "Thị Hằng",
                "last_name": "Nguyễn",
                "language": "vi",
                "company": company,
            },
            by=None,
        )
        bo = contact_create(
            data={"email": "bo@acme.com", "first_name": "Bo", "company": company}, by=None
        )
        outsider = contact_create(data={"email": "x@initech.com"}, by=None)
    Contact.objects.filter(pk=hang.pk).update(
        score=7, last_seen_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    )
    Contact.objects.filter(pk=bo.pk).update(score=5)
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC)):
        event_record(contact_id=bo.pk, type="form_submit", properties={"form": "newsletter"})
    with time_machine.travel(datetime(2026, 3, 2, tzinfo=UTC)):
        event_record(contact_id=hang.pk, type="page_view", properties={"url": "https://a.test/p"})
        event_record(contact_id=outsider.pk, type="page_view", properties={"url": "https://x.test"})
    client.force_login(marketer)

    html = client.get(f"/companies/{hang.company_id}/").content.decode()

    assert f'<a class="button" href="/companies/{hang.company_id}/edit/">Edit company</a>' in html
    assert "<dt>Total score</dt><dd>12</dd>" in html
    contacts = html[html.index('id="contacts"') : html.index('id="activity"')]
    assert f'<a href="/contacts/{hang.pk}/">Nguyễn Thị Hằng</a>' in contacts
    assert ">2 Mar 2026, 09:30</time>" in contacts  # last seen, as the viewer writes dates
    activity = html[html.index('id="activity"') :]
    lines = re.findall(r'<li class="event".*?</li>', activity, flags=re.S)
    # Newest first, and none of the outsider's.
    kinds = [re.findall(r'data-type="([^"]+)"', line)[0] for line in lines]
    assert kinds == ["page_view", "form_submit", "contact_created", "contact_created"]
    assert f'<a href="/contacts/{hang.pk}/">Nguyễn Thị Hằng</a> — ' in lines[0]
    assert "https://a.test/p" in lines[0]
    assert f'<a href="/contacts/{bo.pk}/">Bo</a> — ' in lines[1]
    assert "newsletter" in lines[1]
    assert "x.test" not in activity


def test_the_company_page_lists_its_contacts_twenty_five_at_a_time(
    client: Client, marketer: User
) -> None:
    for n in range(27):
        contact_create(data={"email": f"p{n:02}@acme.com"}, by=None)
    company_id = Contact.objects.first().company_id  # type: ignore[union-attr]
    client.force_login(marketer)

    first = client.get(f"/companies/{company_id}/").content.decode()
    second = client.get(f"/companies/{company_id}/", {"page": "2"}).content.decode()

    def rows(html: str) -> int:
        section = html[html.index('id="contacts"') : html.index('id="activity"')]
        return section.count("<tr>") - 1  # the header row

    assert (rows(first), rows(second)) == (25, 2)
    assert "27 results" in first


def test_the_company_list_offers_new_company_and_writes_numbers_in_the_viewers_language(
    client: Client, marketer: User
) -> None:
    company_create(data={"name": "Acme", "employees": 1200}, by=None)
    marketer.language = "vi"
    marketer.save()
    client.force_login(marketer)

    html = client.get("/companies/").content.decode()

    assert 'href="/companies/new/"' in html
    assert '<td class="num">1.200</td>' in html

"""The company screens: the list with its figures, search, and one company's contacts."""

from __future__ import annotations

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.models import Contact
from tendril.contacts.services import contact_create

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

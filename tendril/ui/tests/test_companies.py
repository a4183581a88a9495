from __future__ import annotations

import pytest

from tendril.accounts.models import User
from tendril.contacts.models import Contact

pytestmark = pytest.mark.django_db


def test_company_list_shows_contacts_total_score_industry_and_employees(
    signed_in, sales_rep: User, make_contact
) -> None:
    company = {"name": "Acme", "domain": "acme.test", "industry": "Logistics", "employees": 1200}
    a = make_contact("a@acme.test", company=company)
    make_contact("b@acme.test", company=company)
    Contact.objects.filter(pk=a.pk).update(score=7)

    html = signed_in(sales_rep).get("/companies/").content.decode()

    assert f'<a href="/companies/{a.company_id}/">Acme</a>' in html
    assert "Logistics" in html
    assert '<td class="num">1,200</td>' in html
    assert '<td class="num">2</td>' in html
    assert '<td class="num">7</td>' in html


def test_company_search_narrows_the_list(signed_in, marketer: User, make_contact) -> None:
    make_contact("a@acme.test", company={"name": "Acme"})
    make_contact("b@initech.test", company={"name": "Initech"})

    html = signed_in(marketer).get("/companies/", {"q": "init"}).content.decode()

    assert "Initech" in html
    assert "Acme" not in html


def test_company_page_lists_its_contacts(signed_in, marketer: User, make_contact) -> None:
    a = make_contact("a@acme.test", company={"name": "Acme", "domain": "acme.test"})
    make_contact("b@initech.test", company={"name": "Initech"})

    html = signed_in(marketer).get(f"/companies/{a.company_id}/").content.decode()

    assert "acme.test" in html
    assert "a@acme.test" in html
    assert "b@initech.test" not in html


def test_an_unknown_company_is_not_found(signed_in, marketer: User) -> None:
    assert signed_in(marketer).get("/companies/424242/").status_code == 404

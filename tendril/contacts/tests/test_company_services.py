"""Companies created and edited by people: every rule ``company_create`` and ``company_update``
apply, each refusal named on its field, and what a rename does to search."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from tendril.accounts.models import AuditEntry, User
from tendril.contacts import companies
from tendril.contacts.companies import company_create, company_update
from tendril.contacts.models import Company, Contact
from tendril.contacts.services import contact_create
from tendril.core.errors import Conflict, DomainError, InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The messages in English, whatever language an earlier test's request left active."""
    with translation.override("en"):
        yield


def refusal(call: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def test_a_new_company_gets_its_domain_normalised_and_an_audit_entry(marketer: User) -> None:
    company = company_create(
        data={
            "name": "  Saigon Freight ",
            "domain": "https://www.SaigonFreight.vn/about",
            "industry": "Logistics",
            "employees": 120,
        },
        by=marketer,
    )

    stored = Company.objects.get(pk=company.pk)
    assert (stored.name, stored.domain, stored.industry, stored.employees) == (
        "Saigon Freight",
        "saigonfreight.vn",
        "Logistics",
        120,
    )
    assert stored.name_key == "saigon freight"
    assert "saigon freight" in stored.search_text
    entry = AuditEntry.objects.get(action="company.create")
    assert (entry.target_id, entry.detail) == (
        str(company.pk),
        {"name": "Saigon Freight", "domain": "saigonfreight.vn"},
    )


@pytest.mark.parametrize("name", ["", "   ", None])
def test_a_company_needs_a_name(name: str | None) -> None:
    error = refusal(company_create, data={"name": name, "domain": "acme.com"}, by=None)

    assert isinstance(error, InvalidInput)
    assert (error.field, error.message) == ("name", "Give the company a name.")
    assert not Company.objects.exists()


def test_a_domain_that_is_not_a_domain_is_refused_on_its_field() -> None:
    error = refusal(company_create, data={"name": "Acme", "domain": "acme corp"}, by=None)

    assert isinstance(error, InvalidInput)
    assert error.field == "domain"
    assert "is not a domain name like acme.com" in error.message


def test_a_domain_another_company_uses_is_refused_on_the_domain_field() -> None:
    company_create(data={"name": "Acme", "domain": "acme.com"}, by=None)

    error = refusal(company_create, data={"name": "Acme Two", "domain": "WWW.acme.com"}, by=None)

    assert isinstance(error, Conflict)
    assert (error.field, error.message) == ("domain", "Another company already uses this domain.")
    assert Company.objects.count() == 1


def test_a_name_another_company_without_a_domain_has_is_refused_without_a_domain() -> None:
    company_create(data={"name": "Mekong Trading"}, by=None)

    error = refusal(company_create, data={"name": "MEKONG  trading"}, by=None)
    with_domain = company_create(data={"name": "Mekong Trading", "domain": "mekong.vn"}, by=None)

    assert isinstance(error, Conflict)
    assert error.field == "name"
    assert error.message.startswith("Another company without a domain already has this name.")
    assert with_domain.domain == "mekong.vn"
    assert Company.objects.count() == 2


@pytest.mark.parametrize(
    ("employees", "message"),
    [
        (-1, "employees must be a whole number of zero or more"),
        ("many", "employees must be a whole number, not 'many'"),
        (2.5, "employees must be a whole number of zero or more"),
    ],
)
def test_employees_must_be_a_whole_number_of_zero_or_more(employees: object, message: str) -> None:
    error = refusal(company_create, data={"name": "Acme", "employees": employees}, by=None)

    assert (error.field, error.message) == ("employees", message)


def test_an_industry_longer_than_its_column_is_refused() -> None:
    error = refusal(company_create, data={"name": "Acme", "industry": "x" * 101}, by=None)

    assert (error.field, error.message) == ("industry", "industry is longer than 100 characters")


def test_an_unknown_company_field_is_refused() -> None:
    error = refusal(company_create, data={"name": "Acme", "revenue": 5}, by=None)

    assert (error.field, error.message) == ("revenue", "unknown company field 'revenue'")


def test_updating_changes_only_the_given_fields_and_audits_what_changed(marketer: User) -> None:
    company = company_create(
        data={"name": "Acme", "domain": "acme.com", "industry": "Retail", "employees": 10},
        by=None,
    )

    company_update(company=company, data={"employees": 12, "industry": "Retail"}, by=marketer)

    stored = Company.objects.get(pk=company.pk)
    assert (stored.name, stored.domain, stored.industry, stored.employees) == (
        "Acme",
        "acme.com",
        "Retail",
        12,
    )
    entry = AuditEntry.objects.get(action="company.update")
    assert entry.detail == {"changed": ["employees"]}
    assert entry.actor == marketer.email


def test_an_update_that_changes_nothing_writes_nothing() -> None:
    company = company_create(data={"name": "Acme", "domain": "acme.com"}, by=None)

    company_update(company=company, data={"name": "Acme", "domain": "https://acme.com"}, by=None)

    assert Company.objects.get(pk=company.pk).updated_at == company.updated_at
    assert not AuditEntry.objects.filter(action="company.update").exists()


def test_an_update_can_clear_the_domain_industry_and_employees() -> None:
    company = company_create(
        data={"name": "Acme", "domain": "acme.com", "industry": "Retail", "employees": 10},
        by=None,
    )

    company_update(
        company=company, data={"domain": "", "industry": None, "employees": None}, by=None
    )

    stored = Company.objects.get(pk=company.pk)
    assert (stored.domain, stored.industry, stored.employees) == (None, "", None)


def test_renaming_a_company_to_nothing_is_refused() -> None:
    company = company_create(data={"name": "Acme"}, by=None)

    error = refusal(company_update, company=company, data={"name": " "}, by=None)

    assert (error.field, error.message) == ("name", "Give the company a name.")
    assert Company.objects.get(pk=company.pk).name == "Acme"


def test_moving_to_a_domain_another_company_uses_is_refused_on_the_domain_field() -> None:
    company_create(data={"name": "Acme", "domain": "acme.com"}, by=None)
    other = company_create(data={"name": "Initech", "domain": "initech.com"}, by=None)

    error = refusal(company_update, company=other, data={"domain": "acme.com"}, by=None)

    assert (error.field, error.message) == ("domain", "Another company already uses this domain.")
    assert Company.objects.get(pk=other.pk).domain == "initech.com"


def test_dropping_the_domain_of_a_company_named_like_one_without_a_domain_is_refused() -> None:
    company_create(data={"name": "Acme"}, by=None)
    other = company_create(data={"name": "ACME", "domain": "acme.com"}, by=None)

    error = refusal(company_update, company=other, data={"domain": None}, by=None)

    assert error.field == "name"
    assert Company.objects.get(pk=other.pk).domain == "acme.com"


def test_renaming_a_company_puts_the_new_name_in_its_contacts_search_text() -> None:
    ana = contact_create(
        data={"email": "ana@acme.com", "company": {"name": "Acme", "domain": "acme.com"}},
        by=None,
    )
    assert ana.company is not None

    company_update(company=ana.company, data={"name": "Công ty Đức Thịnh"}, by=None)

    company = Company.objects.get(pk=ana.company.pk)
    contact = Contact.objects.get(pk=ana.pk)
    assert (company.name, company.name_key) == ("Công ty Đức Thịnh", "công ty đức thịnh")
    assert "cong ty duc thinh" in company.search_text
    assert contact.search_text.endswith("cong ty duc thinh")
    assert "acme" not in contact.search_text.split("\t")[-1]


def test_a_domain_taken_between_the_check_and_the_insert_is_still_a_field_conflict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The unique constraint decides a race: the first check saw no owner of the domain, a
    concurrent writer took it, and the failed insert is answered on the domain field."""
    company_create(data={"name": "Acme", "domain": "acme.com"}, by=None)
    real_check = companies._company_taken
    calls: list[int] = []

    def check_missing_the_winner_first(company: Company) -> Conflict | None:
        calls.append(1)
        return None if len(calls) == 1 else real_check(company)

    monkeypatch.setattr(companies, "_company_taken", check_missing_the_winner_first)

    error = refusal(company_create, data={"name": "Acme Two", "domain": "acme.com"}, by=None)

    assert len(calls) == 2
    assert (error.field, error.message) == ("domain", "Another company already uses this domain.")
    assert Company.objects.count() == 1

"""Every way a contact or company is written leaves its search text current: the stored text is
checked after each write, so a writer that forgets it fails here, not in a marketer's search."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tendril.contacts.companies import company_get_or_create
from tendril.contacts.importer import import_contacts_path
from tendril.contacts.models import Company, Contact
from tendril.contacts.search import COMPANY_PART, company_contacts_refresh, company_search_apply
from tendril.contacts.selectors import ContactFilters, contact_list
from tendril.contacts.services import (
    contact_create,
    contact_erase,
    contact_update,
    contact_upsert,
    contacts_ensure_by_email,
)

pytestmark = pytest.mark.django_db


def stored(email: str) -> str:
    return Contact.objects.get(email=email).search_text


def company_text(name: str) -> str:
    return Company.objects.get(name=name).search_text


@pytest.fixture
def csv_file(tmp_path: Path):
    def write(content: str) -> Path:
        path = tmp_path / "contacts.csv"
        path.write_text(content, encoding="utf-8")
        return path

    return write


def test_a_created_contact_stores_names_email_phone_and_company_folded() -> None:
    contact_create(
        data={
            "email": "Hang@SaoMai.vn",
            "first_name": "Thị Hằng",
            "last_name": "Nguyễn",
            "phone": "+84 91 234-5678",
            "company": {"name": "Công ty Sao Mai"},
        },
        by=None,
    )

    assert stored("hang@saomai.vn") == (
        f"thi hang nguyen hang@saomai.vn +84 91 234-5678 84912345678{COMPANY_PART}cong ty sao mai"
    )


def test_an_update_of_a_name_rewrites_the_search_text() -> None:
    contact = contact_create(data={"email": "duc@gmail.com", "first_name": "Minh"}, by=None)

    contact_update(contact=contact, data={"first_name": "Đức", "last_name": "Lê"}, by=None)

    assert stored("duc@gmail.com").startswith("duc le duc@gmail.com")


def test_an_email_change_rewrites_the_search_text() -> None:
    contact = contact_create(data={"email": "old@gmail.com", "first_name": "An"}, by=None)

    contact_update(contact=contact, data={"email": "new.address@gmail.com"}, by=None)

    text = stored("new.address@gmail.com")
    assert "new.address@gmail.com" in text and "old@" not in text


def test_a_new_company_on_an_update_is_in_the_search_text() -> None:
    contact = contact_create(data={"email": "an@gmail.com", "first_name": "An"}, by=None)

    contact_update(contact=contact, data={"company": {"name": "Đông Á Group"}}, by=None)

    assert stored("an@gmail.com").endswith(f"{COMPANY_PART}dong a group")
    assert company_text("Đông Á Group") == "dong a group"


def test_an_upsert_of_a_known_email_rewrites_the_search_text() -> None:
    contact_create(data={"email": "bich@gmail.com", "first_name": "Bich"}, by=None)

    _, created = contact_upsert(
        data={"email": "bich@gmail.com", "first_name": "Quốc Bích", "last_name": "Trần"}, by=None
    )

    assert not created
    assert stored("bich@gmail.com").startswith("quoc bich tran bich@gmail.com")


def test_a_language_change_alone_keeps_the_search_text() -> None:
    contact = contact_create(data={"email": "hoa@gmail.com", "first_name": "Hoa"}, by=None)
    before = stored("hoa@gmail.com")

    contact_update(contact=contact, data={"language": "vi"}, by=None)

    assert Contact.objects.get(email="hoa@gmail.com").language == "vi"
    assert stored("hoa@gmail.com") == before


def test_contacts_made_by_event_ingest_carry_their_email_and_domain_company() -> None:
    contacts_ensure_by_email(
        emails=["Somchai@SiamRice.co.th", "x@gmail.com"], source="api", by=None
    )

    assert stored("somchai@siamrice.co.th") == (
        f"somchai@siamrice.co.th{COMPANY_PART}siamrice"  # the company named from its domain
    )
    assert stored("x@gmail.com") == f"x@gmail.com{COMPANY_PART}"


def test_an_event_for_a_new_email_through_the_api_stores_its_search_text(marketer_api: Any) -> None:
    response = marketer_api.post(
        "/api/v1/events",
        json.dumps(
            {
                "contact": {"email": "lan@hoabinh.vn"},
                "type": "page_view",
                "properties": {"url": "https://hoabinh.vn/"},
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 202
    assert [c.email for c in contact_list(filters=ContactFilters(q="hoabinh"))] == [
        "lan@hoabinh.vn"
    ]


def test_imported_new_contacts_store_their_search_text(csv_file: Any) -> None:
    path = csv_file(
        "email,first_name,last_name,phone,company,company domain\n"
        "hang@saomai.vn,Thị Hằng,Nguyễn,0912 345 678,Công ty Sao Mai,saomai.vn\n"
        "somchai@gmail.com,สมชาย,ใจดี,,,\n"
    )

    report = import_contacts_path(path=path)

    assert report["created"] == 2, report
    assert stored("hang@saomai.vn") == (
        f"thi hang nguyen hang@saomai.vn 0912 345 678 0912345678{COMPANY_PART}cong ty sao mai"
    )
    assert stored("somchai@gmail.com") == f"สมชาย ใจดี somchai@gmail.com{COMPANY_PART}"
    assert company_text("Công ty Sao Mai") == "cong ty sao mai saomai.vn"


def test_an_import_updating_known_contacts_rewrites_their_search_text(csv_file: Any) -> None:
    contact_create(data={"email": "duc@gmail.com", "first_name": "Minh"}, by=None)
    contact_create(data={"email": "an@gmail.com", "first_name": "An"}, by=None)
    path = csv_file(
        "email,first_name,last_name,company\nduc@gmail.com,Đức,Lê,\nan@gmail.com,,,Lotus Foods\n"
    )

    report = import_contacts_path(path=path)

    assert report["updated"] == 2, report
    assert stored("duc@gmail.com") == f"duc le duc@gmail.com{COMPANY_PART}"
    assert stored("an@gmail.com") == f"an an@gmail.com{COMPANY_PART}lotus foods"


def test_a_company_found_by_name_that_gains_its_domain_is_found_by_it(csv_file: Any) -> None:
    company_get_or_create(domain=None, name="Lotus Foods")
    path = csv_file("email,company,company domain\nan@gmail.com,Lotus Foods,lotusfoods.vn\n")

    import_contacts_path(path=path)

    assert company_text("Lotus Foods") == "lotus foods lotusfoods.vn"


def test_a_company_that_gains_its_domain_through_the_api_is_found_by_it() -> None:
    company_get_or_create(domain=None, name="Kanok Rice")

    contact_create(
        data={"email": "a@gmail.com", "company": {"name": "Kanok Rice", "domain": "kanok.co.th"}},
        by=None,
    )

    assert company_text("Kanok Rice") == "kanok rice kanok.co.th"


def test_a_company_made_from_a_domain_is_found_by_its_name_and_domain() -> None:
    company = company_get_or_create(domain="acme-logistics.co.th", name=None)

    assert company.search_text == "acme logistics acme-logistics.co.th"
    assert company_text("Acme Logistics") == company.search_text


def test_renaming_a_company_refreshes_its_contacts_and_only_them() -> None:
    hang = contact_create(
        data={"email": "hang@gmail.com", "first_name": "Hằng", "company": {"name": "Sao Mai"}},
        by=None,
    )
    other = contact_create(
        data={"email": "an@gmail.com", "first_name": "An", "company": {"name": "Lotus"}},
        by=None,
    )
    company = Company.objects.get(pk=hang.company_id)
    company.name = "Tập đoàn Sao Mai"
    company_search_apply(company)
    company.save()

    assert company_contacts_refresh(company.pk) == 1

    assert stored("hang@gmail.com") == f"hang hang@gmail.com{COMPANY_PART}tap doan sao mai"
    assert stored("an@gmail.com") == f"an an@gmail.com{COMPANY_PART}lotus"
    assert Contact.objects.get(pk=other.pk).search_text.endswith("lotus")


def test_an_erased_contact_is_found_by_no_search() -> None:
    contact = contact_create(data={"email": "gone@gmail.com", "first_name": "Hằng"}, by=None)

    contact_erase(contact=contact, by=None)

    assert not Contact.objects.filter(search_text__contains="gone").exists()
    assert list(contact_list(filters=ContactFilters(q="hang"))) == []

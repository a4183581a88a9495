"""Search over names, email, phone and company, ignoring case and accents, on SQLite and
PostgreSQL alike (the suite runs on both)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tendril.contacts.models import Company, Contact
from tendril.contacts.selectors import ContactFilters, company_list, contact_list
from tendril.contacts.services import contact_create

pytestmark = pytest.mark.django_db

PEOPLE = [
    {
        "email": "hang@saomai.vn",
        "first_name": "Thị Hằng",
        "last_name": "Nguyễn",
        "language": "vi",
        "company": {"name": "Công ty Sao Mai", "domain": "saomai.vn"},
    },
    {"email": "bich.tran@gmail.com", "first_name": "Quốc Bích", "last_name": "Trần"},
    {"email": "le.duc@yahoo.com.vn", "first_name": "Đức", "last_name": "Lê"},
    {"email": "thi.hoa@gmail.com", "first_name": "Thị Hoa", "last_name": "Phạm"},
    {"email": "somchai@siamrice.co.th", "first_name": "สมชาย", "last_name": "ใจดี"},
    {
        "email": "ann@acme.io",
        "first_name": "Ann",
        "last_name": "Lee",
        "phone": "+66 81 234 5678",
        "company": {"name": "Acme Logistics"},
    },
    {"email": "nguyen.van@gmail.com", "first_name": "Van", "last_name": "Tran"},
]


@pytest.fixture
def people() -> dict[str, Contact]:
    return {p["email"]: contact_create(data=p, by=None) for p in PEOPLE}


def found(q: str) -> set[str]:
    return {c.email for c in contact_list(filters=ContactFilters(q=q))}


def test_nguyen_without_accents_finds_nguyen_in_names_and_emails(people: Any) -> None:
    assert found("nguyen") == {"hang@saomai.vn", "nguyen.van@gmail.com"}


def test_a_query_typed_with_accents_finds_the_same_people(people: Any) -> None:
    assert found("NGUYỄN") == found("nguyen")


def test_every_word_must_match_somewhere(people: Any) -> None:
    assert found("thi hang") == {"hang@saomai.vn"}
    assert found("thi") == {"hang@saomai.vn", "thi.hoa@gmail.com"}
    assert found("quoc bich") == {"bich.tran@gmail.com"}
    assert found("thi bich") == set()


@pytest.mark.parametrize("q", ["đức", "duc", "ĐỨC", "Duc"])
def test_duc_with_or_without_its_accents_finds_duc(people: Any, q: str) -> None:
    assert found(q) == {"le.duc@yahoo.com.vn"}


@pytest.mark.parametrize("q", ["สมชาย", "ใจดี", "มชา"])
def test_thai_matches_by_substring(people: Any, q: str) -> None:
    assert found(q) == {"somchai@siamrice.co.th"}


def test_a_company_name_fragment_finds_its_contacts(people: Any) -> None:
    assert found("sao mai") == {"hang@saomai.vn"}
    assert found("cong ty") == {"hang@saomai.vn"}
    assert found("logist") == {"ann@acme.io"}


@pytest.mark.parametrize("q", ["812345678", "+66 81 234", "234-5678", "(081) 234", "0066812"])
def test_phone_digits_find_the_contact_however_they_are_punctuated(people: Any, q: str) -> None:
    assert found(q) == {"ann@acme.io"}


@pytest.mark.parametrize("q", ["%", "_", "a_n@", "\\"])
def test_like_wildcards_in_a_query_are_plain_characters(people: Any, q: str) -> None:
    assert found(q) == set()


def test_only_the_first_five_words_count(people: Any) -> None:
    assert found("thi hang nguyen sao mai nobody-else") == {"hang@saomai.vn"}


def test_a_blank_query_filters_nothing(people: Any) -> None:
    assert len(found("   ")) == len(PEOPLE)


def test_company_search_ignores_accents_and_matches_name_and_domain(people: Any) -> None:
    def companies(q: str) -> set[str]:
        return {c.name for c in company_list(q=q)}

    assert companies("cong ty sao") == {"Công ty Sao Mai"}
    assert companies("saomai.vn") == {"Công ty Sao Mai"}
    assert companies("ACME") == {"Acme Logistics"}
    assert companies("mai acme") == set()


def test_the_api_list_searches_the_same_way(people: Any, marketer_api: Any) -> None:
    response = marketer_api.get("/api/v1/contacts", {"q": "thi hang"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["display_name"] == "Nguyễn Thị Hằng"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("model", "index"), [(Contact, "contact_search_trgm"), (Company, "company_search_trgm")]
)
def test_postgresql_serves_substring_search_from_the_trigram_index(
    people: Any, model: type[Contact] | type[Company], index: str
) -> None:
    query = model.objects.filter(search_text__contains="nguyen").only("pk").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows is cheaper to scan; forbid that to see what the index can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan

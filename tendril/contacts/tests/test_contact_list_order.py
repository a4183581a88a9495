"""Sorting the contact list (``selectors.contact_list(order=...)`` and ``GET /api/v1/contacts
?order=``): each order, its reverse, the tie-break on id and people never seen coming last.
Runs on SQLite and, with ``DATABASE_URL=postgres://...``, on PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from tendril.contacts.models import Contact
from tendril.contacts.selectors import CONTACT_ORDERS, ContactFilters, contact_list
from tendril.contacts.tests.factories import ContactFactory
from tendril.core import clock
from tendril.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, Contact]:
    """Five people whose every sortable column puts them in a different order."""
    now = clock.now()
    return {
        "binh": ContactFactory(
            email="binh@b.test",
            first_name="Bình",
            last_name="nguyen",
            score=7,
            created_at=now - timedelta(days=3),
            last_seen_at=now - timedelta(hours=1),
        ),
        "anh": ContactFactory(
            email="anh@a.test",
            first_name="Anh",
            last_name="Nguyen",
            score=7,
            created_at=now - timedelta(days=1),
            last_seen_at=None,
        ),
        "zoe": ContactFactory(
            email="zoe@z.test",
            first_name="Zoe",
            last_name="Adams",
            score=12,
            created_at=now - timedelta(days=2),
            last_seen_at=now - timedelta(days=5),
        ),
        "carl": ContactFactory(
            email="carl@c.test",
            first_name="carl",
            last_name="Young",
            score=0,
            created_at=now - timedelta(days=5),
            last_seen_at=now - timedelta(minutes=5),
        ),
        "dan": ContactFactory(
            email="dan@d.test",
            first_name="Dan",
            last_name="young",
            score=3,
            created_at=now - timedelta(days=4),
            last_seen_at=None,
        ),
    }


def names(order: str) -> list[str]:
    contacts = contact_list(filters=ContactFilters(), order=order)
    return [c.email.split("@")[0] for c in contacts]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("-created_at", ["anh", "zoe", "binh", "dan", "carl"]),
        ("created_at", ["carl", "dan", "binh", "zoe", "anh"]),
        ("-last_seen_at", ["carl", "binh", "zoe", "dan", "anh"]),
        ("last_seen_at", ["zoe", "binh", "carl", "anh", "dan"]),
        ("-score", ["zoe", "anh", "binh", "dan", "carl"]),
        ("score", ["carl", "dan", "binh", "anh", "zoe"]),
        ("name", ["zoe", "anh", "binh", "carl", "dan"]),
        ("-name", ["dan", "carl", "binh", "anh", "zoe"]),
        ("email", ["anh", "binh", "carl", "dan", "zoe"]),
        ("-email", ["zoe", "dan", "carl", "binh", "anh"]),
    ],
)
def test_each_order_sorts_the_list_with_ties_broken_by_id(
    people: dict[str, Contact], order: str, expected: list[str]
) -> None:
    # Ties (score 7; never seen) follow the id the same way as the column: "anh" and "dan"
    # were made after "binh" and "anh"; "nguyen" and "Nguyen" are one last name.
    assert names(order) == expected


def test_every_order_the_api_promises_is_tested() -> None:
    assert set(CONTACT_ORDERS) == {
        f"{sign}{column}"
        for sign in ("", "-")
        for column in ("created_at", "last_seen_at", "score", "name", "email")
    }


def test_the_list_is_newest_first_unless_told_otherwise(people: dict[str, Contact]) -> None:
    contacts = contact_list(filters=ContactFilters(stage="lead"))

    assert [c.pk for c in contacts] == [
        c.pk for c in contact_list(filters=ContactFilters(), order="-created_at")
    ]
    assert contacts[0].email == "anh@a.test"


def test_the_order_applies_after_the_filters(people: dict[str, Contact]) -> None:
    contacts = contact_list(filters=ContactFilters(grade="warm"), order="score")

    assert [c.email for c in contacts] == ["binh@b.test", "anh@a.test"]


def test_an_unknown_order_is_refused_on_the_order_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        contact_list(filters=ContactFilters(), order="phone")

    assert refused.value.field == "order"
    assert "-score" in refused.value.message


def test_the_api_sorts_by_the_order_it_is_given(
    people: dict[str, Contact], sales_api: Client
) -> None:
    response = sales_api.get("/api/v1/contacts?order=-score&page_size=3")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert [item["email"] for item in body["items"]] == ["zoe@z.test", "anh@a.test", "binh@b.test"]
    page_two = sales_api.get("/api/v1/contacts?order=-score&page_size=3&page=2").json()
    assert [item["email"] for item in page_two["items"]] == ["dan@d.test", "carl@c.test"]


def test_the_api_refuses_an_unknown_order_with_422_on_the_order_field(
    marketer_api: Client,
) -> None:
    response = marketer_api.get("/api/v1/contacts?order=shoe_size")

    assert response.status_code == 422
    assert response.json()["field"] == "order"
    assert "-last_seen_at" in response.json()["detail"]

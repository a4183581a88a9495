"""A page or offset far past the end of a timeline is an empty page, never a database error
(SQLite and PostgreSQL refuse OFFSETs beyond a 64-bit integer)."""

from __future__ import annotations

import pytest
from django.test import Client

from tendril.contacts.services import contact_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(db):
    return contact_create(data={"email": "ann@acme.io", "first_name": "Ann"}, by=None)


@pytest.mark.parametrize("page", [10**7, 10**30, 2**63])
def test_a_huge_timeline_page_is_an_empty_page(admin_api, contact, page):
    response = admin_api.get(f"/api/v1/contacts/{contact.pk}/timeline?page={page}&page_size=500")

    assert response.status_code == 200, response.content
    assert response.json() == {"count": 1, "items": []}


def test_a_huge_page_of_any_list_is_an_empty_page(admin_api, contact):
    for path in ["/api/v1/contacts", "/api/v1/companies", "/api/v1/events", "/api/v1/audit"]:
        response = admin_api.get(f"{path}?page={10**30}")

        assert response.status_code == 200, (path, response.content)
        assert response.json()["items"] == []


@pytest.mark.parametrize("offset", [10**30, 2**63, -5])
def test_a_huge_timeline_offset_on_the_contact_screen_is_an_empty_fragment(
    marketer, contact, offset
):
    browser = Client()
    browser.force_login(marketer)

    fragment = browser.get(
        f"/contacts/{contact.pk}/timeline/?offset={offset}", HTTP_HX_REQUEST="true"
    )
    page = browser.get(f"/contacts/{contact.pk}/?offset={offset}")

    assert fragment.status_code == 200
    assert page.status_code == 200
    assert ("contact_created" in fragment.content.decode()) == (offset < 0)


def test_the_first_timeline_page_still_shows_the_events(admin_api, contact):
    response = admin_api.get(f"/api/v1/contacts/{contact.pk}/timeline?page=1")

    assert response.json()["count"] == 1
    assert [e["type"] for e in response.json()["items"]] == ["contact_created"]

"""The signed links: they name one contact and cannot be forged; a tampered link is a 400 page,
a merged or erased contact's link a friendly 404 page; the page speaks the contact's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tendril.contacts.merging import contacts_merge
from tendril.contacts.services import contact_erase
from tendril.contacts.tests.factories import ContactFactory
from tendril.preferences.links import (
    LinkRefused,
    preference_path,
    preference_token,
    preference_url,
    token_contact_id,
    unsubscribe_url,
)
from tendril.preferences.models import Topic
from tendril.preferences.tests.conftest import consenting

pytestmark = pytest.mark.django_db


def test_the_links_are_absolute_and_carry_the_contact(settings: Any) -> None:
    contact = ContactFactory()
    token = preference_token(contact.pk)
    assert preference_url(contact) == f"{settings.BASE_URL}/u/{token}"
    assert unsubscribe_url(contact) == f"{settings.BASE_URL}/u/{token}/one-click"
    assert token_contact_id(token) == contact.pk


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "9999" + t[t.index(":") :],  # another contact, the same signature
        lambda t: t.split(":")[0],  # signature cut off
        lambda t: "x",
    ],
)
def test_a_tampered_link_is_a_400_page_never_a_5xx(client: Client, tamper: Any) -> None:
    contact = ContactFactory()
    token = tamper(preference_token(contact.pk))
    with pytest.raises(LinkRefused):
        token_contact_id(token)
    for url in (f"/u/{token}", f"/u/{token}/one-click"):
        page = client.get(url)
        assert page.status_code == 400
        assert "This link is not valid" in page.content.decode()
    assert client.post(f"/u/{token}/one-click", {"List-Unsubscribe": "One-Click"}).status_code == (
        400
    )


def test_a_merged_contacts_link_no_longer_works(client: Client) -> None:
    keep, gone = ContactFactory(), ContactFactory()
    path = preference_path(gone)
    contacts_merge(keep=keep, gone=gone, by=None)
    page = client.get(path)
    assert page.status_code == 404
    assert "This link no longer works" in page.content.decode()


def test_an_erased_contacts_one_click_link_no_longer_works(client: Client) -> None:
    contact = ContactFactory()
    path = preference_path(contact) + "/one-click"
    contact_erase(contact=contact, by=None)
    answer = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 404
    assert "This link no longer works" in answer.content.decode()


def test_a_vietnamese_contact_reads_the_centre_in_vietnamese(
    client: Client, topics: list[Topic]
) -> None:
    contact = consenting(language="vi", email="hang@example.vn")
    page = client.get(preference_path(contact), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="vi">' in body
    assert "Tùy chọn email của bạn" in body  # "Your email preferences"
    assert "Bản tin hằng tháng" in body and "Mỗi tháng một lần." in body
    # A topic without a Vietnamese name falls back to its default name.
    assert "Product news" in body and "Sự kiện" in body
    assert "ha•••@example.vn" in body and "hang@example.vn" not in body


def test_a_thai_contact_reads_the_centre_in_thai(client: Client, topics: list[Topic]) -> None:
    contact = consenting(language="th")
    body = client.get(preference_path(contact), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="th">' in body
    assert "การตั้งค่าอีเมลของคุณ" in body  # "Your email preferences"
    assert "จดหมายข่าวรายเดือน" in body and "เดือนละครั้ง" in body


def test_the_pages_are_not_framed_indexed_nor_cached(client: Client) -> None:
    contact = consenting()
    for url in (preference_path(contact), preference_path(contact) + "/one-click"):
        page = client.get(url)
        assert page["X-Frame-Options"] == "DENY"
        assert "noindex" in page["X-Robots-Tag"]
        assert '<meta name="robots" content="noindex, nofollow">' in page.content.decode()
        assert "no-store" in page["Cache-Control"]

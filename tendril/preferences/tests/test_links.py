"""The signed links: they name one contact and cannot be forged; a tampered link is a 400 page,
a merged contact's link acts on the contact kept (through chains of merges), an erased
contact's link is a friendly 404 page; the page speaks the contact's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tendril.contacts.merging import contacts_merge
from tendril.contacts.models import Channel, Consent, ConsentStatus, Contact
from tendril.contacts.selectors import contact_merged_into
from tendril.contacts.services import contact_erase
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event
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
        # The signature changed (not its last character: its low bits are base64 padding, so
        # A and B there decode to the same signature).
        lambda t: t[:-5] + ("A" if t[-5] != "A" else "B") + t[-4:],
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


def _unsubscribed(contact: Contact) -> bool:
    consent = Consent.objects.filter(contact=contact, channel=Channel.EMAIL).first()
    return consent is not None and consent.status == ConsentStatus.DENIED


def test_the_old_one_click_link_of_a_merged_contact_unsubscribes_the_kept_one(
    client: Client,
) -> None:
    keep, gone = consenting(language="vi"), consenting()
    old_link = preference_path(gone) + "/one-click"
    contacts_merge(keep=keep, gone=gone, by=None)

    answer = Client().post(old_link, {"List-Unsubscribe": "One-Click"})

    assert answer.status_code == 200
    assert _unsubscribed(keep)
    event = Event.objects.get(contact_id=keep.pk, type="unsubscribed")
    assert event.properties == {"via": "one-click"}
    # The centre of the old link is the kept contact's, in their language.
    page = client.get(preference_path(gone))
    assert page.status_code == 200
    assert '<html lang="vi">' in page.content.decode()


def test_a_chain_of_two_merges_is_followed_to_the_contact_kept_last(client: Client) -> None:
    first, middle, last = consenting(), consenting(), consenting()
    old_link = preference_path(first) + "/one-click"
    contacts_merge(keep=middle, gone=first, by=None)
    contacts_merge(keep=last, gone=middle, by=None)

    assert contact_merged_into(first.pk) == last.pk
    assert contact_merged_into(middle.pk) == last.pk
    assert contact_merged_into(last.pk) is None
    answer = client.post(old_link, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert _unsubscribed(last)


def test_the_link_of_a_contact_merged_into_one_erased_since_no_longer_works(
    client: Client,
) -> None:
    keep, gone = consenting(), consenting()
    old_link = preference_path(gone) + "/one-click"
    contacts_merge(keep=keep, gone=gone, by=None)
    contact_erase(contact=keep, by=None)

    assert contact_merged_into(gone.pk) is None
    answer = client.post(old_link, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 404
    assert "This link no longer works" in answer.content.decode()
    assert not Event.objects.filter(type="unsubscribed").exists()


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

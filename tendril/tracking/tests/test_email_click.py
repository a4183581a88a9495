"""A tracked link in an email (``GET /t/c/<signed>``, tendril.tracking.identity): the click is
the contact's ``email_clicked``, the browser lands on the signed address only, with the
contact's token the snippet hands to the collector, which joins the browser's visitor (and its
earlier anonymous visits) to the contact."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client

from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event, VisitorLink
from tendril.tracking import identity
from tendril.tracking.services import site_create

pytestmark = pytest.mark.django_db
SHOP = "https://shop.example.com"
PERSON = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
VISITOR = "c0ffee00c0ffee00"


def _click(client: Client, path: str, agent: str = PERSON) -> Any:
    return client.get(path, HTTP_USER_AGENT=agent)


def test_a_click_is_recorded_and_lands_on_the_signed_address_with_the_contacts_token(
    client: Client,
) -> None:
    contact = ContactFactory()
    url = f"{SHOP}/pricing?utm_source=newsletter"
    response = _click(client, identity.click_url(contact_id=contact.pk, url=url, email="12"))

    assert response.status_code == 302
    landing = urlsplit(response["Location"])
    assert f"{landing.scheme}://{landing.netloc}{landing.path}" == f"{SHOP}/pricing"
    query = parse_qs(landing.query)
    assert query["utm_source"] == ["newsletter"]
    assert identity.contact_from_token(query[identity.PARAM][0]) == contact.pk
    assert response["Cache-Control"] == "no-store"
    event = Event.objects.get(type="email_clicked")
    assert event.contact_id == contact.pk
    assert event.properties == {"email": "12", "url": url}


def test_a_changed_link_gets_400_and_leads_nowhere(client: Client) -> None:
    path = identity.click_url(contact_id=ContactFactory().pk, url=f"{SHOP}/")
    # A character of the signature changed (not the last: its low bits are base64 padding).
    response = _click(client, path[:-5] + ("A" if path[-5] != "A" else "B") + path[-4:])
    assert response.status_code == 400
    assert "Location" not in response
    assert _click(client, "/t/c/not-a-token").status_code == 400
    assert not Event.objects.filter(type="email_clicked").exists()


def test_only_web_addresses_are_ever_signed() -> None:
    with pytest.raises(ValueError):
        identity.click_url(contact_id=1, url="javascript:alert(1)")


def test_a_link_scanner_is_sent_on_without_the_token_and_records_nothing(client: Client) -> None:
    contact = ContactFactory()
    path = identity.click_url(contact_id=contact.pk, url=f"{SHOP}/")
    response = _click(client, path, agent="Mozilla/5.0 (compatible; bingbot/2.0)")
    assert response.status_code == 302 and response["Location"] == f"{SHOP}/"
    assert not Event.objects.exists()


def test_a_click_for_a_contact_since_erased_goes_on_without_identifying_anyone(
    client: Client,
) -> None:
    contact = ContactFactory()
    path = identity.click_url(contact_id=contact.pk, url=f"{SHOP}/")
    contact.delete()
    response = _click(client, path)
    assert response.status_code == 302 and response["Location"] == f"{SHOP}/"
    assert not Event.objects.exists()


def _hit(client: Client, key: str, **extra: Any) -> Any:
    body = {
        "k": key,
        "i": secrets.token_hex(8),
        "v": VISITOR,
        "e": [{"t": "page_view", "u": f"{SHOP}/pricing", "ti": "Pricing"}],
        **extra,
    }
    return client.post(
        "/t/collect",
        json.dumps(body),
        content_type="text/plain",
        HTTP_ORIGIN=SHOP,
        HTTP_USER_AGENT=PERSON,
    )


def test_the_token_in_a_hit_joins_the_browser_and_its_earlier_visits_to_the_contact(
    client: Client,
) -> None:
    site = site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)
    contact = ContactFactory()
    assert _hit(client, site.key).status_code == 204  # anonymous, before the email
    assert _hit(client, site.key, c=identity.contact_token(contact.pk)).status_code == 204
    assert VisitorLink.objects.get(visitor_id=VISITOR).contact_id == contact.pk
    views = Event.objects.filter(type="page_view")
    assert views.count() == 2 and set(views.values_list("contact_id", flat=True)) == {contact.pk}
    assert Event.objects.filter(type="visitor_identified", contact_id=contact.pk).exists()


def test_a_forged_or_old_token_identifies_no_one_and_the_hit_is_still_stored(
    client: Client,
) -> None:
    site = site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)
    contact = ContactFactory()
    token = identity.contact_token(contact.pk)
    forged = token[:-5] + ("x" if token[-5] != "x" else "y") + token[-4:]
    assert _hit(client, site.key, c=forged).status_code == 204
    with time_machine.travel(timedelta(days=-31), tick=False):
        old = identity.contact_token(contact.pk)
    assert _hit(client, site.key, c=old).status_code == 204
    assert not VisitorLink.objects.exists()
    assert Event.objects.filter(type="page_view", contact_id=None).count() == 2
    assert _hit(client, site.key, c="x" * 400).status_code == 422

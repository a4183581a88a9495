"""The preference centre and the one-click unsubscribe as the person uses them: saving topics,
unsubscribing from all (at once, through contacts' consent), subscribing again, RFC 8058's
one-click POST, and a GET (a link scanner) that changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tendril.contacts.models import Consent
from tendril.core.models import Event
from tendril.preferences import selectors
from tendril.preferences.links import preference_path
from tendril.preferences.models import Topic, TopicSubscription
from tendril.preferences.tests.conftest import consenting

pytestmark = pytest.mark.django_db


def email_consent(contact: Any) -> Consent:
    return Consent.objects.get(contact=contact, channel="email")


def test_saving_unticks_a_topic_and_says_so(client: Client, topics: list[Topic]) -> None:
    contact = consenting()
    path = preference_path(contact)
    newsletter, product, events = topics
    answer = client.post(path, {"action": "save", "topic": [str(newsletter.pk), str(events.pk)]})
    assert answer.status_code == 302 and answer["Location"].endswith("?done=saved")
    page = client.get(answer["Location"]).content.decode()
    assert "Your choices are saved" in page
    assert re.search(rf'value="{product.pk}" id="topic-{product.pk}">', page)  # unticked
    assert re.search(rf'value="{newsletter.pk}" id="topic-{newsletter.pk}" checked>', page)
    row = TopicSubscription.objects.get(contact=contact)
    assert (row.topic, row.subscribed, row.method) == (product, False, "preference centre")
    assert selectors.email_allowed(contact=contact, topic="newsletter")
    assert not selectors.email_allowed(contact=contact, topic="product-news")
    event = Event.objects.get(contact_id=contact.pk, type="topics_changed")
    assert event.properties["unsubscribed"] == ["Product news"]
    assert "actor" not in event.properties  # the person themselves
    # Saving the same choices again changes nothing and tells nothing.
    client.post(path, {"action": "save", "topic": [str(newsletter.pk), str(events.pk)]})
    assert Event.objects.filter(contact_id=contact.pk, type="topics_changed").count() == 1


def test_unsubscribe_from_all_is_immediate_and_subscribe_again_opts_back_in(
    client: Client, topics: list[Topic]
) -> None:
    contact = consenting()
    path = preference_path(contact)
    answer = client.post(path, {"action": "unsubscribe"})
    assert answer.status_code == 302
    consent = email_consent(contact)
    assert (consent.status, consent.method) == ("denied", "unsubscribe")
    assert not selectors.email_allowed(contact=contact)
    assert not selectors.mailable_contacts(topic="newsletter").filter(pk=contact.pk).exists()
    types = list(
        Event.objects.filter(contact_id=contact.pk).order_by("id").values_list("type", flat=True)
    )
    assert types[-2:] == ["consent_changed", "unsubscribed"]
    page = client.get(answer["Location"]).content.decode()
    assert "You are unsubscribed from all our marketing email" in page
    assert "Subscribe again" in page and 'name="topic"' not in page

    client.post(path, {"action": "subscribe"})
    consent = email_consent(contact)
    assert (consent.status, consent.method) == ("granted", "preference centre")
    assert selectors.email_allowed(contact=contact, topic="events")
    event = Event.objects.filter(contact_id=contact.pk, type="consent_changed").latest("id")
    assert event.properties["note"].startswith("Subscribe again")


def test_the_one_click_post_of_rfc_8058_unsubscribes_without_cookies(topics: list[Topic]) -> None:
    contact = consenting()
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        preference_path(contact) + "/one-click",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert "You are unsubscribed" in answer.content.decode()
    assert email_consent(contact).method == "unsubscribe"
    event = Event.objects.get(contact_id=contact.pk, type="unsubscribed")
    assert event.properties == {"via": "one-click"}
    # A mail provider retrying the POST changes nothing more.
    client.post(
        preference_path(contact) + "/one-click",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert Event.objects.filter(contact_id=contact.pk, type="unsubscribed").count() == 1


def test_a_get_of_the_one_click_link_only_shows_a_button(client: Client) -> None:
    contact = consenting()
    page = client.get(preference_path(contact) + "/one-click")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in body
    assert email_consent(contact).status == "granted"
    assert not Event.objects.filter(contact_id=contact.pk, type="unsubscribed").exists()


def test_a_one_click_post_without_its_body_unsubscribes_no_one(client: Client) -> None:
    contact = consenting()
    answer = client.post(preference_path(contact) + "/one-click", {"other": "1"})
    assert answer.status_code == 400
    assert email_consent(contact).status == "granted"


def test_the_centre_refuses_a_post_without_its_csrf_token(topics: list[Topic]) -> None:
    contact = consenting()
    answer = Client(enforce_csrf_checks=True).post(
        preference_path(contact), {"action": "unsubscribe"}
    )
    assert answer.status_code == 403
    assert email_consent(contact).status == "granted"


def test_an_unknown_action_changes_nothing(client: Client, topics: list[Topic]) -> None:
    contact = consenting()
    assert client.post(preference_path(contact), {"action": "drop"}).status_code == 400
    assert client.post(preference_path(contact), {"action": "save", "topic": "x" * 40})[
        "Location"
    ].endswith("done=saved")
    assert TopicSubscription.objects.filter(contact=contact, subscribed=False).count() == 3


def test_someone_never_asked_sees_they_receive_nothing_and_may_subscribe(
    client: Client, topics: list[Topic]
) -> None:
    from tendril.contacts.tests.factories import ContactFactory

    contact = ContactFactory()
    body = client.get(preference_path(contact)).content.decode()
    assert "You do not receive our marketing email" in body
    assert not selectors.email_allowed(contact=contact)
    client.post(preference_path(contact), {"action": "subscribe"})
    assert email_consent(contact).status == "granted"

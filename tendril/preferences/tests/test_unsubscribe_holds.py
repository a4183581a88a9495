"""An unsubscribe holds until the person opts in again: after it, a grant of email consent
through the API, the contact page or an import is refused with a clear message (and the
consent stays denied), while the person's own opt-in (a form's ticked box, a double opt-in
confirmation, their preference centre) grants it. A topic the person unticked holds alike.
(The real form and double opt-in endpoints are exercised in tests/test_unsubscribe_holds.py.)"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from tendril.accounts.models import User
from tendril.contacts.merging import contacts_merge
from tendril.contacts.models import Consent, Contact
from tendril.contacts.services import ConsentWithdrawn, consent_set
from tendril.contacts.tests.factories import ContactFactory
from tendril.preferences.events import VIA_CENTRE
from tendril.preferences.models import Topic
from tendril.preferences.services import contact_topics_set, unsubscribe_all
from tendril.preferences.tests.conftest import consenting

pytestmark = pytest.mark.django_db


def status(contact: Contact) -> tuple[str, str]:
    consent = Consent.objects.get(contact=contact, channel="email")
    return consent.status, consent.method


@pytest.fixture
def gone_away() -> Contact:
    contact = consenting(email="left@example.com", first_name="Left")
    assert unsubscribe_all(contact=contact, via=VIA_CENTRE)
    return contact


def test_the_api_cannot_grant_it_again(marketer_api: Client, gone_away: Contact) -> None:
    for method, url, body in (
        ("patch", f"/api/v1/contacts/{gone_away.pk}", {"consent": {"email": "granted"}}),
        ("put", "/api/v1/contacts", {"email": gone_away.email, "consent": {"email": "granted"}}),
    ):
        answer = getattr(marketer_api, method)(
            url, json.dumps(body), content_type="application/json"
        )
        assert answer.status_code == 409, answer.content
        assert answer.json()["field"] == "consent.email"
        assert answer.json()["detail"].startswith("This person unsubscribed on ")
        assert "only they can subscribe again" in answer.json()["detail"]
    assert status(gone_away) == ("denied", "unsubscribe")


def test_the_api_can_still_deny_and_change_other_fields(
    marketer_api: Client, gone_away: Contact
) -> None:
    answer = marketer_api.patch(
        f"/api/v1/contacts/{gone_away.pk}",
        json.dumps({"first_name": "Still here", "consent": {"email": "denied"}}),
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert status(gone_away) == ("denied", "unsubscribe")  # the person's reason is kept


def test_the_contact_page_cannot_grant_it_again(
    client: Client, marketer: User, gone_away: Contact
) -> None:
    client.force_login(marketer)
    answer = client.post(
        f"/contacts/{gone_away.pk}/consent/", {"channel": "email", "status": "granted"}, follow=True
    )
    assert answer.status_code == 200
    assert "only they can subscribe again" in answer.content.decode()
    assert status(gone_away) == ("denied", "unsubscribe")


def test_an_import_row_granting_it_is_reported_and_the_rest_imported(
    marketer_api: Client, gone_away: Contact
) -> None:
    csv = (
        "email,first name,email consent\n"
        f"{gone_away.email},Lefty,granted\n"
        "new@example.com,New,granted\n"
    ).encode()
    answer = marketer_api.post(
        "/api/v1/contacts/import",
        {"file": SimpleUploadedFile("people.csv", csv, content_type="text/csv")},
    )
    body = answer.json()
    assert answer.status_code == 200, body
    assert (body["rows"], body["created"], body["updated"], body["rejected_count"]) == (2, 1, 0, 1)
    assert body["rejected"][0]["row"] == 2
    assert "This person unsubscribed on" in body["rejected"][0]["detail"]
    assert "The other cells of the row were imported" in body["rejected"][0]["detail"]
    assert status(gone_away) == ("denied", "unsubscribe")
    gone_away.refresh_from_db()
    assert gone_away.first_name == "Lefty"
    assert status(Contact.objects.get(email="new@example.com")) == ("granted", "import")


@pytest.mark.parametrize("method", ["form", "double opt-in", "preference centre"])
def test_the_persons_own_opt_in_grants_it_again(gone_away: Contact, method: str) -> None:
    consent_set(contact=gone_away, channel="email", status="granted", method=method, by=None)
    assert status(gone_away) == ("granted", method)


def test_a_marketers_denial_is_not_the_persons_unsubscribe(marketer: User) -> None:
    contact = consenting()
    consent_set(contact=contact, channel="email", status="denied", method="ui", by=marketer)
    consent_set(contact=contact, channel="email", status="granted", method="api", by=marketer)
    assert status(contact) == ("granted", "api")


def test_an_unsubscribe_over_a_denial_still_holds(marketer: User) -> None:
    contact = consenting()
    consent_set(contact=contact, channel="email", status="denied", method="ui", by=marketer)
    assert unsubscribe_all(contact=contact, via=VIA_CENTRE)
    with pytest.raises(ConsentWithdrawn):
        consent_set(contact=contact, channel="email", status="granted", method="ui", by=marketer)


def test_a_merge_keeps_the_unsubscribe_against_a_later_grant(gone_away: Contact) -> None:
    duplicate = ContactFactory()
    consent_set(contact=duplicate, channel="email", status="granted", method="import", by=None)
    kept = contacts_merge(keep=duplicate, gone=gone_away, by=None)
    assert status(kept) == ("denied", "unsubscribe")


def test_a_topic_the_person_unticked_cannot_be_ticked_by_the_api(
    marketer_api: Client, topics: list[Topic]
) -> None:
    contact = consenting()
    newsletter = topics[0]
    contact_topics_set(
        contact=contact, choices={newsletter: False}, method="preference centre", by=None
    )
    answer = marketer_api.put(
        f"/api/v1/contacts/{contact.pk}/topics",
        json.dumps({"topics": {"newsletter": True}}),
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert answer.json()["field"] == "topics.newsletter"
    assert "only they can subscribe again" in answer.json()["detail"]
    # A topic the API unticked, the API may tick again.
    for ticked in (False, True):
        answer = marketer_api.put(
            f"/api/v1/contacts/{contact.pk}/topics",
            json.dumps({"topics": {"events": ticked}}),
            content_type="application/json",
        )
        assert answer.status_code == 200
    events = {i["topic"]: i for i in answer.json()["items"]}["events"]
    assert events["subscribed"] is True and events["method"] == "api"


def test_the_refusal_reads_in_the_callers_language(gone_away: Contact) -> None:
    refused = "chỉ chính họ mới có thể đăng ký lại"
    with translation.override("vi"), pytest.raises(ConsentWithdrawn, match=refused):
        consent_set(contact=gone_away, channel="email", status="granted", method="api", by=None)

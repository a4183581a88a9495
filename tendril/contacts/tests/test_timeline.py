"""The timeline in the marketer's words: who did what, field labels, page titles with their
address, amounts in their currency, and a filter by kind that keeps paging."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tendril.accounts.models import ApiKey, User
from tendril.accounts.services import apikey_create
from tendril.contacts.importer.running import import_contacts_path
from tendril.contacts.models import Contact, CustomField
from tendril.contacts.services import consent_set, contact_create, contact_update
from tendril.core import clock
from tendril.core.events import describe, event_link
from tendril.core.models import Event
from tendril.core.services import event_record

pytestmark = pytest.mark.django_db

LINH = {"kind": "user", "id": 7, "name": "Linh"}
ZAPIER = {"kind": "api_key", "id": 3, "name": "Zapier"}
IMPORT = {"kind": "import", "id": 12, "name": "leads.csv"}
TENDRIL = {"kind": "system", "id": None, "name": "Tendril"}


def _with(actor: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    return {**properties, "actor": actor} if actor else properties


@pytest.mark.parametrize(
    ("type", "properties", "sentence"),
    [
        ("stage_changed", _with(LINH, to="mql"), "Linh set the stage to Marketing qualified (MQL)"),
        ("stage_changed", _with(None, to="mql"), "The stage was set to Marketing qualified (MQL)"),
        (
            "stage_changed",
            _with(TENDRIL, to="sql"),
            "Tendril set the stage to Sales qualified (SQL)",
        ),
        (
            "contact_updated",
            _with(LINH, changed=["first_name", "phone"]),
            "Linh changed the first name and phone",
        ),
        (
            "contact_updated",
            _with(None, changed=["first_name", "phone"]),
            "The first name and phone were changed",
        ),
        ("contact_updated", _with(None, changed=["phone"]), "The phone was changed"),
        (
            "contact_updated",
            _with(IMPORT, changed=["email", "last_name", "language", "stage"]),
            "Import of leads.csv changed the email address, last name, and language",
        ),
        # Told by their own events (stage_changed, owner_assigned): nothing more to say.
        ("contact_updated", _with(LINH, changed=["owner", "stage"]), ""),
        (
            "owner_assigned",
            _with(LINH, owner="minh@acme.test", owner_name="Minh"),
            "Linh assigned the contact to Minh",
        ),
        (
            "owner_assigned",
            _with(None, owner="minh@acme.test"),
            "The contact was assigned to minh@acme.test",
        ),
        ("owner_assigned", _with(LINH, owner=None), "Linh removed the owner"),
        ("owner_assigned", _with(None, owner=None), "The owner was removed"),
        (
            "consent_changed",
            _with(ZAPIER, channel="email", status="granted", method="api"),
            "API key Zapier granted email consent",
        ),
        (
            "consent_changed",
            _with(None, channel="email", status="granted", method="form"),
            "Email consent was granted",
        ),
        (
            "consent_changed",
            _with(LINH, channel="sms", status="denied", method="ui"),
            "Linh denied sms consent",
        ),
        (
            "consent_changed",
            _with(None, channel="sms", status="denied", method="ui"),
            "SMS consent was denied",
        ),
        (
            "contact_created",
            _with(IMPORT, source="import"),
            "Import of leads.csv created the contact",
        ),
        ("contact_created", _with(LINH, source="ui"), "Linh created the contact"),
        ("contact_created", _with(None, source="web form"), "Became a contact (source: web form)"),
        (
            "page_view",
            {"url": "https://acme.test/pricing", "title": "Pricing"},
            "Viewed Pricing",
        ),
        ("page_view", {"url": "https://acme.test/pricing"}, "Viewed https://acme.test/pricing"),
        ("page_view", {"url": "https://acme.test/", "title": "  "}, "Viewed https://acme.test/"),
        ("purchase", {"amount": 1250000, "currency": "VND"}, "Bought for ₫1,250,000"),
        ("purchase", {"amount": "1250.5", "currency": "THB"}, "Bought for THB1,250.50"),
        ("purchase", {"amount": 49}, "Bought for 49"),
    ],
)
def test_each_event_type_tells_who_did_what_when_it_knows(
    type: str, properties: dict[str, Any], sentence: str
) -> None:
    with translation.override("en"):
        assert describe(type, properties) == sentence


def test_custom_fields_are_named_by_their_labels() -> None:
    CustomField.objects.create(
        key="budget", label="Budget (USD)", type="number", created_at=clock.now()
    )
    properties = _with(LINH, changed=["fields", "phone"], custom_fields=["budget", "gone"])

    assert (
        describe("contact_updated", properties) == "Linh changed the phone, Budget (USD), and gone"
    )


def test_amounts_read_as_their_currency_is_written_in_the_viewers_language() -> None:
    with translation.override("vi"):
        assert "1.250.000\xa0₫" in describe("purchase", {"amount": 1250000, "currency": "VND"})


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://acme.test/pricing", "https://acme.test/pricing"),
        ("http://acme.test/", "http://acme.test/"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("/relative", None),
        (42, None),
    ],
)
def test_only_web_addresses_become_links(url: object, linked: str | None) -> None:
    assert event_link("page_view", {"url": url}) == linked
    assert event_link("form_submit", {"form": "x", "url": "https://acme.test/"}) is None


# --- the services write the actor ------------------------------------------------------------


def _props(contact: Contact, type: str) -> dict[str, Any]:
    return Event.objects.get(contact_id=contact.pk, type=type).properties


@pytest.fixture
def linh(db: Any) -> User:
    return User.objects.create_user("linh@tendril.test", "x", role="marketer", first_name="Linh")


@pytest.fixture
def minh(db: Any) -> User:
    return User.objects.create_user("minh@tendril.test", "x", role="sales", first_name="")


def test_an_update_records_the_user_who_made_it(linh: User, minh: User) -> None:
    CustomField.objects.create(key="budget", label="Budget", type="number", created_at=clock.now())
    contact = contact_create(data={"email": "ann@acme.test"}, by=linh, method="ui")

    contact_update(
        contact=contact,
        data={"stage": "mql", "owner": minh.pk, "fields": {"budget": 5000}},
        by=linh,
        method="ui",
    )

    actor = {"kind": "user", "id": linh.pk, "name": "Linh"}
    assert _props(contact, "contact_created")["actor"] == actor
    assert _props(contact, "stage_changed") == {
        "from": "lead",
        "to": "mql",
        "by": "ui",
        "actor": actor,
    }
    assert _props(contact, "owner_assigned") == {
        "owner": "minh@tendril.test",
        "owner_name": "minh@tendril.test",  # no first name: the email names him
        "actor": actor,
    }
    updated = _props(contact, "contact_updated")
    assert (updated["changed"], updated["custom_fields"]) == (
        ["fields", "owner", "stage"],
        ["budget"],
    )
    with translation.override("en"):
        assert describe("contact_updated", updated) == "Linh changed the Budget"


def test_an_api_key_is_named_as_the_actor(db: Any) -> None:
    key, _ = apikey_create(name="Zapier", role="marketer", by=None)

    contact = contact_create(
        data={"email": "ann@acme.test", "consent": {"email": "granted"}}, by=key
    )

    actor = {"kind": "api_key", "id": key.pk, "name": "Zapier"}
    assert _props(contact, "contact_created")["actor"] == actor
    assert _props(contact, "consent_changed")["actor"] == actor
    with translation.override("en"):
        assert describe("consent_changed", _props(contact, "consent_changed")) == (
            "API key Zapier granted email consent"
        )


def test_consent_given_by_the_person_themselves_names_no_actor(db: Any) -> None:
    contact = contact_create(data={"email": "ann@acme.test"}, by=None)

    consent_set(contact=contact, channel="email", status="granted", method="form", by=None)

    assert "actor" not in _props(contact, "consent_changed")
    assert "actor" not in _props(contact, "contact_created")


def test_contacts_created_through_the_events_api_are_created_by_its_key(
    marketer_api: Client,
) -> None:
    response = marketer_api.post(
        "/api/v1/events",
        {"contact": {"email": "new@acme.test"}, "type": "page_view", "properties": {"url": "/"}},
        content_type="application/json",
    )

    assert response.status_code == 202
    contact = Contact.objects.get(email="new@acme.test")
    key = ApiKey.objects.get()
    assert _props(contact, "contact_created")["actor"] == {
        "kind": "api_key",
        "id": key.pk,
        "name": key.name,
    }


def test_an_import_is_named_as_the_actor_of_what_it_wrote(
    tmp_path: Path, linh: User, minh: User
) -> None:
    existing = contact_create(data={"email": "old@acme.test"}, by=None)
    path = tmp_path / "leads.csv"
    path.write_text(
        "email,first_name,owner,consent\n"
        "new@acme.test,Ann,,granted\n"
        f"old@acme.test,Bob,{minh.email},\n"
    )

    import_contacts_path(path=path, by=linh)

    new = Contact.objects.get(email="new@acme.test")
    created = _props(new, "contact_created")
    assert created["actor"]["kind"] == "import"
    assert created["actor"]["name"] == "leads.csv"
    assert created["actor"]["id"] == new.import_job_id
    assert _props(new, "consent_changed")["actor"] == created["actor"]
    assert _props(existing, "owner_assigned")["owner_name"] == "minh@tendril.test"
    with translation.override("en"):
        assert describe("contact_created", created) == "Import of leads.csv created the contact"
        assert describe("contact_updated", _props(existing, "contact_updated")) == (
            "Import of leads.csv changed the first name"
        )


# --- the contact page ------------------------------------------------------------------------


@pytest.fixture
def ann(db: Any) -> Contact:
    contact = contact_create(data={"email": "ann@acme.test"}, by=None)
    event_record(
        contact_id=contact.pk,
        type="page_view",
        properties={"url": "https://acme.test/pricing?a=1&b=2", "title": "Pricing"},
    )
    event_record(contact_id=contact.pk, type="form_submit", properties={"form": "newsletter"})
    event_record(contact_id=contact.pk, type="custom:webinar_joined", properties={"topic": "AI"})
    return contact


def test_a_page_view_shows_the_title_linked_to_its_address(
    client: Client, marketer: User, ann: Contact
) -> None:
    client.force_login(marketer)

    html = client.get(f"/contacts/{ann.pk}/").content.decode()

    url = "https://acme.test/pricing?a=1&amp;b=2"
    link = f'<a href="{url}" title="{url}" rel="noopener noreferrer nofollow" target="_blank">'
    assert f"{link}Viewed Pricing</a>" in html


def test_a_stage_change_reads_once_on_the_timeline(
    client: Client, marketer: User, linh: User
) -> None:
    contact = contact_create(data={"email": "ann@acme.test"}, by=None)
    contact_update(contact=contact, data={"stage": "mql"}, by=linh, method="ui")
    client.force_login(marketer)

    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert "Linh set the stage to Marketing qualified (MQL)" in html
    assert 'data-type="contact_updated"' not in html
    assert Event.objects.filter(contact_id=contact.pk, type="contact_updated").exists()


def test_a_stage_change_reads_once_on_the_company_page(
    client: Client, marketer: User, linh: User
) -> None:
    contact = contact_create(data={"email": "ann@acme-logistics.com"}, by=None)
    contact_update(contact=contact, data={"stage": "mql"}, by=linh, method="ui")
    client.force_login(marketer)

    html = client.get(f"/companies/{contact.company_id}/").content.decode()

    assert html.count("Linh set the stage to Marketing qualified (MQL)") == 1
    assert 'data-type="contact_updated"' not in html


def test_a_hostile_page_view_is_neither_linked_nor_run(client: Client, marketer: User) -> None:
    contact = contact_create(data={"email": "eve@acme.test"}, by=None)
    event_record(
        contact_id=contact.pk,
        type="page_view",
        properties={"url": "javascript:alert(1)", "title": '<img src=x onerror="alert(1)">'},
    )
    client.force_login(marketer)

    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert 'href="javascript:' not in html
    assert "<img src=x" not in html
    assert "Viewed &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.parametrize(
    ("kind", "shown"),
    [
        ("web", {"page_view"}),
        ("forms", {"form_submit"}),
        ("changes", {"contact_created"}),
        ("other", {"custom:webinar_joined"}),
        ("email", set()),
        ("no-such-kind", {"page_view", "form_submit", "contact_created", "custom:webinar_joined"}),
    ],
)
def test_the_timeline_shows_one_kind_of_activity(
    client: Client, marketer: User, ann: Contact, kind: str, shown: set[str]
) -> None:
    client.force_login(marketer)

    html = client.get(f"/contacts/{ann.pk}/", {"kind": kind}).content.decode()

    assert all(f'data-type="{t}"' in html for t in shown)
    others = {"page_view", "form_submit", "contact_created", "custom:webinar_joined"} - shown
    assert not any(f'data-type="{t}"' in html for t in others)
    if not shown:
        assert "No activity of this kind yet." in html


def test_the_kind_chooser_marks_the_kind_shown(
    client: Client, marketer: User, ann: Contact
) -> None:
    client.force_login(marketer)

    html = client.get(f"/contacts/{ann.pk}/", {"kind": "web"}).content.decode()

    assert (
        f'hx-get="/contacts/{ann.pk}/?kind=web" hx-select="#timeline" hx-target="#timeline" '
        'hx-swap="outerHTML" hx-push-url="true" data-kind="web" class="active" aria-current="true"'
    ) in html
    assert ">Forms and downloads</a>" in html


def test_loading_more_keeps_the_kind(client: Client, marketer: User) -> None:
    contact = contact_create(data={"email": "ann@acme.test"}, by=None)
    for n in range(55):
        event_record(contact_id=contact.pk, type="page_view", properties={"url": f"/p{n}"})
    event_record(contact_id=contact.pk, type="form_submit", properties={"form": "newsletter"})
    client.force_login(marketer)

    page = client.get(f"/contacts/{contact.pk}/", {"kind": "web"}).content.decode()
    more = client.get(
        f"/contacts/{contact.pk}/timeline/",
        {"offset": "50", "kind": "web"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert f'hx-get="/contacts/{contact.pk}/timeline/?offset=50&amp;kind=web"' in page
    assert f'href="/contacts/{contact.pk}/?offset=50&amp;kind=web#timeline"' in page
    assert more.count('data-type="page_view"') == 5
    assert 'data-type="form_submit"' not in more


def test_the_timeline_without_htmx_is_the_contact_page_showing_that_kind(
    client: Client, marketer: User, ann: Contact
) -> None:
    client.force_login(marketer)

    html = client.get(f"/contacts/{ann.pk}/timeline/", {"kind": "web"}).content.decode()

    assert "<h1>" in html
    assert 'data-type="page_view"' in html
    assert 'data-type="form_submit"' not in html


def test_timeline_times_are_in_the_viewers_time_zone(client: Client, marketer: User) -> None:
    contact = contact_create(data={"email": "ann@acme.test"}, by=None)
    event_record(
        contact_id=contact.pk,
        type="form_submit",
        properties={"form": "newsletter"},
        occurred_at=datetime(2025, 3, 11, 18, 30, tzinfo=UTC),
    )
    marketer.time_zone = "Asia/Bangkok"
    marketer.language = "en"
    marketer.save()
    client.force_login(marketer)

    html = client.get(f"/contacts/{contact.pk}/", {"kind": "forms"}).content.decode()

    assert '<time datetime="2025-03-12T01:30:00+07:00">12 Mar 2025, 01:30</time>' in html

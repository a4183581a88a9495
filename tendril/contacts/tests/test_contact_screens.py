"""The contact screens: list and filters, one person's page and edits, consent, the timeline,
and the GDPR download and erasure."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry, User
from tendril.contacts.models import Consent, Contact, CustomField, Suppression
from tendril.contacts.services import consent_set, contact_create, custom_field_create
from tendril.core.models import Event
from tendril.core.services import event_record

pytestmark = pytest.mark.django_db


def _rows(html: str) -> int:
    """Contacts shown in the results table."""
    return html.count("<tr data-contact=")


def test_contact_search_finds_by_company_name(client: Client, marketer: User) -> None:
    contact_create(
        data={
            "email": "ana@gmail.com",
            "first_name": "Ana",
            "company": {"name": "Globex Shipping"},
        },
        by=None,
    )
    contact_create(
        data={"email": "bob@gmail.com", "first_name": "Bob", "company": {"name": "Initech"}},
        by=None,
    )

    client.force_login(marketer)
    html = client.get("/contacts/", {"q": "globex"}).content.decode()

    assert "ana@gmail.com" in html
    assert "bob@gmail.com" not in html
    assert "1 result" in html


def test_contact_list_filters_by_stage_grade_owner_and_source(
    client: Client, marketer: User, sales_rep: User
) -> None:
    contact_create(data={"email": "lead@a.test", "stage": "lead", "source": "webinar"}, by=None)
    contact_create(
        data={"email": "customer@a.test", "stage": "customer", "owner": sales_rep.pk}, by=None
    )
    hot = contact_create(data={"email": "hot@a.test"}, by=None)
    Contact.objects.filter(pk=hot.pk).update(score=12)
    client.force_login(marketer)

    def emails(**query: str) -> set[str]:
        html = client.get("/contacts/", query).content.decode()
        return {e for e in ("lead@a.test", "customer@a.test", "hot@a.test") if e in html}

    assert emails(stage="customer") == {"customer@a.test"}
    assert emails(grade="hot") == {"hot@a.test"}
    assert emails(grade="cold") == {"lead@a.test", "customer@a.test"}
    assert emails(owner=str(sales_rep.pk)) == {"customer@a.test"}
    assert emails(source="webinar") == {"lead@a.test"}
    assert emails(stage="not-a-stage") == {"lead@a.test", "customer@a.test", "hot@a.test"}


def test_contact_list_shows_fifty_per_page_with_page_links(client: Client, marketer: User) -> None:
    for n in range(55):
        contact_create(data={"email": f"person{n:02}@a.test"}, by=None)
    client.force_login(marketer)

    first = client.get("/contacts/").content.decode()
    second = client.get("/contacts/", {"page": "2"}).content.decode()

    assert _rows(first) == 50
    assert _rows(second) == 5
    assert "55 results" in first
    assert 'href="?page=2"' in first
    # Newest first: the last one made is on page 1, the first one made on page 2.
    assert "person54@a.test" in first
    assert "person00@a.test" in second


def test_live_search_answers_only_the_results_table(client: Client, marketer: User) -> None:
    contact_create(data={"email": "ana@gmail.com", "first_name": "Ana"}, by=None)

    client.force_login(marketer)
    response = client.get("/contacts/", {"q": "ana"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert "ana@gmail.com" in html
    assert "<html" not in html
    assert 'class="sidebar"' not in html
    assert "HX-Request" in response["Vary"]


def test_contact_list_page_works_as_a_plain_form_and_links_import_and_export(
    client: Client, marketer: User
) -> None:
    client.force_login(marketer)
    html = client.get("/contacts/").content.decode()

    assert '<form id="contact-filters" class="filters" method="get" action="/contacts/"' in html
    assert 'hx-get="/contacts/"' in html
    assert 'href="/contacts/import/"' in html
    assert 'href="/contacts/export.csv?' in html


def test_contact_page_shows_fields_company_custom_values_and_consent(
    client: Client, sales_rep: User
) -> None:
    custom_field_create(key="budget", label="Yearly budget", type="number", by=None)
    contact = contact_create(
        data={
            "email": "ana@acme-logistics.com",
            "first_name": "Ana",
            "last_name": "Lima",
            "phone": "+66 2 123 4567",
            "source": "webinar",
            "fields": {"budget": 25000},
            "consent": {"email": "granted"},
        },
        by=None,
    )

    client.force_login(sales_rep)
    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    for text in ("Ana Lima", "+66 2 123 4567", "webinar", "Yearly budget", "25000"):
        assert text in html
    assert f'href="/companies/{contact.company_id}/">Acme Logistics</a>' in html
    assert '<span class="badge granted">Granted</span>' in html
    assert "Why this score?" in html


def test_editing_a_contact_saves_it_and_records_the_stage_change(
    client: Client, marketer: User, sales_rep: User
) -> None:
    contact = contact_create(data={"email": "ana@a.test"}, by=None)

    client.force_login(marketer)
    response = client.post(
        f"/contacts/{contact.pk}/",
        {
            "first_name": "Ana",
            "last_name": "Lima",
            "phone": "",
            "stage": "sql",
            "owner": str(sales_rep.pk),
        },
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.first_name, contact.stage, contact.owner_id) == ("Ana", "sql", sales_rep.pk)
    changed = Event.objects.get(contact_id=contact.pk, type="stage_changed")
    actor = {"kind": "user", "id": marketer.pk, "name": "Marketer"}
    assert changed.properties == {"from": "lead", "to": "sql", "by": "ui", "actor": actor}


def test_editing_a_contact_with_a_bad_number_shows_the_error(
    client: Client, marketer: User
) -> None:
    custom_field_create(key="budget", label="Budget", type="number", by=None)
    contact = contact_create(data={"email": "ana@a.test", "first_name": "Ana"}, by=None)

    client.force_login(marketer)
    response = client.post(
        f"/contacts/{contact.pk}/",
        {"first_name": "Changed", "stage": "lead", "cf_budget": "lots"},
    )

    assert response.status_code == 422
    assert "fields.budget must be a number, not &#x27;lots&#x27;" in response.content.decode()
    contact.refresh_from_db()
    assert contact.first_name == "Ana"


def test_editing_custom_fields_of_every_type(client: Client, marketer: User) -> None:
    custom_field_create(key="note", label="Note", type="text", by=None)
    custom_field_create(key="seats", label="Seats", type="number", by=None)
    custom_field_create(key="renewal", label="Renewal", type="date", by=None)
    custom_field_create(key="plan", label="Plan", type="choice", choices=["Basic", "Pro"], by=None)
    custom_field_create(key="partner", label="Partner", type="boolean", by=None)
    contact = contact_create(data={"email": "ana@a.test"}, by=None)
    client.force_login(marketer)

    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'type="number" name="cf_seats"' in page
    assert 'type="date" name="cf_renewal"' in page
    assert '<select name="cf_plan"' in page
    assert 'type="checkbox" name="cf_partner"' in page

    client.post(
        f"/contacts/{contact.pk}/",
        {
            "stage": "lead",
            "cf_note": "met at expo",
            "cf_seats": "12",
            "cf_renewal": "2026-03-31",
            "cf_plan": "Pro",
            "cf_partner": "on",
        },
    )

    contact.refresh_from_db()
    assert contact.fields == {
        "note": "met at expo",
        "seats": 12,
        "renewal": "2026-03-31",
        "plan": "Pro",
        "partner": True,
    }


def test_granting_and_denying_consent_records_how(client: Client, sales_rep: User) -> None:
    contact = contact_create(data={"email": "ana@a.test"}, by=None)
    client.force_login(sales_rep)

    client.post(f"/contacts/{contact.pk}/consent/", {"channel": "email", "status": "granted"})
    granted = Consent.objects.get(contact=contact, channel="email")
    response = client.post(
        f"/contacts/{contact.pk}/consent/", {"channel": "sms", "status": "denied"}, follow=True
    )

    assert (granted.status, granted.method) == ("granted", "ui")
    assert Consent.objects.get(contact=contact, channel="sms").status == "denied"
    assert "SMS consent is now denied." in response.content.decode()


def test_consent_changes_only_by_post(client: Client, marketer: User) -> None:
    contact = contact_create(data={"email": "ana@a.test"}, by=None)

    client.force_login(marketer)
    response = client.get(
        f"/contacts/{contact.pk}/consent/", {"channel": "email", "status": "granted"}
    )

    assert response.status_code == 405
    assert not Consent.objects.filter(contact=contact).exists()


def test_timeline_tells_events_in_plain_words(client: Client, marketer: User) -> None:
    contact = contact_create(data={"email": "ana@a.test"}, by=None)
    event_record(contact_id=contact.pk, type="page_view", properties={"url": "https://a.test/p"})
    event_record(contact_id=contact.pk, type="form_submit", properties={"form": "newsletter"})
    event_record(contact_id=contact.pk, type="custom:webinar_joined", properties={"topic": "AI"})
    consent_set(contact=contact, channel="email", status="granted", method="form", by=None)

    client.force_login(marketer)
    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert "Viewed https://a.test/p" in html
    assert "Submitted form newsletter" in html
    assert "webinar joined" in html
    assert "topic: AI" in html
    assert "Email consent was granted" in html
    assert "Became a contact" in html
    assert html.index("Email consent was granted") < html.index("Viewed https://a.test/p")


def test_timeline_shows_fifty_events_and_loads_more(client: Client, marketer: User) -> None:
    contact = contact_create(data={"email": "ana@a.test"}, by=None)
    for n in range(60):
        event_record(contact_id=contact.pk, type="page_view", properties={"url": f"/p{n}"})
    client.force_login(marketer)

    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    more = client.get(
        f"/contacts/{contact.pk}/timeline/", {"offset": "50"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert page.count('<li class="event"') == 50
    assert f'hx-get="/contacts/{contact.pk}/timeline/?offset=50"' in page
    assert f'href="/contacts/{contact.pk}/?offset=50#timeline"' in page
    # 61 events in all (with contact_created): the rest arrive, with no further button.
    assert more.count('<li class="event"') == 11
    assert "Load more" not in more
    assert "Became a contact" in more


def test_personal_data_downloads_as_a_json_file(client: Client, sales_rep: User) -> None:
    contact = contact_create(data={"email": "ana@a.test", "first_name": "Ana"}, by=None)

    client.force_login(sales_rep)
    response = client.get(f"/contacts/{contact.pk}/personal-data.json")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="contact-{contact.pk}.json"'
    data = json.loads(response.content)
    assert data["contact"]["email"] == "ana@a.test"
    assert data["events"][0]["type"] == "contact_created"


def test_erasing_a_contact_needs_confirmation(client: Client, marketer: User) -> None:
    contact = contact_create(data={"email": "ana@a.test"}, by=None)
    client.force_login(marketer)

    asked = client.get(f"/contacts/{contact.pk}/erase/")
    unconfirmed = client.post(f"/contacts/{contact.pk}/erase/")
    assert Contact.objects.filter(pk=contact.pk).exists()

    done = client.post(f"/contacts/{contact.pk}/erase/", {"confirm": "yes"})

    assert "This cannot be undone" in asked.content.decode()
    assert unconfirmed.status_code == 200
    assert done.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Suppression.objects.filter(reason="erased").count() == 1
    assert AuditEntry.objects.get(action="contact.erase").actor == marketer.email


def test_sales_rep_cannot_erase_a_contact(client: Client, sales_rep: User) -> None:
    contact = contact_create(data={"email": "ana@a.test"}, by=None)
    client.force_login(sales_rep)

    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    response = client.post(f"/contacts/{contact.pk}/erase/", {"confirm": "yes"})

    assert "Erase this person" not in page
    assert response.status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_an_unknown_contact_is_not_found(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    assert client.get("/contacts/999999/").status_code == 404


def test_custom_field_without_value_is_not_listed(client: Client, marketer: User) -> None:
    CustomField.objects.all().delete()
    custom_field_create(key="budget", label="Yearly budget", type="number", by=None)
    contact = contact_create(data={"email": "ana@a.test"}, by=None)

    client.force_login(marketer)
    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert "<dt>Yearly budget</dt>" not in html
    assert '<label for="id_cf_budget">Yearly budget:</label>' in html

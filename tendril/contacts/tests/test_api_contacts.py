from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.models import Company, Consent, Contact, CustomField, Suppression
from tendril.core import clock
from tendril.core.models import Event

pytestmark = pytest.mark.django_db

CONTACT_KEYS = {
    "id",
    "email",
    "first_name",
    "display_name",
    "language",
    "last_name",
    "phone",
    "company",
    "fields",
    "source",
    "consent",
    "score",
    "grade",
    "stage",
    "owner",
    "segments",
    "created_at",
    "last_seen_at",
}


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(path, data, content_type="application/json")


def create(client: Client, **body: Any) -> dict[str, Any]:
    response = send(client, "post", "/api/v1/contacts", body)
    assert response.status_code == 201, response.content
    return response.json()


def field(key: str, type: str, choices: list[str] | None = None) -> CustomField:
    return CustomField.objects.create(
        key=key, label=key.title(), type=type, choices=choices or [], created_at=clock.now()
    )


# --- create, read, update ---------------------------------------------------------------------


def test_create_contact_answers_201_with_the_get_shape(marketer_api):
    response = send(
        marketer_api,
        "post",
        "/api/v1/contacts",
        {"email": " Mai.Tran@SaigonFreight.vn ", "first_name": "Mai", "last_name": "Trần"},
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == CONTACT_KEYS
    assert body["email"] == "mai.tran@saigonfreight.vn"
    assert body["first_name"] == "Mai"
    assert body["last_name"] == "Trần"
    assert body["grade"] == "cold"
    assert body["score"] == 0
    assert body["stage"] == "lead"
    assert body["segments"] == []
    assert body["consent"] == {}
    assert body["owner"] is None
    assert body["source"] == "api"
    assert body["last_seen_at"] is None
    assert marketer_api.get(f"/api/v1/contacts/{body['id']}").json() == body


def test_create_contact_with_a_known_email_is_a_conflict_naming_the_existing_id(marketer_api):
    first = create(marketer_api, email="ann@acme.io")

    response = send(marketer_api, "post", "/api/v1/contacts", {"email": "ANN@acme.io"})

    assert response.status_code == 409
    assert str(first["id"]) in response.json()["detail"]
    assert response.json()["field"] == "email"
    assert Contact.objects.count() == 1


def test_put_upserts_by_email_201_then_200(marketer_api):
    created = send(marketer_api, "put", "/api/v1/contacts", {"email": "bo@acme.io"})
    updated = send(
        marketer_api, "put", "/api/v1/contacts", {"email": "bo@acme.io", "first_name": "Bo"}
    )

    assert created.status_code == 201
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    assert updated.json()["first_name"] == "Bo"
    assert Contact.objects.count() == 1


def test_get_unknown_contact_is_404_with_the_error_shape(marketer_api):
    response = marketer_api.get("/api/v1/contacts/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "no contact with id 999999", "field": None}


def test_patch_changes_only_the_given_fields(marketer_api):
    contact = create(marketer_api, email="cy@acme.io", first_name="Cy", phone="+66 81 000 0000")

    response = send(
        marketer_api, "patch", f"/api/v1/contacts/{contact['id']}", {"last_name": "Lim"}
    )

    assert response.status_code == 200
    assert response.json()["last_name"] == "Lim"
    assert response.json()["first_name"] == "Cy"
    assert response.json()["phone"] == "+66 81 000 0000"
    assert Event.objects.filter(contact_id=contact["id"], type="contact_updated").exists()


def test_patch_stage_records_a_stage_change(marketer_api):
    contact = create(marketer_api, email="di@acme.io")

    response = send(marketer_api, "patch", f"/api/v1/contacts/{contact['id']}", {"stage": "mql"})

    assert response.status_code == 200
    assert response.json()["stage"] == "mql"
    change = Event.objects.get(contact_id=contact["id"], type="stage_changed")
    assert change.properties["from"] == "lead"
    assert change.properties["to"] == "mql"


def test_patch_to_an_unknown_stage_is_422(marketer_api):
    contact = create(marketer_api, email="ed@acme.io")

    response = send(marketer_api, "patch", f"/api/v1/contacts/{contact['id']}", {"stage": "vip"})

    assert response.status_code == 422
    assert response.json()["field"] == "stage"


def test_patch_email_onto_another_contacts_email_is_409(marketer_api):
    create(marketer_api, email="one@acme.io")
    two = create(marketer_api, email="two@acme.io")

    response = send(
        marketer_api, "patch", f"/api/v1/contacts/{two['id']}", {"email": "one@acme.io"}
    )

    assert response.status_code == 409
    assert Contact.objects.get(pk=two["id"]).email == "two@acme.io"


def test_patch_owner_assigns_the_contact(marketer_api, sales_rep):
    contact = create(marketer_api, email="fa@acme.io")

    response = send(
        marketer_api, "patch", f"/api/v1/contacts/{contact['id']}", {"owner": sales_rep.pk}
    )

    assert response.status_code == 200
    assert response.json()["owner"] == {
        "id": sales_rep.pk,
        "email": sales_rep.email,
        "name": "Sales Tester",
    }


def test_patch_owner_to_an_unknown_user_is_422(marketer_api):
    contact = create(marketer_api, email="ga@acme.io")

    response = send(marketer_api, "patch", f"/api/v1/contacts/{contact['id']}", {"owner": 4242})

    assert response.status_code == 422
    assert response.json()["field"] == "owner"


# --- GDPR erasure -----------------------------------------------------------------------------


def test_delete_erases_the_person_but_keeps_anonymised_events(marketer_api):
    contact = create(marketer_api, email="Erase.Me@acme.io", first_name="Erase")
    send(
        marketer_api,
        "post",
        "/api/v1/events",
        {
            "contact_id": contact["id"],
            "visitor_id": "v-1",
            "type": "page_view",
            "properties": {"url": "https://x.io/pricing", "name": "Erase Me", "phone": "123"},
        },
    )

    response = marketer_api.delete(f"/api/v1/contacts/{contact['id']}")

    assert response.status_code == 204
    assert not Contact.objects.filter(pk=contact["id"]).exists()
    page_view = Event.objects.get(type="page_view")
    assert page_view.contact_id is None
    assert page_view.visitor_id == ""
    assert page_view.properties == {"url": "https://x.io/pricing"}
    expected_hash = hashlib.sha256(b"erase.me@acme.io").hexdigest()
    assert Suppression.objects.filter(email_hash=expected_hash, reason="erased").exists()
    entry = AuditEntry.objects.get(action="contact.erase")
    assert entry.target_id == str(contact["id"])
    assert entry.detail == {"email_hash": expected_hash}
    assert "erase.me" not in json.dumps(list(Event.objects.values("properties")))
    assert marketer_api.get(f"/api/v1/contacts/{contact['id']}").status_code == 404


def test_sales_cannot_erase_a_contact(marketer_api, sales_api):
    contact = create(marketer_api, email="keep@acme.io")

    response = sales_api.delete(f"/api/v1/contacts/{contact['id']}")

    assert response.status_code == 403
    assert response.json()["field"] is None
    assert Contact.objects.filter(pk=contact["id"]).exists()
    assert not Suppression.objects.exists()


# --- lists ------------------------------------------------------------------------------------


def test_list_filters_by_email_q_stage_grade_and_owner(marketer_api, sales_rep):
    hot = create(marketer_api, email="hot@acme.io", first_name="Somchai", stage="sql")
    warm = create(marketer_api, email="warm@beta.co.th", last_name="Wong", owner=sales_rep.pk)
    create(marketer_api, email="cold@gamma.vn")
    Contact.objects.filter(pk=hot["id"]).update(score=12)
    Contact.objects.filter(pk=warm["id"]).update(score=6)

    def ids(query: str) -> list[int]:
        response = marketer_api.get(f"/api/v1/contacts?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("email=HOT@acme.io") == [hot["id"]]
    assert ids("q=somchai") == [hot["id"]]
    assert ids("q=wong") == [warm["id"]]
    assert ids("q=beta") == [warm["id"]]  # the company name from the email domain
    assert ids("stage=sql") == [hot["id"]]
    assert ids("grade=hot") == [hot["id"]]
    assert ids("grade=warm") == [warm["id"]]
    assert len(ids("grade=cold")) == 1
    assert ids(f"owner={sales_rep.pk}") == [warm["id"]]


def test_list_is_paginated_newest_first(marketer_api):
    for n in range(5):
        create(marketer_api, email=f"p{n}@acme.io")

    response = marketer_api.get("/api/v1/contacts?page=2&page_size=2")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert [c["email"] for c in body["items"]] == ["p2@acme.io", "p1@acme.io"]


def test_page_size_over_500_is_422(marketer_api):
    ok = marketer_api.get("/api/v1/contacts?page_size=500")
    too_big = marketer_api.get("/api/v1/contacts?page_size=501")

    assert ok.status_code == 200
    assert too_big.status_code == 422
    assert too_big.json()["field"] == "page_size"


def test_list_with_a_bad_grade_is_422(marketer_api):
    response = marketer_api.get("/api/v1/contacts?grade=lukewarm")

    assert response.status_code == 422
    assert response.json()["field"] == "grade"


def test_timeline_lists_events_newest_first(marketer_api):
    contact = create(marketer_api, email="tl@acme.io")
    now = clock.now()
    for days, url in ((3, "/a"), (1, "/c"), (2, "/b")):
        send(
            marketer_api,
            "post",
            "/api/v1/events",
            {
                "contact_id": contact["id"],
                "type": "page_view",
                "properties": {"url": url},
                "occurred_at": (now - timedelta(days=days)).isoformat(),
            },
        )

    response = marketer_api.get(f"/api/v1/contacts/{contact['id']}/timeline")

    assert response.status_code == 200
    items = response.json()["items"]
    urls = [e["properties"]["url"] for e in items if e["type"] == "page_view"]
    assert urls == ["/c", "/b", "/a"]
    times = [e["occurred_at"] for e in items]
    assert times == sorted(times, reverse=True)
    assert response.json()["count"] == len(items)


# --- companies --------------------------------------------------------------------------------


def test_company_is_linked_from_the_email_domain(marketer_api):
    body = create(marketer_api, email="an@siamprecision.co.th")

    assert body["company"]["domain"] == "siamprecision.co.th"
    assert body["company"]["name"] == "Siamprecision"


def test_free_mail_addresses_get_no_company(marketer_api):
    body = create(marketer_api, email="somebody@gmail.com")

    assert body["company"] is None
    assert not Company.objects.exists()


def test_explicit_company_wins_over_the_email_domain(marketer_api):
    body = create(
        marketer_api,
        email="lan@gmail.com",
        company={
            "name": "Saigon Freight Co.",
            "domain": "saigonfreight.vn",
            "industry": "Logistics",
            "employees": 120,
        },
    )

    company = Company.objects.get(pk=body["company"]["id"])
    assert (company.name, company.domain, company.industry, company.employees) == (
        "Saigon Freight Co.",
        "saigonfreight.vn",
        "Logistics",
        120,
    )
    again = create(marketer_api, email="hoa@gmail.com", company={"name": "saigon freight co."})
    assert again["company"]["id"] == company.pk


def test_company_with_a_bad_domain_is_422(marketer_api):
    response = send(
        marketer_api,
        "post",
        "/api/v1/contacts",
        {"email": "x@acme.io", "company": {"name": "Acme", "domain": "not a domain"}},
    )

    assert response.status_code == 422
    assert response.json()["field"] == "company.domain"
    assert not Contact.objects.exists()


# --- custom fields ----------------------------------------------------------------------------


def test_custom_field_values_are_stored_typed(marketer_api):
    field("budget", "number")
    field("interest", "choice", ["Analytics", "Automation", "CRM"])
    field("renewal", "date")
    field("newsletter", "boolean")

    body = create(
        marketer_api,
        email="cf@acme.io",
        fields={"budget": "15000", "interest": "crm", "renewal": "2026-03-31", "newsletter": "yes"},
    )

    assert body["fields"] == {
        "budget": 15000,
        "interest": "CRM",
        "renewal": "2026-03-31",
        "newsletter": True,
    }


def test_unknown_custom_field_is_422_naming_it(marketer_api):
    response = send(
        marketer_api, "post", "/api/v1/contacts", {"email": "u@acme.io", "fields": {"x": 1}}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "fields.x"
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("key", "type", "value"),
    [
        ("budget", "number", "lots"),
        ("budget", "number", True),
        ("interest", "choice", "Blockchain"),
        ("renewal", "date", "31/03/2026"),
        ("newsletter", "boolean", "maybe"),
    ],
)
def test_custom_field_value_of_the_wrong_kind_is_422(marketer_api, key, type, value):
    field(key, type, ["Analytics", "Automation", "CRM"] if type == "choice" else None)

    response = send(
        marketer_api, "post", "/api/v1/contacts", {"email": "v@acme.io", "fields": {key: value}}
    )

    assert response.status_code == 422
    assert response.json()["field"] == f"fields.{key}"
    assert not Contact.objects.exists()


def test_patch_with_a_null_custom_value_clears_it(marketer_api):
    field("budget", "number")
    contact = create(marketer_api, email="clr@acme.io", fields={"budget": 5})

    response = send(
        marketer_api, "patch", f"/api/v1/contacts/{contact['id']}", {"fields": {"budget": None}}
    )

    assert response.status_code == 200
    assert response.json()["fields"] == {}


# --- consent ----------------------------------------------------------------------------------


def test_consent_is_recorded_with_method_api(marketer_api):
    body = create(marketer_api, email="ok@acme.io", consent={"email": "granted"})

    assert body["consent"] == {"email": "granted"}
    consent = Consent.objects.get(contact_id=body["id"], channel="email")
    assert consent.status == "granted"
    assert consent.method == "api"
    assert Event.objects.filter(contact_id=body["id"], type="consent_changed").count() == 1


def test_consent_can_be_withdrawn(marketer_api):
    body = create(marketer_api, email="no@acme.io", consent={"email": "granted"})

    response = send(
        marketer_api, "patch", f"/api/v1/contacts/{body['id']}", {"consent": {"email": "denied"}}
    )

    assert response.json()["consent"] == {"email": "denied"}
    assert Consent.objects.get(contact_id=body["id"]).status == "denied"


def test_consent_with_an_unknown_status_is_422(marketer_api):
    response = send(
        marketer_api,
        "post",
        "/api/v1/contacts",
        {"email": "cs@acme.io", "consent": {"email": "maybe"}},
    )

    assert response.status_code == 422
    assert response.json()["field"].startswith("consent")
    assert not Contact.objects.exists()

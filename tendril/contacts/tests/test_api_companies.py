from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.models import Company, Contact, CustomField

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def contact(client: Client, email: str, score: int = 0, **body: Any) -> int:
    response = post(client, "/api/v1/contacts", {"email": email, **body})
    assert response.status_code == 201, response.content
    Contact.objects.filter(pk=response.json()["id"]).update(score=score)
    return response.json()["id"]


def test_companies_list_counts_contacts_and_adds_up_their_scores(marketer_api):
    contact(marketer_api, "a@saigonfreight.vn", 7)
    contact(marketer_api, "b@saigonfreight.vn", 5)
    contact(marketer_api, "c@siamprecision.co.th", 1)

    response = marketer_api.get("/api/v1/companies")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_domain = {c["domain"]: c for c in body["items"]}
    assert by_domain["saigonfreight.vn"]["contact_count"] == 2
    assert by_domain["saigonfreight.vn"]["total_score"] == 12
    assert by_domain["siamprecision.co.th"]["total_score"] == 1


def test_companies_list_searches_by_name_or_domain(marketer_api):
    contact(marketer_api, "a@saigonfreight.vn")
    contact(marketer_api, "c@siamprecision.co.th")

    response = marketer_api.get("/api/v1/companies?q=siam")

    assert [c["domain"] for c in response.json()["items"]] == ["siamprecision.co.th"]


def test_company_detail_has_its_contacts_and_total_score(marketer_api):
    first = contact(marketer_api, "a@saigonfreight.vn", 3)
    second = contact(marketer_api, "b@saigonfreight.vn", 4)
    company_id = Contact.objects.get(pk=first).company_id

    response = marketer_api.get(f"/api/v1/companies/{company_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["total_score"] == 7
    assert body["contact_count"] == 2
    assert {c["id"] for c in body["contacts"]} == {first, second}


def test_unknown_company_is_404(marketer_api):
    response = marketer_api.get("/api/v1/companies/424242")

    assert response.status_code == 404
    assert response.json() == {"detail": "no company with id 424242", "field": None}


def test_custom_field_can_be_created_listed_and_deleted(marketer_api):
    created = post(
        marketer_api,
        "/api/v1/custom-fields",
        {"label": "Interest", "type": "choice", "choices": ["Analytics", "CRM", " "]},
    )
    contact(marketer_api, "x@acme.io", fields={"interest": "crm"})

    listed = marketer_api.get("/api/v1/custom-fields")
    deleted = marketer_api.delete("/api/v1/custom-fields/interest")

    assert created.status_code == 201
    assert created.json() == {
        "key": "interest",
        "label": "Interest",
        "type": "choice",
        "choices": ["Analytics", "CRM"],
    }
    assert listed.json() == [created.json()]
    assert deleted.status_code == 204
    assert Contact.objects.get(email="x@acme.io").fields == {}
    assert not CustomField.objects.exists()
    assert AuditEntry.objects.filter(action="custom_field.delete", target_id="interest").exists()


def test_custom_field_key_defaults_to_the_label(marketer_api):
    response = post(marketer_api, "/api/v1/custom-fields", {"label": "Job title", "type": "text"})

    assert response.status_code == 201
    assert response.json()["key"] == "job_title"


def test_custom_field_with_a_taken_key_is_409(marketer_api):
    post(marketer_api, "/api/v1/custom-fields", {"label": "Budget", "type": "number"})

    response = post(marketer_api, "/api/v1/custom-fields", {"label": "Budget", "type": "text"})

    assert response.status_code == 409
    assert response.json()["field"] == "key"
    assert CustomField.objects.get().type == "number"


def test_choice_field_without_choices_is_422(marketer_api):
    response = post(marketer_api, "/api/v1/custom-fields", {"label": "Tier", "type": "choice"})

    assert response.status_code == 422
    assert response.json()["field"] == "choices"


def test_custom_field_of_an_unknown_type_is_422(marketer_api):
    response = post(marketer_api, "/api/v1/custom-fields", {"label": "Tier", "type": "colour"})

    assert response.status_code == 422
    assert response.json()["field"] == "type"


def test_sales_cannot_create_or_delete_custom_fields(sales_api, marketer_api):
    post(marketer_api, "/api/v1/custom-fields", {"label": "Budget", "type": "number"})

    created = post(sales_api, "/api/v1/custom-fields", {"label": "Tier", "type": "text"})
    deleted = sales_api.delete("/api/v1/custom-fields/budget")

    assert created.status_code == 403
    assert deleted.status_code == 403
    assert list(CustomField.objects.values_list("key", flat=True)) == ["budget"]
    assert sales_api.get("/api/v1/custom-fields").status_code == 200


def test_deleting_an_unknown_custom_field_is_404(marketer_api):
    response = marketer_api.delete("/api/v1/custom-fields/nope")

    assert response.status_code == 404


def test_a_key_made_from_a_long_label_is_cut_to_fit(marketer_api):
    response = post(marketer_api, "/api/v1/custom-fields", {"label": "0" * 99, "type": "date"})

    assert response.status_code == 201
    assert response.json()["key"] == "0" * 50


def test_an_explicit_key_that_is_too_long_is_422(marketer_api):
    response = post(
        marketer_api, "/api/v1/custom-fields", {"key": "k" * 51, "label": "K", "type": "text"}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "key"


# --- creating and editing companies ----------------------------------------------------------


def patch(client: Client, path: str, body: Any) -> Any:
    return client.patch(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("role_api", ["admin_api", "marketer_api", "sales_api"])
def test_every_role_creates_and_edits_companies_as_it_edits_contacts(
    role_api: str, request: pytest.FixtureRequest
) -> None:
    api: Client = request.getfixturevalue(role_api)

    created = post(
        api,
        "/api/v1/companies",
        {"name": "Siam Precision", "domain": "https://www.SiamPrecision.co.th/", "employees": 80},
    )
    changed = patch(api, f"/api/v1/companies/{created.json()['id']}", {"industry": "Machining"})

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["domain"], body["employees"]) == (
        "Siam Precision",
        "siamprecision.co.th",
        80,
    )
    assert (body["industry"], body["contact_count"], body["total_score"]) == ("", 0, 0)
    assert changed.status_code == 200, changed.content
    assert changed.json() == {**body, "industry": "Machining"}


def test_creating_a_company_without_a_name_is_422_on_the_name(marketer_api):
    missing = post(marketer_api, "/api/v1/companies", {"domain": "acme.com"})
    blank = post(marketer_api, "/api/v1/companies", {"name": "  "})

    assert (missing.status_code, missing.json()["field"]) == (422, "name")
    assert blank.status_code == 422
    assert blank.json() == {"detail": "Give the company a name.", "field": "name"}
    assert not Company.objects.exists()


def test_a_domain_another_company_uses_is_409_on_the_domain(marketer_api):
    first = post(marketer_api, "/api/v1/companies", {"name": "Acme", "domain": "acme.com"})
    other = post(marketer_api, "/api/v1/companies", {"name": "Initech", "domain": "initech.com"})

    again = post(marketer_api, "/api/v1/companies", {"name": "Acme 2", "domain": "ACME.com"})
    moved = patch(marketer_api, f"/api/v1/companies/{other.json()['id']}", {"domain": "acme.com"})

    expected = {"detail": "Another company already uses this domain.", "field": "domain"}
    assert first.status_code == 201
    assert (again.status_code, again.json()) == (409, expected)
    assert (moved.status_code, moved.json()) == (409, expected)
    assert Company.objects.get(pk=other.json()["id"]).domain == "initech.com"


def test_a_second_company_of_the_same_name_without_a_domain_is_409_on_the_name(marketer_api):
    post(marketer_api, "/api/v1/companies", {"name": "Mekong Trading"})

    response = post(marketer_api, "/api/v1/companies", {"name": "mekong trading"})

    assert (response.status_code, response.json()["field"]) == (409, "name")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Acme", "employees": -3}, "employees"),
        ({"name": "Acme", "employees": "12"}, "employees"),
        ({"name": "Acme", "domain": "not a domain"}, "domain"),
        ({"name": "Acme", "industry": "x" * 101}, "industry"),
        ({"name": "Acme", "revenue": 1}, "revenue"),
    ],
)
def test_invalid_company_fields_are_422_on_their_field(marketer_api, body, field):
    response = post(marketer_api, "/api/v1/companies", body)

    assert (response.status_code, response.json()["field"]) == (422, field)
    assert not Company.objects.exists()


def test_patching_a_company_changes_only_the_given_fields(marketer_api):
    created = post(
        marketer_api,
        "/api/v1/companies",
        {"name": "Acme", "domain": "acme.com", "industry": "Retail", "employees": 10},
    ).json()

    response = patch(marketer_api, f"/api/v1/companies/{created['id']}", {"name": "Acme Group"})
    cleared = patch(marketer_api, f"/api/v1/companies/{created['id']}", {"domain": None})

    assert response.status_code == 200
    assert response.json() == {**created, "name": "Acme Group"}
    assert cleared.json()["domain"] is None
    assert cleared.json()["industry"] == "Retail"


def test_patching_an_unknown_company_is_404(marketer_api):
    response = patch(marketer_api, "/api/v1/companies/424242", {"name": "Nobody"})

    assert response.status_code == 404
    assert response.json() == {"detail": "no company with id 424242", "field": None}


def test_renaming_a_company_through_the_api_lets_contact_search_find_the_new_name(marketer_api):
    person = contact(marketer_api, "ana@acme.com", company={"name": "Acme", "domain": "acme.com"})
    company_id = Contact.objects.get(pk=person).company_id

    patch(marketer_api, f"/api/v1/companies/{company_id}", {"name": "Nguyễn Foods"})

    found = marketer_api.get("/api/v1/contacts?q=nguyen foods").json()
    assert [c["id"] for c in found["items"]] == [person]

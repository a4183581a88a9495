"""/api/v1/scoring and /api/v1/contacts/{id}/score: shapes, validation and who may write."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.scoring.consumers import score_events
from tendril.scoring.models import ScoringRule

PRICING = {
    "name": "Pricing page",
    "event": "page_view",
    "points": 1,
    "where": {"url": {"contains": "/pricing"}},
}


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, body, content_type="application/json")


def _send(client: Client, method: str, path: str, body: Any) -> Any:
    return client.generic(method, path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("writer", ["admin_api", "marketer_api"])
def test_admins_and_marketers_write_rules(writer: str, request: pytest.FixtureRequest) -> None:
    client: Client = request.getfixturevalue(writer)
    made = _post(client, "/api/v1/scoring/rules", {**PRICING, "max_per_contact": 5})
    assert made.status_code == 201, made.json()
    rule = made.json()
    assert {k: rule[k] for k in ("name", "event", "points", "max_per_contact", "active")} == {
        "name": "Pricing page",
        "event": "page_view",
        "points": 1,
        "max_per_contact": 5,
        "active": True,
    }
    assert rule["where"] == {"url": {"contains": "/pricing"}}
    path = f"/api/v1/scoring/rules/{rule['id']}"
    changed = _send(client, "PATCH", path, {"points": -2, "max_per_contact": None})
    assert (changed.json()["points"], changed.json()["max_per_contact"]) == (-2, None)
    assert client.get(path).json()["points"] == -2
    assert client.get("/api/v1/scoring/rules").json()["count"] == 1
    assert client.delete(path).status_code == 204
    assert client.get(path).status_code == 404
    assert AuditEntry.objects.filter(action="scoring_rule.delete").exists()


def test_sales_reps_read_rules_but_cannot_write_them(admin_api: Client, sales_api: Client) -> None:
    rule = _post(admin_api, "/api/v1/scoring/rules", PRICING).json()
    path = f"/api/v1/scoring/rules/{rule['id']}"
    assert sales_api.get("/api/v1/scoring/rules").json()["count"] == 1
    assert sales_api.get(path).status_code == 200
    assert _post(sales_api, "/api/v1/scoring/rules", PRICING).status_code == 403
    assert _send(sales_api, "PATCH", path, {"points": 3}).status_code == 403
    assert sales_api.delete(path).status_code == 403
    put = _send(sales_api, "PUT", "/api/v1/scoring/settings", {"hot": 20, "warm": 8})
    assert put.status_code == 403
    assert sales_api.get("/api/v1/scoring/settings").json()["hot"] == 10
    assert ScoringRule.objects.get().points == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PRICING, "points": 0}, "points"),
        ({**PRICING, "points": 5000}, "points"),
        ({**PRICING, "name": "  "}, "name"),
        ({**PRICING, "event": "score_changed"}, "event"),
        ({**PRICING, "event": "not a type!"}, "event"),
        ({**PRICING, "where": {"url": {"like": "/p"}}}, "where.url.like"),
        ({**PRICING, "where": {"amount": {"gt": "ten"}}}, "where.amount.gt"),
        ({**PRICING, "where": {"plan": {"in": "pro"}}}, "where.plan.in"),
        ({**PRICING, "max_per_contact": 0}, "max_per_contact"),
        ({**PRICING, "colour": "red"}, "colour"),
        ({"name": "No points", "event": "page_view"}, "points"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(
    marketer_api: Client, body: dict[str, Any], field: str
) -> None:
    response = _post(marketer_api, "/api/v1/scoring/rules", body)
    assert response.status_code == 422, response.json()
    assert response.json()["field"] == field
    assert not ScoringRule.objects.exists()


def test_a_custom_event_name_becomes_a_custom_type(marketer_api: Client) -> None:
    made = _post(
        marketer_api,
        "/api/v1/scoring/rules",
        {"name": "Webinar", "event": "webinar_attended", "points": 5},
    )
    assert made.json()["event"] == "custom:webinar_attended"


def test_settings_are_read_and_replaced(marketer_api: Client) -> None:
    assert marketer_api.get("/api/v1/scoring/settings").json() == {
        "hot": 10,
        "warm": 5,
        "decay": {"points": 0, "every": None},
    }
    put = _send(
        marketer_api,
        "PUT",
        "/api/v1/scoring/settings",
        {"hot": 20, "warm": 8, "decay": {"points": 1, "every": "P7D"}},
    )
    assert put.status_code == 200, put.json()
    assert marketer_api.get("/api/v1/scoring/settings").json() == {
        "hot": 20,
        "warm": 8,
        "decay": {"points": 1, "every": "P7D"},
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hot": 5, "warm": 5}, "hot"),
        ({"hot": 10, "warm": 5, "decay": {"points": 1}}, "decay.every"),
        ({"hot": 10, "warm": 5, "decay": {"points": 1, "every": "weekly"}}, "decay.every"),
        ({"hot": 10, "warm": 5, "decay": {"points": -1, "every": "P7D"}}, "decay.points"),
        ({"hot": "10", "warm": 5}, "hot"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    admin_api: Client, body: dict[str, Any], field: str
) -> None:
    response = _send(admin_api, "PUT", "/api/v1/scoring/settings", body)
    assert response.status_code == 422, response.json()
    assert response.json()["field"] == field


def test_a_contacts_score_tells_its_grade_and_history(admin_api: Client, sales_api: Client) -> None:
    contact = ContactFactory()
    rule = _post(admin_api, "/api/v1/scoring/rules", {**PRICING, "points": 6}).json()
    event = EventFactory(contact_id=contact.pk, properties={"url": "https://x.io/pricing"})
    score_events([event])
    body = admin_api.get(f"/api/v1/contacts/{contact.pk}/score").json()
    assert body["score"] == 6
    assert body["grade"] == "warm"
    assert [(h["points"], h["rule"], h["event_id"]) for h in body["history"]] == [
        (6, {"id": rule["id"], "name": "Pricing page"}, event.pk)
    ]
    assert admin_api.get(f"/api/v1/contacts/{contact.pk}").json()["grade"] == "warm"
    _send(admin_api, "PUT", "/api/v1/scoring/settings", {"hot": 6, "warm": 3})
    assert admin_api.get(f"/api/v1/contacts/{contact.pk}/score").json()["grade"] == "hot"
    assert admin_api.get(f"/api/v1/contacts/{contact.pk}").json()["grade"] == "hot"
    assert sales_api.get(f"/api/v1/contacts/{contact.pk}/score").json()["score"] == 6
    assert admin_api.get("/api/v1/contacts/999999999/score").status_code == 404


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "'; DROP TABLE scoring_scoringrule; --", "%_\\", "Nguyễn Thị"],
)
def test_hostile_text_in_rules_is_kept_as_written_and_matched_literally(
    marketer_api: Client, text: str
) -> None:
    made = _post(
        marketer_api,
        "/api/v1/scoring/rules",
        {"name": text, "event": "page_view", "points": 2, "where": {"url": {"contains": text}}},
    ).json()
    assert (made["name"], made["where"]) == (text, {"url": {"contains": text}})
    contact = ContactFactory()
    events = [
        EventFactory(contact_id=contact.pk, properties={"url": f"https://x.io/{text}"}),
        EventFactory(contact_id=contact.pk, properties={"url": "https://x.io/plain"}),
    ]
    score_events(events)
    history = marketer_api.get(f"/api/v1/contacts/{contact.pk}/score").json()["history"]
    assert [(h["points"], h["rule"]["name"], h["event_id"]) for h in history] == [
        (2, text, events[0].pk)
    ]


def test_a_nul_character_is_refused_before_it_reaches_the_database(marketer_api: Client) -> None:
    response = _post(
        marketer_api,
        "/api/v1/scoring/rules",
        {"name": "x", "event": "page_view", "points": 1, "where": {"url": {"eq": "a\u0000b"}}},
    )
    assert response.status_code in (400, 422)
    assert not ScoringRule.objects.exists()

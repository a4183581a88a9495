"""``/api/v1/stages`` and ``/api/v1/stage-rules``: reads for everyone, writes for marketing,
and a clear 422 for a rule that names a stage, segment or condition that cannot be."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.contacts.models import LifecycleStage
from tendril.lifecycle.models import StageRule
from tendril.lifecycle.services import stage_rename
from tendril.segments.services import segment_create

pytestmark = pytest.mark.django_db

RULES = "/api/v1/stage-rules"


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(RULES, json.dumps(body), content_type="application/json")


def _patch(client: Client, rule_id: int, body: dict[str, Any]) -> Any:
    return client.patch(f"{RULES}/{rule_id}", json.dumps(body), content_type="application/json")


def test_the_stages_are_listed_in_order_with_their_current_names(sales_api: Client) -> None:
    stage_rename(stage=LifecycleStage.objects.get(key="mql"), label="Warm lead", by=None)

    body = sales_api.get("/api/v1/stages").json()

    assert [i["key"] for i in body["items"]][:3] == ["subscriber", "lead", "mql"]
    assert body["items"][2] == {"key": "mql", "label": "Warm lead", "position": 2, "active": True}
    assert body["count"] == 8


def test_a_marketer_adds_reads_changes_and_deletes_a_stage_rule(
    marketer_api: Client, sales_api: Client
) -> None:
    hot = segment_create(name="Hot", static=True, by=None)

    created = _post(
        marketer_api,
        {"name": "Hot is SAL", "stage": "sal", "trigger": "segment", "segment": hot.pk},
    )
    assert created.status_code == 201, created.content
    rule = created.json()
    assert (rule["stage"], rule["trigger"], rule["segment"], rule["score"]) == (
        "sal",
        "segment",
        hot.pk,
        None,
    )
    assert sales_api.get(f"{RULES}/{rule['id']}").json()["name"] == "Hot is SAL"
    assert sales_api.get(RULES).json()["count"] == 1

    changed = _patch(marketer_api, rule["id"], {"trigger": "score", "score": 25})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["score"], changed.json()["segment"]) == (25, None)

    assert marketer_api.delete(f"{RULES}/{rule['id']}").status_code == 204
    assert not StageRule.objects.exists()


def test_a_sales_rep_cannot_write_rules(sales_api: Client) -> None:
    refused = _post(sales_api, {"name": "x", "stage": "mql", "trigger": "score", "score": 1})

    assert refused.status_code == 403
    assert not StageRule.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stage": "nowhere", "trigger": "score", "score": 1}, "stage"),
        ({"stage": "mql", "trigger": "score"}, "score"),
        ({"stage": "mql", "trigger": "segment", "segment": 999999}, "segment"),
        ({"stage": "mql", "trigger": "event"}, "event"),
        ({"stage": "mql", "trigger": "event", "event": "bad name!"}, "event"),
        (
            {
                "stage": "mql",
                "trigger": "event",
                "event": "purchase",
                "where": {"amount": {"gt": "x"}},
            },
            "where.amount.gt",
        ),
        ({"stage": "mql", "trigger": "score", "score": 1, "name": "  "}, "name"),
    ],
)
def test_a_rule_that_cannot_be_is_refused_with_422_naming_the_field(
    marketer_api: Client, body: dict[str, Any], field: str
) -> None:
    refused = _post(marketer_api, {"name": "Rule", **body})

    assert refused.status_code == 422, refused.content
    assert refused.json()["field"] == field
    assert not StageRule.objects.exists()


def test_an_unknown_rule_is_404(sales_api: Client) -> None:
    missing = sales_api.get(f"{RULES}/999999")

    assert missing.status_code == 404
    assert missing.json()["detail"] == "There is no stage rule with this id."

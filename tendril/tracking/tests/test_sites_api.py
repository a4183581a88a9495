"""``/api/v1/sites``: marketing adds the sites it tracks, each with a public key; domains are
checked and stored as browsers send them; every role reads them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.tracking.models import Site

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_site_is_added_with_its_domains_cleaned_and_a_public_key(marketer_api: Client) -> None:
    response = send(
        marketer_api,
        "post",
        "/api/v1/sites",
        {
            "name": "Shop",
            "domains": ["Shop.Example.com", "https://blog.example.com/x", "*.ví-dụ.vn"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["domains"] == ["shop.example.com", "blog.example.com", "*.xn--v-d-rma6749a.vn"]
    assert len(body["key"]) >= 20
    assert Site.objects.get(pk=body["id"]).key == body["key"]
    assert AuditEntry.objects.filter(action="site.create", target_id=body["id"]).exists()


def test_every_role_reads_sites_and_only_marketing_writes_them(
    marketer_api: Client, sales_api: Client
) -> None:
    made = send(marketer_api, "post", "/api/v1/sites", {"name": "A", "domains": ["a.example"]})
    site_id = made.json()["id"]
    listed = sales_api.get("/api/v1/sites").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "A"
    assert sales_api.get(f"/api/v1/sites/{site_id}").status_code == 200
    refused = send(sales_api, "post", "/api/v1/sites", {"name": "B", "domains": ["b.example"]})
    assert refused.status_code == 403
    assert send(sales_api, "delete", f"/api/v1/sites/{site_id}").status_code == 403


def test_a_new_key_replaces_the_old_and_a_deleted_site_is_gone(marketer_api: Client) -> None:
    made = send(marketer_api, "post", "/api/v1/sites", {"name": "A", "domains": ["a.example"]})
    site_id, old = made.json()["id"], made.json()["key"]
    patched = send(
        marketer_api,
        "patch",
        f"/api/v1/sites/{site_id}",
        {"new_key": True, "domains": ["b.example"]},
    ).json()
    assert patched["key"] != old and patched["domains"] == ["b.example"]
    assert send(marketer_api, "delete", f"/api/v1/sites/{site_id}").status_code == 204
    assert marketer_api.get(f"/api/v1/sites/{site_id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "domains": ["a.example"]}, "name"),
        ({"name": "A", "domains": []}, "domains"),
        ({"name": "A", "domains": ["not a host"]}, "domains[0]"),
        ({"name": "A", "domains": ["a.example", "<script>"]}, "domains[1]"),
        ({"name": "A", "domains": ["-bad-.example"]}, "domains[0]"),
        ({"name": "A\x00", "domains": ["a.example"]}, "name"),
    ],
)
def test_bad_sites_are_refused_naming_the_field(
    marketer_api: Client, body: dict[str, Any], field: str
) -> None:
    response = send(marketer_api, "post", "/api/v1/sites", body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_two_sites_cannot_share_a_name(marketer_api: Client) -> None:
    send(marketer_api, "post", "/api/v1/sites", {"name": "Shop", "domains": ["a.example"]})
    again = send(marketer_api, "post", "/api/v1/sites", {"name": "shop", "domains": ["b.example"]})
    assert again.status_code == 409 and again.json()["field"] == "name"

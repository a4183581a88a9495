"""``/api/v1/alerts`` and ``/api/v1/segments/{id}/alert``: read by every role, set by marketing,
subscribed to by anyone signed in for themselves."""

from __future__ import annotations

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.alerts.tests.helpers import alert_of, alerted_list, signed_in
from tendril.segments.services import segment_create

pytestmark = pytest.mark.django_db


def test_a_marketer_sets_who_is_told_and_how(marketer_api: Client, sales_rep: User) -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    answer = marketer_api.put(
        f"/api/v1/segments/{segment.pk}/alert",
        {"users": [sales_rep.pk], "email": True},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["active"] and body["in_app"] and body["email"]
    assert [u["id"] for u in body["users"]] == [sales_rep.pk]
    assert marketer_api.get("/api/v1/alerts").json()["count"] == 1


def test_a_segment_without_an_alert_reads_as_off(sales_api: Client) -> None:
    segment = segment_create(name="Quiet", static=True, by=None)
    body = sales_api.get(f"/api/v1/segments/{segment.pk}/alert").json()
    assert body == {
        "segment": segment.pk,
        "active": False,
        "in_app": True,
        "email": False,
        "users": [],
    }


def test_a_sales_key_cannot_set_an_alert(sales_api: Client, sales_rep: User) -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    answer = sales_api.put(
        f"/api/v1/segments/{segment.pk}/alert",
        {"users": [sales_rep.pk]},
        content_type="application/json",
    )
    assert answer.status_code == 403


def test_unknown_people_no_channel_and_unknown_segments_are_refused(
    admin_api: Client, marketer: User
) -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    url = f"/api/v1/segments/{segment.pk}/alert"
    unknown = admin_api.put(url, {"users": [999_999]}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["field"] == "users"
    silent = admin_api.put(
        url,
        {"users": [marketer.pk], "in_app": False, "email": False},
        content_type="application/json",
    )
    assert silent.status_code == 422 and silent.json()["field"] == "in_app"
    assert admin_api.get("/api/v1/segments/999999/alert").status_code == 404


def test_a_sales_rep_subscribes_and_unsubscribes_themselves(
    sales_rep: User, marketer: User
) -> None:
    segment = alerted_list(marketer)
    client = signed_in(sales_rep)
    url = f"/api/v1/segments/{segment.pk}/alert/me"
    joined = client.post(url).json()
    assert {u["id"] for u in joined["users"]} == {marketer.pk, sales_rep.pk}
    left = client.delete(url).json()
    assert [u["id"] for u in left["users"]] == [marketer.pk]
    assert set(alert_of(segment).users.all()) == {marketer}


def test_an_api_key_cannot_subscribe(admin_api: Client) -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    answer = admin_api.post(f"/api/v1/segments/{segment.pk}/alert/me")
    assert answer.status_code == 422 and set(answer.json()) == {"detail", "field"}


def test_an_id_too_big_for_any_user_is_refused_not_a_crash(admin_api: Client) -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    answer = admin_api.put(
        f"/api/v1/segments/{segment.pk}/alert",
        {"users": [2**70, -3]},
        content_type="application/json",
    )
    assert answer.status_code == 422 and answer.json()["field"] == "users"

"""The screens: marketers make a slot with variants (a mistake lands on its row) and a pop-up,
see a pop-up's figures; sales reps are refused; the API lists, makes, changes and deletes with
strict input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.core import clock
from tendril.personalisation.decisions import config_forget
from tendril.personalisation.models import Popup, PopupDisplay, Slot
from tendril.personalisation.services import popup_create
from tendril.personalisation.tests.helpers import decide, make_form, make_site
from tendril.web.services import form_delete

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _slot_post(**extra: str) -> dict[str, str]:
    return {
        "name": "Hero",
        "key": "hero",
        "site": "",
        "content": "<p>Hello</p>",
        "variants-TOTAL_FORMS": "2",
        "variants-INITIAL_FORMS": "0",
        "variants-0-visit": "2",
        "variants-0-content": "Welcome back",
        "variants-1-grade": "hot",
        "variants-1-content": "Talk to sales",
        "save": "1",
        **extra,
    }


def test_a_marketer_makes_a_slot_with_its_variants(marketer: User) -> None:
    client = _client(marketer)
    assert client.get("/personalisation/slots/new/").status_code == 200
    response = client.post("/personalisation/slots/new/", _slot_post())
    slot = Slot.objects.get()
    assert response.status_code == 302
    assert [(v.visit, v.grade, v.content) for v in slot.variants.all()] == [
        ("2", "", "Welcome back"),
        ("", "hot", "Talk to sales"),
    ]
    page = client.get(f"/personalisation/slots/{slot.pk}/").content.decode()
    assert 'data-tendril-slot="hero"' in page and "Second visit" in page


def test_a_bad_slot_key_is_refused_on_its_input(marketer: User) -> None:
    response = _client(marketer).post("/personalisation/slots/new/", _slot_post(key="Bad Key!"))
    assert response.status_code == 422
    assert not Slot.objects.exists()


def test_a_marketer_makes_a_popup_and_sees_its_conversion_rate(marketer: User) -> None:
    site, form = make_site(), make_form()
    client = _client(marketer)
    response = client.post(
        "/personalisation/popups/new/",
        {
            "name": "Exit <b>offer</b>",
            "site": str(site.pk),
            "form": str(form.pk),
            "trigger": "delay",
            "trigger_value": "5",
            "every_days": "1",
            "max_times": "3",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content
    popup = Popup.objects.get()
    assert (popup.trigger, popup.trigger_value, popup.active) == ("delay", 5, True)
    now = clock.now()
    for n in range(4):
        PopupDisplay.objects.create(
            popup=popup,
            visitor_id=f"visitor{n:08d}",
            shown=1,
            first_shown_at=now,
            last_shown_at=now,
            converted_at=now if n == 0 else None,
        )
    page = client.get("/personalisation/popups/").content.decode()
    assert "Exit &lt;b&gt;offer&lt;/b&gt;" in page and "25%" in page


def test_a_popup_with_a_scroll_depth_over_100_is_refused(marketer: User) -> None:
    site, form = make_site(), make_form()
    response = _client(marketer).post(
        "/personalisation/popups/new/",
        {
            "name": "X",
            "site": str(site.pk),
            "form": str(form.pk),
            "trigger": "scroll",
            "trigger_value": "150",
            "every_days": "1",
            "max_times": "3",
        },
    )
    assert response.status_code == 422
    assert not Popup.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/personalisation/",
        "/personalisation/slots/new/",
        "/personalisation/popups/",
        "/personalisation/popups/new/",
    ],
)
def test_sales_reps_are_refused(sales_rep: User, path: str) -> None:
    assert _client(sales_rep).get(path).status_code == 403


def test_the_api_makes_changes_lists_and_deletes_slots(marketer_api: Any) -> None:
    body = {
        "name": "Hero",
        "key": "hero",
        "content": "Hi",
        "variants": [{"visit": "1", "content": "First"}],
    }
    made = marketer_api.post("/api/v1/slots", json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    slot_id = made.json()["id"]
    changed = marketer_api.patch(
        f"/api/v1/slots/{slot_id}",
        json.dumps({"variants": []}),
        content_type="application/json",
    )
    assert changed.json()["variants"] == []
    listed = marketer_api.get("/api/v1/slots").json()
    assert listed["count"] == 1 and listed["items"][0]["key"] == "hero"
    assert marketer_api.delete(f"/api/v1/slots/{slot_id}").status_code == 204
    assert not Slot.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "key": "a", "variants": [{"visit": 2}]}, "variants.0.visit"),
        ({"name": "A", "key": "a", "variants": [{"grade": "lukewarm"}]}, "variants.0.grade"),
        ({"name": "A", "key": "a", "colour": "red"}, "colour"),
        ({"name": "A", "key": "a", "variants": [{"stage": "nowhere"}]}, "variants[0].stage"),
        ({"name": "A", "key": "a", "variants": [{"segment": 999}]}, "variants[0].segment"),
    ],
)
def test_the_api_refuses_bad_slots_naming_the_field(marketer_api: Any, body, field) -> None:
    response = marketer_api.post("/api/v1/slots", json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_the_api_makes_a_popup_and_reports_its_figures(marketer_api: Any) -> None:
    site, form = make_site(), make_form()
    body = {
        "name": "Exit",
        "site": site.pk,
        "form": form.pk,
        "trigger": "scroll",
        "trigger_value": 50,
    }
    made = marketer_api.post("/api/v1/popups", json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["visitors_shown"] == 0 and made.json()["conversion_rate"] == 0
    bad = marketer_api.post(
        "/api/v1/popups",
        json.dumps({**body, "name": "B", "trigger_value": 0}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "trigger_value"
    duplicate = marketer_api.post(
        "/api/v1/popups", json.dumps({**body, "name": "EXIT"}), content_type="application/json"
    )
    assert duplicate.status_code == 409


def test_the_api_refuses_sales_reps(sales_api: Any) -> None:
    assert sales_api.get("/api/v1/slots").status_code == 403
    assert sales_api.get("/api/v1/popups").status_code == 403


def test_a_popup_whose_form_was_deleted_is_not_offered(client: Client) -> None:
    site, form = make_site(), make_form()
    popup_create(data={"name": "P", "site": site.pk, "form": form.pk}, by=None)
    form_delete(form=form, by=None)
    config_forget()
    assert decide(client, site).json()["popup"] is None

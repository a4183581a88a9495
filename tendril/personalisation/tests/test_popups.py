"""Pop-ups: the decision offers one under its caps (once every N days, at most M times), only on
its pages, never after its form was sent (here, or by the contact on another device), never to
a known contact when it is only for anonymous visitors; ``POST /t/popup`` counts displays and
reports conversions; the public endpoints refuse other sites, bad keys and bad input."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from tendril.contacts.tests.factories import ContactFactory
from tendril.core import clock
from tendril.core.models import Event
from tendril.core.services import visitor_identify
from tendril.personalisation.models import PopupDisplay
from tendril.personalisation.services import popup_create, popup_display_record
from tendril.personalisation.tests.helpers import (
    BROWSER,
    ORIGIN,
    PAGE,
    VISITOR,
    decide,
    make_form,
    make_site,
)
from tendril.web.services import Submission, form_submit

pytestmark = pytest.mark.django_db


def _popup(site, form, **data):
    return popup_create(
        data={"name": "Exit offer", "site": site.pk, "form": form.pk, "headline": "Wait!", **data},
        by=None,
    )


def _offered(client: Client, site, **kwargs) -> Any:
    response = decide(client, site, **kwargs)
    assert response.status_code == 200, response.content
    return response.json()["popup"]


def _event(client: Client, site, body: dict[str, Any], origin: str = ORIGIN) -> Any:
    return client.post(
        "/t/popup",
        json.dumps({"k": site.key, "v": VISITOR, **body}),
        content_type="text/plain",
        HTTP_ORIGIN=origin,
        HTTP_USER_AGENT=BROWSER,
    )


def test_the_decision_offers_the_popup_with_its_trigger_and_form(client: Client) -> None:
    site, form = make_site(), make_form()
    popup = _popup(site, form, trigger="scroll", trigger_value=60, text="10% off")
    offered = _offered(client, site)
    assert offered.pop("form_url").endswith(f"/f/{form.key}")
    assert offered == {
        "id": popup.pk,
        "trigger": "scroll",
        "value": 60,
        "headline": "Wait!",
        "text": "10% off",
        "close": "Close",
    }


def test_once_every_n_days_and_at_most_m_times(client: Client) -> None:
    site, form = make_site(), make_form()
    popup = _popup(site, form, every_days=2, max_times=2)
    assert _event(client, site, {"p": popup.pk, "a": "shown"}).json() == {"shown": 1}
    assert _offered(client, site) is None  # shown today
    with time_machine.travel(clock.now() + timedelta(days=2, minutes=1)):
        assert _offered(client, site)["id"] == popup.pk
        popup_display_record(popup=popup, visitor_id=VISITOR)
    with time_machine.travel(clock.now() + timedelta(days=10)):
        assert _offered(client, site) is None  # shown twice: never again
    assert PopupDisplay.objects.get().shown == 2


def test_only_on_pages_whose_address_contains_the_filter(client: Client) -> None:
    site, form = make_site(), make_form()
    _popup(site, form, url_contains="/pricing")
    assert _offered(client, site, url=PAGE) is not None
    assert _offered(client, site, url=f"{ORIGIN}/blog") is None


def test_an_inactive_popup_is_not_offered(client: Client) -> None:
    site, form = make_site(), make_form()
    _popup(site, form, active=False)
    assert _offered(client, site) is None


def _send_form(form, visitor: str, email: str) -> None:
    outcome = form_submit(
        form=form,
        submission=Submission(
            values={"email": email},
            consent=False,
            visitor=visitor,
            page=PAGE,
            ip="127.0.0.1",
            browser=False,
            honeypot="",
            shown=None,
            language="en",
        ),
    )
    assert not outcome.errors


def test_sending_its_form_stops_the_popup_and_counts_a_conversion(client: Client) -> None:
    site, form = make_site(), make_form()
    popup = _popup(site, form, every_days=0, max_times=10)
    _event(client, site, {"p": popup.pk, "a": "shown"})
    assert _event(client, site, {"p": popup.pk, "a": "check"}).json() == {"converted": False}

    _send_form(form, VISITOR, "ann@example.com")

    assert _event(client, site, {"p": popup.pk, "a": "check"}).json() == {"converted": True}
    assert PopupDisplay.objects.get().converted_at is not None
    assert _offered(client, site) is None


def test_a_contact_who_sent_the_form_elsewhere_is_not_offered_it_on_another_device(
    client: Client,
) -> None:
    site, form = make_site(), make_form()
    _popup(site, form, every_days=0)
    _send_form(form, "laptop0000000001", "ann@example.com")
    phone = "phone00000000001"
    assert _offered(client, site, visitor=phone) is not None
    contact_id = Event.objects.get(type="form_submit").contact_id
    visitor_identify(visitor_id=phone, contact_id=contact_id)
    assert _offered(client, site, visitor=phone) is None


def test_only_anonymous_popups_skip_known_contacts(client: Client) -> None:
    site, form = make_site(), make_form()
    _popup(site, form, only_anonymous=True)
    assert _offered(client, site) is not None
    visitor_identify(visitor_id=VISITOR, contact_id=ContactFactory().pk)
    assert _offered(client, site) is None


def test_a_robots_display_is_not_counted(client: Client) -> None:
    site, form = make_site(), make_form()
    popup = _popup(site, form)
    response = client.post(
        "/t/popup",
        json.dumps({"k": site.key, "v": VISITOR, "p": popup.pk, "a": "shown"}),
        content_type="text/plain",
        HTTP_ORIGIN=ORIGIN,
        HTTP_USER_AGENT="Googlebot/2.1",
    )
    assert response.status_code == 200
    assert not PopupDisplay.objects.exists()


# --- refusals ---------------------------------------------------------------------------------


def test_decide_answers_the_sites_pages_with_cors_and_no_caching(client: Client) -> None:
    site = make_site()
    response = decide(client, site)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"slots": {}, "popup": None}


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"k": "nosuchkey"}, 403, "k"),
        ({"k": ""}, 400, "k"),
        ({"v": "short"}, 400, "v"),
        ({"v": "has spaces in it!"}, 400, "v"),
        ({"s": "bad visit!"}, 400, "s"),
        ({"u": "https://evil.example.com/"}, 400, "u"),
        ({"u": "javascript:alert(1)"}, 400, "u"),
        ({"sl": "Upper,<b>"}, 400, "sl"),
        ({"sl": ",".join(f"s{n}" for n in range(21))}, 400, "sl"),
        ({"colour": "red"}, 400, "colour"),
    ],
)
def test_decide_refuses_bad_input(
    client: Client, change: dict[str, str], status: int, field: str
) -> None:
    site = make_site()
    params = {"k": site.key, "v": VISITOR, "s": "visitnow00000001", "u": PAGE, **change}
    response = client.get("/t/decide", params, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("origin", ["https://evil.example.com", None])
def test_decide_refuses_pages_of_other_sites_without_cors(client: Client, origin) -> None:
    site = make_site()
    response = decide(client, site, origin=origin)
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response


def test_popup_events_refuse_other_sites_popups_and_bad_bodies(client: Client) -> None:
    site, form = make_site(), make_form()
    popup = _popup(site, form)
    other = popup_create(
        data={"name": "Other", "site": make_other_site().pk, "form": form.pk}, by=None
    )
    assert _event(client, site, {"p": other.pk, "a": "shown"}).status_code == 404
    assert (
        _event(
            client, site, {"p": popup.pk, "a": "shown"}, origin="https://evil.example.com"
        ).status_code
        == 403
    )
    assert _event(client, site, {"p": popup.pk, "a": "explode"}).json()["field"] == "a"
    assert _event(client, site, {"p": "1", "a": "shown"}).status_code == 404
    assert _event(client, site, {"p": popup.pk, "a": "shown", "v": "x"}).json()["field"] == "v"
    bad = client.post("/t/popup", "not json", content_type="text/plain", HTTP_ORIGIN=ORIGIN)
    assert bad.status_code == 400
    big = client.post("/t/popup", "x" * 2000, content_type="text/plain", HTTP_ORIGIN=ORIGIN)
    assert big.status_code == 413
    assert not PopupDisplay.objects.exists()


def make_other_site():
    from tendril.tracking.services import site_create

    return site_create(data={"name": "Other", "domains": ["other.example.org"]}, by=None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_displays_for_one_visitor_make_one_row_and_lose_no_count(
    live_server: Any,
) -> None:
    site, form = make_site(), make_form()
    popup = _popup(site, form)
    barrier = threading.Barrier(8)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        body = json.dumps({"k": site.key, "v": VISITOR, "p": popup.pk, "a": "shown"}).encode()
        request = urllib.request.Request(
            f"{live_server.url}/t/popup",
            data=body,
            method="POST",
            headers={"Content-Type": "text/plain", "Origin": ORIGIN, "User-Agent": BROWSER},
        )
        if n < 8:
            barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        with lock:
            statuses.append(status)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(post, range(40)))

    assert statuses == [200] * 40
    [display] = PopupDisplay.objects.all()
    assert display.shown == 40

"""A person's language and time zone: ``/api/v1/me``, the Preferences screen and the switcher."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tendril.accounts.models import User
from tendril.accounts.services import user_preferences_set
from tendril.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def patch(client: Client, body: Any) -> Any:
    return client.patch("/api/v1/me", json.dumps(body), content_type="application/json")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_me_shows_no_language_until_the_user_chooses_one(marketer):
    body = signed_in(marketer).get("/api/v1/me").json()

    assert body["language"] is None
    assert body["time_zone"] is None


def test_patch_me_saves_language_and_time_zone(marketer):
    response = patch(signed_in(marketer), {"language": "vi", "time_zone": "Asia/Ho_Chi_Minh"})

    assert response.status_code == 200
    assert response.json()["language"] == "vi"
    assert response.json()["time_zone"] == "Asia/Ho_Chi_Minh"
    marketer.refresh_from_db()
    assert (marketer.language, marketer.time_zone) == ("vi", "Asia/Ho_Chi_Minh")


def test_patch_me_changes_only_the_fields_sent_and_null_goes_back_to_the_default(marketer):
    user_preferences_set(user=marketer, language="th", time_zone="Asia/Bangkok")
    client = signed_in(marketer)

    assert patch(client, {"time_zone": None}).json()["language"] == "th"
    marketer.refresh_from_db()
    assert (marketer.language, marketer.time_zone) == ("th", "")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"language": "fr"}, "language"), ({"time_zone": "Mars/Olympus_Mons"}, "time_zone")],
)
def test_patch_me_refuses_an_unknown_language_or_time_zone(marketer, body, field):
    response = patch(signed_in(marketer), body)

    assert response.status_code == 422
    assert response.json()["field"] == field
    marketer.refresh_from_db()
    assert (marketer.language, marketer.time_zone) == ("", "")


def test_patch_me_refuses_unknown_fields(marketer):
    response = patch(signed_in(marketer), {"colour": "green"})

    assert response.status_code == 422
    assert response.json()["field"] == "colour"


def test_an_api_key_has_no_language_to_set(sales_api):
    assert sales_api.get("/api/v1/me").json()["language"] is None
    assert patch(sales_api, {"language": "vi"}).status_code == 403


def test_patch_me_from_the_browser_needs_the_csrf_token(marketer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(marketer)

    assert patch(client, {"language": "vi"}).status_code == 403
    marketer.refresh_from_db()
    assert marketer.language == ""


def test_service_refuses_a_language_tendril_does_not_speak(marketer):
    with pytest.raises(InvalidInput) as refused:
        user_preferences_set(user=marketer, language="de", time_zone=None)

    assert refused.value.field == "language"


def test_preferences_screen_saves_and_answers_in_the_chosen_language(sales_rep):
    client = signed_in(sales_rep)
    url = reverse("accounts:preferences")

    response = client.post(url, {"language": "vi", "time_zone": "Asia/Bangkok"}, follow=True)

    sales_rep.refresh_from_db()
    assert (sales_rep.language, sales_rep.time_zone) == ("vi", "Asia/Bangkok")
    assert response.headers["Content-Language"] == "vi"
    assert "Đã lưu tùy chọn của bạn." in response.content.decode()


def test_preferences_screen_offers_the_first_users_time_zones_first(sales_rep):
    page = signed_in(sales_rep).get(reverse("accounts:preferences")).content.decode()

    first_zones = [page.index('value="Asia/Ho_Chi_Minh"'), page.index('value="Asia/Bangkok"')]
    assert max(first_zones) < page.index('value="Africa/Abidjan"')
    assert "Workspace default (UTC)" in page


def test_preferences_screen_shows_an_unknown_time_zone_on_its_field(sales_rep):
    response = signed_in(sales_rep).post(
        reverse("accounts:preferences"), {"language": "", "time_zone": "Nowhere/At_All"}
    )

    assert response.status_code == 422
    assert response.context["form"].errors["time_zone"]


def test_the_account_box_links_to_preferences(sales_rep):
    page = signed_in(sales_rep).get(reverse("ui:settings")).content.decode()

    # The Settings page also has a Preferences card: look in the account box alone.
    account_box = page.split('<ul class="account-links">', 1)[1].split("</ul>", 1)[0]
    assert f'href="{reverse("accounts:preferences")}"' in account_box


def test_switcher_saves_a_signed_in_users_language_and_returns_to_the_page(marketer):
    client = signed_in(marketer)

    response = client.post(
        reverse("set_language"), {"language": "th", "next": reverse("ui:settings")}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("ui:settings")
    marketer.refresh_from_db()
    assert marketer.language == "th"
    assert client.get(reverse("ui:settings")).headers["Content-Language"] == "th"


def test_switcher_remembers_an_anonymous_visitors_language_in_a_cookie():
    client = Client()

    client.post(reverse("set_language"), {"language": "vi", "next": "/login/"})

    page = client.get(reverse("ui:login"))
    assert page.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in page.content.decode()


def test_the_users_saved_language_wins_over_the_browsers(marketer):
    user_preferences_set(user=marketer, language="th", time_zone=None)
    client = Client(HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9")
    client.force_login(marketer)

    assert '<html lang="th">' in client.get(reverse("ui:settings")).content.decode()

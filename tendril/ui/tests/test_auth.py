"""Signing in and out, and changing one's password."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

PASSWORD = "correct horse battery staple"
pytestmark = pytest.mark.django_db


def test_login_with_a_wrong_password_shows_an_error(client: Client, marketer: AbstractUser) -> None:
    response = client.post("/login/", {"username": marketer.email, "password": "nope"})

    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_login_with_the_right_password_lands_on_the_dashboard(
    client: Client, marketer: AbstractUser
) -> None:
    response = client.post(
        "/login/", {"username": marketer.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [("/", 302)]
    assert response.status_code == 200
    assert "<h1>Dashboard</h1>" in response.content.decode()
    assert client.session["_auth_user_id"] == str(marketer.pk)


def test_login_goes_on_to_the_page_asked_for(client: Client, marketer: AbstractUser) -> None:
    response = client.post(
        "/login/?next=/companies/", {"username": marketer.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/companies/"


def test_screens_send_an_anonymous_visitor_to_the_login_page(client: Client) -> None:
    for url in ("/", "/contacts/", "/companies/", "/settings/", "/coming/journeys/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"


def test_signing_out_needs_a_post_and_ends_the_session(
    client: Client, marketer: AbstractUser
) -> None:
    client.force_login(marketer)

    refused = client.get("/logout/")
    response = client.post("/logout/")

    assert refused.status_code == 405
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_changing_the_password_shows_a_message_and_keeps_the_user_signed_in(
    client: Client, marketer: AbstractUser
) -> None:
    client.force_login(marketer)
    new = "a different long passphrase 42"

    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )

    assert response.redirect_chain == [("/", 302)]
    assert "Your password was changed." in response.content.decode()
    assert client.get("/").status_code == 200
    marketer.refresh_from_db()
    assert marketer.check_password(new)


def test_changing_the_password_with_a_wrong_old_one_is_refused(
    client: Client, marketer: AbstractUser
) -> None:
    client.force_login(marketer)

    response = client.post(
        "/password/",
        {"old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )

    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    marketer.refresh_from_db()
    assert marketer.check_password(PASSWORD)

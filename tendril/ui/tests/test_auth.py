from __future__ import annotations

import pytest
from django.test import Client

from tendril.accounts.models import User

PASSWORD = "correct horse battery staple"
pytestmark = pytest.mark.django_db


def test_login_with_a_wrong_password_shows_an_error(marketer: User) -> None:
    response = Client().post("/login/", {"username": marketer.email, "password": "nope"})

    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_login_with_the_right_password_lands_on_the_dashboard(marketer: User) -> None:
    client = Client()
    response = client.post(
        "/login/", {"username": marketer.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/"
    assert "Dashboard" in response.content.decode()


def test_screens_send_an_anonymous_visitor_to_the_login_page(db: None) -> None:
    for url in ("/", "/contacts/", "/companies/", "/settings/", "/coming/journeys/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_signing_out_needs_a_post_and_ends_the_session(signed_in, marketer: User) -> None:
    client = signed_in(marketer)

    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")

    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_changing_the_password_shows_a_message(signed_in, marketer: User) -> None:
    client = signed_in(marketer)
    new = "a different long passphrase 42"

    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )

    assert "Your password was changed." in response.content.decode()
    marketer.refresh_from_db()
    assert marketer.check_password(new)


def test_changing_the_password_with_a_wrong_old_one_is_refused(signed_in, marketer: User) -> None:
    response = signed_in(marketer).post(
        "/password/",
        {"old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )

    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()

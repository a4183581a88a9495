"""Sign-in throttling (django-axes): per account and address, then per address; a translated
429 page; API keys are never throttled."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from tendril.accounts.models import Role, User

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"
LIMIT = django_settings.AXES_FAILURE_LIMIT
PER_IP = django_settings.LOGIN_FAILURES_PER_IP


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Dozens of sign-ins per test: the real hasher would spend half a second on each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _sign_in(email: str, password: str, ip: str = "203.0.113.7", **headers: str):
    return Client(REMOTE_ADDR=ip, **headers).post(
        "/login/", {"username": email, "password": password}
    )


def _user(email: str) -> User:
    return User.objects.create_user(email, RIGHT, role=Role.MARKETER)


def test_the_sixth_wrong_password_for_an_account_locks_it_even_with_the_right_one(marketer):
    for _ in range(LIMIT - 1):
        assert _sign_in(marketer.email, "wrong").status_code == 200  # the form, with its error
    fifth = _sign_in(marketer.email, "wrong")

    locked = _sign_in(marketer.email, RIGHT)

    assert fifth.status_code == locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "sessionid" not in locked.cookies
    assert "Content-Security-Policy" in locked.headers


def test_the_account_count_ignores_case_and_spaces_in_the_email(marketer):
    for n in range(LIMIT):
        _sign_in(f" {marketer.email.upper()} " if n % 2 else marketer.email, "wrong")

    assert _sign_in(marketer.email, RIGHT).status_code == 429


def test_another_account_from_the_same_address_works_until_the_address_limit(marketer):
    other = _user("other@tendril.test")
    for _ in range(LIMIT):
        _sign_in(marketer.email, "wrong")

    assert _sign_in(other.email, RIGHT).status_code == 302
    assert _sign_in(marketer.email, RIGHT, ip="198.51.100.9").status_code == 302

    # Guesses at many accounts from one address: the address is locked at its own limit.
    guessed = LIMIT
    while guessed < PER_IP:
        _sign_in(f"guess{guessed}@tendril.test", "wrong")
        guessed += 1
    assert _sign_in(other.email, RIGHT).status_code == 429
    assert _sign_in(other.email, RIGHT, ip="198.51.100.9").status_code == 302


def test_a_successful_sign_in_clears_its_own_count_but_not_the_guesses_at_others(marketer):
    for n in range(PER_IP - 1):
        _sign_in(f"guess{n}@tendril.test", "wrong")

    assert _sign_in(marketer.email, RIGHT).status_code == 302
    _sign_in("one-more@tendril.test", "wrong")

    assert _sign_in(marketer.email, RIGHT).status_code == 429


def test_the_lockout_page_is_translated(marketer):
    for _ in range(LIMIT):
        _sign_in(marketer.email, "wrong")

    with translation.override("vi"):
        locked = _sign_in(marketer.email, RIGHT, HTTP_ACCEPT_LANGUAGE="vi")

    assert locked.status_code == 429
    assert locked.headers["Content-Language"] == "vi"


def test_api_keys_are_never_throttled(marketer, marketer_api):
    for _ in range(PER_IP + 1):
        _sign_in(marketer.email, "wrong", ip="127.0.0.1")

    assert marketer_api.get("/api/v1/me").status_code == 200

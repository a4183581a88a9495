"""The account screens under Settings: users and roles, API keys, the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from tendril.accounts.models import ApiKey, AuditEntry, Role, User
from tendril.accounts.selectors import apikey_get_for, user_get_for
from tendril.accounts.services import apikey_authenticate, apikey_create
from tendril.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_admin_creates_a_user_with_a_role(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    client.post(
        "/settings/users/",
        {
            "email": "Nok@Tendril.test",
            "first_name": "Nok",
            "role": "sales",
            "password": "a long enough passphrase 7",
        },
    )

    user = User.objects.get(email="nok@tendril.test")
    assert user.role == Role.SALES
    assert user.check_password("a long enough passphrase 7")


def test_creating_a_user_with_a_weak_password_shows_why(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    response = client.post(
        "/settings/users/", {"email": "nok@tendril.test", "role": "sales", "password": "abc"}
    )

    assert response.status_code == 422
    assert "This password is too short." in response.content.decode()
    assert not User.objects.filter(email="nok@tendril.test").exists()


def test_admin_changes_a_role(client: Client, admin_user: User, marketer: User) -> None:
    client.force_login(admin_user)
    client.post(f"/settings/users/{marketer.pk}/", {"role": "sales"})

    marketer.refresh_from_db()
    assert marketer.role == Role.SALES


def test_deactivating_a_user_needs_confirmation(
    client: Client, admin_user: User, marketer: User
) -> None:
    client.force_login(admin_user)
    url = f"/settings/users/{marketer.pk}/deactivate/"

    asked = client.get(url)
    client.post(url)
    marketer.refresh_from_db()
    assert marketer.is_active
    client.post(url, {"confirm": "yes"})

    marketer.refresh_from_db()
    assert "Deactivate marketer@tendril.test?" in asked.content.decode()
    assert not marketer.is_active
    client.post(f"/settings/users/{marketer.pk}/reactivate/")
    marketer.refresh_from_db()
    assert marketer.is_active


def test_the_last_admin_cannot_lose_the_role(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    response = client.post(f"/settings/users/{admin_user.pk}/", {"role": "sales"})

    assert response.status_code == 422
    assert "Tendril needs at least one active admin" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN


def test_api_key_secret_is_shown_once(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)

    created = client.post("/settings/api-keys/", {"name": "CRM sync", "role": "marketer"})
    html = created.content.decode()
    secret = html.split('id="api-key-secret" value="')[1].split('"')[0]
    listing = client.get("/settings/api-keys/").content.decode()

    key = ApiKey.objects.get()
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    assert "shown only this once" in html
    assert apikey_authenticate(secret=secret) == key
    assert secret not in listing
    assert f"{key.prefix}…" in listing
    assert "CRM sync" in listing


def test_an_api_key_without_a_name_is_refused(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    response = client.post("/settings/api-keys/", {"name": "  ", "role": "sales"})

    assert response.status_code == 422
    assert not ApiKey.objects.exists()


def test_revoking_an_api_key_needs_confirmation(client: Client, admin_user: User) -> None:
    key, secret = apikey_create(name="Old script", role="sales", by=None)
    client.force_login(admin_user)
    url = f"/settings/api-keys/{key.pk}/revoke/"

    asked = client.get(url)
    client.post(url)
    assert apikey_authenticate(secret=secret) is not None
    client.post(url, {"confirm": "yes"})

    assert "Revoke the key “Old script”?" in asked.content.decode()
    assert apikey_authenticate(secret=secret) is None
    assert '<span class="badge revoked">' in client.get("/settings/api-keys/").content.decode()


def test_audit_log_lists_what_admins_did(client: Client, admin_user: User) -> None:
    apikey_create(name="Nightly export", role="sales", by=admin_user)

    client.force_login(admin_user)
    html = client.get("/settings/audit/").content.decode()

    entry = AuditEntry.objects.get()
    assert entry.action in html
    assert "admin@tendril.test" in html
    assert "Nightly export" in html


def test_sales_rep_can_neither_open_nor_post_the_api_key_settings(
    client: Client, sales_rep: User
) -> None:
    client.force_login(sales_rep)

    assert client.get("/settings/api-keys/").status_code == 403
    assert client.post("/settings/api-keys/", {"name": "x", "role": "admin"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_accounts_and_keys_do_not_exist_for_anyone_but_admins(
    admin_user: User, marketer: User
) -> None:
    key, _ = apikey_create(name="CRM sync", role="sales", by=None)

    assert user_get_for(admin_user, marketer.pk) == marketer
    assert apikey_get_for(admin_user, key.pk) == key
    with pytest.raises(NotFound):
        user_get_for(marketer, admin_user.pk)
    with pytest.raises(NotFound):
        apikey_get_for(marketer, key.pk)

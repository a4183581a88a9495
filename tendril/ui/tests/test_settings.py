from __future__ import annotations

import pytest

from tendril.accounts.models import ApiKey, AuditEntry, Role, User
from tendril.accounts.services import apikey_authenticate, apikey_create
from tendril.contacts.models import CustomField
from tendril.contacts.services import custom_field_create

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/settings/users/", "/settings/api-keys/", "/settings/audit/"]


@pytest.mark.parametrize("url", ["/settings/fields/", *ADMIN_PAGES])
def test_sales_rep_is_refused_every_settings_page_but_the_index(
    signed_in, sales_rep: User, url: str
) -> None:
    response = signed_in(sales_rep).get(url)

    assert response.status_code == 403
    assert "Your role does not give access to this page." in response.content.decode()


def test_sales_rep_cannot_open_api_key_settings(signed_in, sales_rep: User) -> None:
    client = signed_in(sales_rep)

    assert client.get("/settings/api-keys/").status_code == 403
    assert client.post("/settings/api-keys/", {"name": "x", "role": "admin"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_sales_rep_does_not_see_the_settings_links(signed_in, sales_rep: User) -> None:
    html = signed_in(sales_rep).get("/settings/").content.decode()

    assert "Change your password" in html
    for url in ("/settings/fields/", *ADMIN_PAGES):
        assert url not in html


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_marketer_is_refused_users_api_keys_and_audit(signed_in, marketer: User, url: str) -> None:
    assert signed_in(marketer).get(url).status_code == 403


def test_marketer_sees_custom_fields_but_not_admin_links(signed_in, marketer: User) -> None:
    html = signed_in(marketer).get("/settings/").content.decode()

    assert "/settings/fields/" in html
    for url in ADMIN_PAGES:
        assert url not in html


def test_admin_sees_every_settings_link(signed_in, admin_user: User) -> None:
    html = signed_in(admin_user).get("/settings/").content.decode()

    for url in ("/settings/fields/", *ADMIN_PAGES):
        assert url in html


def test_marketer_creates_a_choice_field(signed_in, marketer: User) -> None:
    response = signed_in(marketer).post(
        "/settings/fields/",
        {"label": "Plan", "key": "", "type": "choice", "choices": "Basic\nPro\n\n"},
        follow=True,
    )

    field = CustomField.objects.get()
    assert (field.key, field.type, field.choices) == ("plan", "choice", ["Basic", "Pro"])
    assert "The field “Plan” was added." in response.content.decode()


def test_a_choice_field_without_choices_shows_the_error(signed_in, marketer: User) -> None:
    response = signed_in(marketer).post(
        "/settings/fields/", {"label": "Plan", "type": "choice", "choices": ""}
    )

    assert response.status_code == 422
    assert "a choice field needs at least one choice" in response.content.decode()
    assert not CustomField.objects.exists()


def test_a_duplicate_field_key_shows_the_error(signed_in, marketer: User) -> None:
    custom_field_create(key="plan", label="Plan", type="text", by=None)

    response = signed_in(marketer).post(
        "/settings/fields/", {"label": "Plan again", "key": "plan", "type": "text"}
    )

    assert "a custom field with the key &#x27;plan&#x27; already exists" in (
        response.content.decode()
    )


def test_deleting_a_custom_field_needs_confirmation(
    signed_in, marketer: User, make_contact
) -> None:
    field = custom_field_create(key="plan", label="Plan", type="text", by=None)
    contact = make_contact("ana@a.test", fields={"plan": "Pro"})
    client = signed_in(marketer)
    url = f"/settings/fields/{field.pk}/delete/"

    asked = client.get(url)
    client.post(url)
    assert CustomField.objects.filter(pk=field.pk).exists()
    client.post(url, {"confirm": "yes"})

    assert "Delete the field “Plan”?" in asked.content.decode()
    assert not CustomField.objects.filter(pk=field.pk).exists()
    contact.refresh_from_db()
    assert contact.fields == {}


def test_admin_creates_a_user_with_a_role(signed_in, admin_user: User) -> None:
    signed_in(admin_user).post(
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


def test_creating_a_user_with_a_weak_password_shows_why(signed_in, admin_user: User) -> None:
    response = signed_in(admin_user).post(
        "/settings/users/", {"email": "nok@tendril.test", "role": "sales", "password": "abc"}
    )

    assert response.status_code == 422
    assert "This password is too short." in response.content.decode()
    assert not User.objects.filter(email="nok@tendril.test").exists()


def test_admin_changes_a_role(signed_in, admin_user: User, marketer: User) -> None:
    signed_in(admin_user).post(f"/settings/users/{marketer.pk}/", {"role": "sales"})

    marketer.refresh_from_db()
    assert marketer.role == Role.SALES


def test_deactivating_a_user_needs_confirmation(
    signed_in, admin_user: User, marketer: User
) -> None:
    client = signed_in(admin_user)
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


def test_the_last_admin_cannot_lose_the_role(signed_in, admin_user: User) -> None:
    response = signed_in(admin_user).post(f"/settings/users/{admin_user.pk}/", {"role": "sales"})

    assert response.status_code == 422
    assert "Tendril needs at least one active admin" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN


def test_api_key_secret_is_shown_once(signed_in, admin_user: User) -> None:
    client = signed_in(admin_user)

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


def test_an_api_key_without_a_name_is_refused(signed_in, admin_user: User) -> None:
    response = signed_in(admin_user).post("/settings/api-keys/", {"name": "  ", "role": "sales"})

    assert response.status_code == 422
    assert not ApiKey.objects.exists()


def test_revoking_an_api_key_needs_confirmation(signed_in, admin_user: User) -> None:
    key, secret = apikey_create(name="Old script", role="sales", by=None)
    client = signed_in(admin_user)
    url = f"/settings/api-keys/{key.pk}/revoke/"

    asked = client.get(url)
    client.post(url)
    assert apikey_authenticate(secret=secret) is not None
    client.post(url, {"confirm": "yes"})

    assert "Revoke the key “Old script”?" in asked.content.decode()
    assert apikey_authenticate(secret=secret) is None
    assert '<span class="badge revoked">' in client.get("/settings/api-keys/").content.decode()


def test_audit_log_lists_what_admins_did(signed_in, admin_user: User) -> None:
    apikey_create(name="Nightly export", role="sales", by=admin_user)

    html = signed_in(admin_user).get("/settings/audit/").content.decode()

    entry = AuditEntry.objects.get()
    assert entry.action in html
    assert "admin@tendril.test" in html
    assert "Nightly export" in html

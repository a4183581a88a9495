"""Settings → Custom fields: adding fields of each type, the errors, deleting with confirmation."""

from __future__ import annotations

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.models import CustomField
from tendril.contacts.services import contact_create, custom_field_create

pytestmark = pytest.mark.django_db


def test_marketer_creates_a_choice_field(client: Client, marketer: User) -> None:
    client.force_login(marketer)
    response = client.post(
        "/settings/fields/",
        {"label": "Plan", "key": "", "type": "choice", "choices": "Basic\nPro\n\n"},
        follow=True,
    )

    field = CustomField.objects.get()
    assert (field.key, field.type, field.choices) == ("plan", "choice", ["Basic", "Pro"])
    assert "The field “Plan” was added." in response.content.decode()


def test_a_choice_field_without_choices_shows_the_error(client: Client, marketer: User) -> None:
    client.force_login(marketer)
    response = client.post("/settings/fields/", {"label": "Plan", "type": "choice", "choices": ""})

    assert response.status_code == 422
    assert "a choice field needs at least one choice" in response.content.decode()
    assert not CustomField.objects.exists()


def test_a_duplicate_field_key_shows_the_error(client: Client, marketer: User) -> None:
    custom_field_create(key="plan", label="Plan", type="text", by=None)

    client.force_login(marketer)
    response = client.post(
        "/settings/fields/", {"label": "Plan again", "key": "plan", "type": "text"}
    )

    assert response.status_code == 422
    assert "a custom field with the key &#x27;plan&#x27; already exists" in (
        response.content.decode()
    )
    assert CustomField.objects.count() == 1


def test_deleting_a_custom_field_needs_confirmation(client: Client, marketer: User) -> None:
    field = custom_field_create(key="plan", label="Plan", type="text", by=None)
    contact = contact_create(data={"email": "ana@a.test", "fields": {"plan": "Pro"}}, by=None)
    client.force_login(marketer)
    url = f"/settings/fields/{field.pk}/delete/"

    asked = client.get(url)
    client.post(url)
    assert CustomField.objects.filter(pk=field.pk).exists()
    client.post(url, {"confirm": "yes"})

    assert "Delete the field “Plan”?" in asked.content.decode()
    assert not CustomField.objects.filter(pk=field.pk).exists()
    contact.refresh_from_db()
    assert contact.fields == {}

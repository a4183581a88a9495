"""Cross-app: after a person unsubscribed from their preference centre, their own opt-in on a
real form (the consent box ticked), or by confirming a double opt-in, grants email consent
again, and the consent history keeps the exact text they agreed to."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from tendril.contacts.models import Consent, Contact
from tendril.core import clock
from tendril.preferences.links import preference_path
from tendril.preferences.tests.conftest import consenting
from tendril.web.models import Form, FormConsent
from tendril.web.services import confirm_token, consent_confirm, form_create, render_token

pytestmark = pytest.mark.django_db
CONSENT = "Send me the <b>monthly</b> newsletter. I can unsubscribe at any time."


def _form(double_opt_in: bool) -> Form:
    return form_create(
        data={
            "name": f"Newsletter {double_opt_in}",
            "fields": [{"key": "email", "label": "Email"}],
            "consent_text": CONSENT,
            "double_opt_in": double_opt_in,
        },
        by=None,
    )


def _submit(client: Client, form: Form, email: str) -> Any:
    with time_machine.travel(clock.now().timestamp() - 60, tick=False):
        shown = render_token()
    return client.post(f"/f/{form.key}", {"email": email, "consent": "on", "_t": shown})


def _unsubscribed(client: Client) -> Contact:
    contact = consenting(email="back@example.com")
    client.post(preference_path(contact), {"action": "unsubscribe"})
    assert Consent.objects.get(contact=contact).method == "unsubscribe"
    return contact


def test_a_ticked_form_grants_it_again_with_its_text_in_the_history(
    client: Client, sales_api: Client
) -> None:
    contact = _unsubscribed(client)
    assert _submit(client, _form(False), contact.email).status_code == 200
    consent = Consent.objects.get(contact=contact)
    assert (consent.status, consent.method) == ("granted", "form")
    newest = sales_api.get(f"/api/v1/contacts/{contact.pk}/consents").json()["items"][0]
    assert newest["status"] == "granted" and newest["note"].endswith(CONSENT)


def test_a_confirmed_double_opt_in_grants_it_again(client: Client) -> None:
    contact = _unsubscribed(client)
    _submit(client, _form(True), contact.email)
    assert Consent.objects.get(contact=contact).status == "denied"  # not until confirmed
    request = FormConsent.objects.get(contact_id=contact.pk)
    consent_confirm(token=confirm_token(request))
    consent = Consent.objects.get(contact=contact)
    assert (consent.status, consent.method) == ("granted", "double opt-in")

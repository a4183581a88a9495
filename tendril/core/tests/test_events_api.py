from __future__ import annotations

import json

import pytest

from tendril.contacts.models import Contact
from tendril.core.models import Event


@pytest.mark.django_db
def test_posting_an_event_for_a_new_email_creates_the_contact(marketer_api):
    response = marketer_api.post(
        "/api/v1/events",
        json.dumps(
            {
                "contact": {"email": "Ann@Acme.io"},
                "type": "page_view",
                "properties": {"url": "https://acme.io/pricing"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    contact = Contact.objects.get(email="ann@acme.io")
    event = Event.objects.get(pk=response.json()["id"])
    assert event.contact == contact
    assert contact.company.domain == "acme.io"

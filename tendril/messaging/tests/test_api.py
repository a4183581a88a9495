"""``/api/v1/emails``: making, listing, reading, changing and deleting emails; 422 naming the
field and line of a template error; preview as a contact; a test send that reaches a real SMTP
server; sales reps read but are refused writes and test sends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.services import contact_create
from tendril.messaging.models import Email
from tendril.notifications.tests.mailserver import MailServer, mail_server

pytestmark = pytest.mark.django_db
BODY = {
    "name": "October newsletter",
    "subject": "News for {{ contact.first_name|default('you') }}",
    "html": "<p>Hello {{ contact.first_name }}</p>",
}


def send(client: Client, path: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailServer]:
    with mail_server(settings) as server:
        yield server


def test_a_marketer_makes_reads_changes_and_deletes_an_email(marketer_api: Client) -> None:
    made = send(marketer_api, "/api/v1/emails", BODY)
    assert made.status_code == 201, made.content
    email_id = made.json()["id"]
    assert made.json()["text"] == "" and made.json()["language"] is None

    listed = marketer_api.get("/api/v1/emails?page=1&page_size=10").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "October newsletter"

    changed = send(
        marketer_api, f"/api/v1/emails/{email_id}", {"subject": "New", "language": "vi"}, "patch"
    )
    assert changed.status_code == 200
    assert changed.json()["subject"] == "New" and changed.json()["html"] == BODY["html"]
    assert marketer_api.get(f"/api/v1/emails/{email_id}").json()["language"] == "vi"

    assert marketer_api.delete(f"/api/v1/emails/{email_id}").status_code == 204
    assert marketer_api.get(f"/api/v1/emails/{email_id}").status_code == 404
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"email.create", "email.update", "email.delete"} <= actions


def test_a_template_error_is_422_naming_the_field_and_line(admin_api: Client) -> None:
    body = {**BODY, "html": "<p>one</p>\n<p>two</p>\n{{ contact.first_name }\n"}

    response = send(admin_api, "/api/v1/emails", body)

    assert response.status_code == 422
    assert response.json() == {"detail": "Line 3: unexpected '}'", "field": "html"}
    assert not Email.objects.exists()


def test_a_sandbox_escape_is_422_on_patch_too(admin_api: Client) -> None:
    email_id = send(admin_api, "/api/v1/emails", BODY).json()["id"]

    response = send(
        admin_api, f"/api/v1/emails/{email_id}", {"subject": "{{ ''.__class__ }}"}, "patch"
    )

    assert response.status_code == 422
    assert response.json()["field"] == "subject"
    assert response.json()["detail"].startswith("Line 1:")
    assert Email.objects.get().subject == BODY["subject"]


def test_a_name_taken_in_another_case_is_409(admin_api: Client) -> None:
    send(admin_api, "/api/v1/emails", BODY)

    response = send(admin_api, "/api/v1/emails", {**BODY, "name": "OCTOBER NEWSLETTER"})

    assert response.status_code == 409 and response.json()["field"] == "name"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "x", "html": "y"}, "name"),
        ({"name": "x", "html": "y"}, "subject"),
        ({"name": "x", "subject": "y"}, "html"),
        ({**BODY, "from_email": "not-an-address"}, "from_email"),
        ({**BODY, "language": "fr"}, "language"),
        ({**BODY, "html": 5}, "html"),
        ({**BODY, "surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_422_naming_the_field(admin_api: Client, body: Any, field: str) -> None:
    response = send(admin_api, "/api/v1/emails", body)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_the_preview_is_personalised_for_the_chosen_contact(marketer_api: Client) -> None:
    email_id = send(marketer_api, "/api/v1/emails", BODY).json()["id"]
    contact = contact_create(data={"email": "lan@example.com", "first_name": "Lan"}, by=None)

    preview = send(marketer_api, f"/api/v1/emails/{email_id}/preview", {"contact": contact.pk})
    sample = send(marketer_api, f"/api/v1/emails/{email_id}/preview", {})

    assert preview.status_code == 200
    assert preview.json() == {
        "subject": "News for Lan",
        "html": "<p>Hello Lan</p>",
        "text": "Hello Lan\n",
    }
    assert sample.json()["subject"] == "News for Alex"
    missing = send(marketer_api, f"/api/v1/emails/{email_id}/preview", {"contact": 999999})
    assert missing.status_code == 404


def test_a_test_send_through_the_api_arrives(marketer_api: Client, smtp: MailServer) -> None:
    email_id = send(marketer_api, "/api/v1/emails", BODY).json()["id"]

    response = send(marketer_api, f"/api/v1/emails/{email_id}/test", {"to": "me@example.com"})

    assert response.status_code == 200, response.content
    [message] = smtp.messages
    assert response.json()["message_id"] == message["Message-ID"]
    assert str(message["Subject"]) == response.json()["subject"] == "[Test] News for Alex"


def test_a_test_send_to_a_server_that_is_down_is_409_with_a_message(
    marketer_api: Client, settings: Any
) -> None:
    email_id = send(marketer_api, "/api/v1/emails", BODY).json()["id"]

    with mail_server(settings, up=False):
        response = send(marketer_api, f"/api/v1/emails/{email_id}/test", {"to": "me@example.com"})

    assert response.status_code == 409
    assert "mail server could not be reached" in response.json()["detail"]


def test_sales_reps_read_emails_but_cannot_write_or_send(
    sales_api: Client, admin_api: Client, smtp: MailServer
) -> None:
    email_id = send(admin_api, "/api/v1/emails", BODY).json()["id"]

    assert sales_api.get("/api/v1/emails").json()["count"] == 1
    assert sales_api.get(f"/api/v1/emails/{email_id}").status_code == 200
    assert send(sales_api, f"/api/v1/emails/{email_id}/preview", {}).status_code == 200
    assert send(sales_api, "/api/v1/emails", {**BODY, "name": "Mine"}).status_code == 403
    patch = send(sales_api, f"/api/v1/emails/{email_id}", {"name": "Mine"}, "patch")
    assert patch.status_code == 403
    assert sales_api.delete(f"/api/v1/emails/{email_id}").status_code == 403
    test = send(sales_api, f"/api/v1/emails/{email_id}/test", {"to": "me@example.com"})
    assert test.status_code == 403
    assert not smtp.messages
    assert Email.objects.get().name == BODY["name"]


def test_a_template_that_fails_for_the_chosen_contact_is_422_naming_the_email(
    marketer_api: Client, smtp: MailServer
) -> None:
    body = {"name": "Budget", "subject": "x", "html": "<p>{{ 100 // contact.score }}</p>"}
    email_id = send(marketer_api, "/api/v1/emails", body).json()["id"]
    contact = contact_create(data={"email": "zero@example.com"}, by=None)  # score 0

    preview = send(marketer_api, f"/api/v1/emails/{email_id}/preview", {"contact": contact.pk})
    test = send(
        marketer_api, f"/api/v1/emails/{email_id}/test", {"to": "me@x.io", "contact": contact.pk}
    )

    for response in (preview, test):
        assert response.status_code == 422
        assert response.json()["field"] == "html"
        assert (
            "“Budget” could not be personalised (line 1 of the html)" in response.json()["detail"]
        )
    assert not smtp.messages

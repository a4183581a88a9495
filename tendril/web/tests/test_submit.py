"""A visitor submits a form: the contact is made or updated from the mapped fields,
``form_submit`` is recorded as the visitor (their anonymous history joins the contact), consent
is stored with the exact text they ticked, and messages name each bad field in the visitor's
language. Spam is answered like a success and stores nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from tendril.contacts.models import Consent, Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core import clock
from tendril.core.models import Event
from tendril.web.models import Form, FormConsent
from tendril.web.services import MAX_PER_MINUTE, form_create, render_token

pytestmark = pytest.mark.django_db
VISITOR = "visitor0123456789"
CONSENT = "Yes, send me the newsletter about marketing automation. I can unsubscribe any time."


@pytest.fixture
def form() -> Form:
    return form_create(
        data={
            "name": "Ebook download",
            "fields": [
                {"key": "email", "label": "Email"},
                {"key": "first_name", "label": "First name", "required": True},
                {"key": "company", "label": "Company"},
                {"key": "utm_campaign"},
            ],
            "consent_text": CONSENT,
            "thank_you": "Thanks, the ebook is on its way.",
        },
        by=None,
    )


def shown_earlier() -> str:
    """The form's timing token, as if the page was shown a minute ago."""
    with time_machine.travel(clock.now().timestamp() - 60, tick=False):
        return render_token()


def post(client: Client, form: Form, **values: Any) -> Any:
    body = {
        "_t": shown_earlier(),
        "_v": VISITOR,
        "_page": "https://shop.example.com/ebook",
        **values,
    }
    return client.post(f"/f/{form.key}", body)


def test_a_submission_makes_the_contact_records_form_submit_and_joins_the_visit_history(
    client: Client, form: Form
) -> None:
    earlier = EventFactory(
        contact_id=None,
        visitor_id=VISITOR,
        type="page_view",
        properties={"url": "https://shop.example.com/"},
    )
    response = post(
        client,
        form,
        email="Hang@Example.com",
        first_name="Hằng",
        company="Brightloop",
        utm_campaign="spring",
        consent="on",
    )
    assert response.status_code == 200
    assert "Thanks, the ebook is on its way." in response.content.decode()
    contact = Contact.objects.get(email="hang@example.com")
    assert contact.first_name == "Hằng" and contact.company is not None
    assert contact.company.name == "Brightloop"
    submitted = Event.objects.get(type="form_submit")
    assert submitted.contact_id == contact.pk
    assert submitted.properties == {
        "form": "Ebook download",
        "form_id": form.pk,
        "utm_campaign": "spring",
        "url": "https://shop.example.com/ebook",
    }
    earlier.refresh_from_db()
    assert earlier.contact_id == contact.pk  # the anonymous visit joined the contact
    consent = Consent.objects.get(contact=contact, channel="email")
    assert consent.status == "granted" and consent.method == "form"
    assert FormConsent.objects.get(contact_id=contact.pk).consent_text == CONSENT


def test_an_unticked_consent_box_gives_no_consent(client: Client, form: Form) -> None:
    post(client, form, email="a@example.com", first_name="A")
    assert not Consent.objects.exists() and not FormConsent.objects.exists()


def test_a_known_contact_is_updated_not_duplicated(client: Client, form: Form) -> None:
    known = ContactFactory(email="a@example.com", first_name="Old")
    post(client, form, email="A@example.com", first_name="New")
    known.refresh_from_db()
    assert known.first_name == "New" and Contact.objects.count() == 1


def test_bad_fields_are_named_in_the_visitors_language_and_nothing_is_stored(
    client: Client, form: Form
) -> None:
    response = post(client, form, email="not an email", first_name="", lang="vi")
    assert response.status_code == 422
    page = response.content.decode()
    assert 'lang="vi"' in page
    assert "Trường này là bắt buộc." in page  # first_name is required
    assert 'aria-invalid="true"' in page
    assert not Contact.objects.exists() and not Event.objects.filter(type="form_submit").exists()


def test_a_json_submission_from_an_integration_gets_json_answers(
    client: Client, form: Form
) -> None:
    bad = client.post(f"/f/{form.key}", json.dumps({"email": "x"}), content_type="application/json")
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"email", "first_name"}
    good = client.post(
        f"/f/{form.key}",
        json.dumps({"email": "b@example.com", "first_name": "B"}),
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json() == {"ok": True, "redirect_url": None}
    assert Contact.objects.filter(email="b@example.com").exists()


def test_a_form_with_an_address_to_go_to_redirects_there(client: Client, form: Form) -> None:
    form.redirect_url = "https://shop.example.com/thanks"
    form.save()
    response = post(client, form, email="c@example.com", first_name="C")
    assert response.status_code == 302 and response["Location"] == "https://shop.example.com/thanks"


@pytest.mark.parametrize("trap", ["honeypot", "too fast", "no timing", "forged timing"])
def test_robots_are_thanked_and_nothing_is_stored(client: Client, form: Form, trap: str) -> None:
    values: dict[str, Any] = {"email": "bot@example.com", "first_name": "Bot", "_v": VISITOR}
    if trap == "honeypot":
        values |= {"_t": shown_earlier(), "website": "http://spam.example"}
    elif trap == "too fast":
        values["_t"] = render_token()
    elif trap == "forged timing":
        values["_t"] = "1700000000:forged"
    response = client.post(f"/f/{form.key}", values)
    assert response.status_code == 200
    assert not Contact.objects.exists() and not Event.objects.exists()


def test_a_flood_from_one_address_is_cut_off(client: Client, form: Form) -> None:
    for n in range(MAX_PER_MINUTE + 3):
        post(client, form, email=f"p{n}@example.com", first_name="P")
    assert Contact.objects.count() == MAX_PER_MINUTE


def test_hostile_text_is_stored_as_text_and_escaped_on_the_page(client: Client, form: Form) -> None:
    hostile = "<script>alert(1)</script>"
    post(client, form, email="d@example.com", first_name=hostile)
    assert Contact.objects.get(email="d@example.com").first_name == hostile
    again = post(client, form, email="bad", first_name=hostile)
    assert hostile not in again.content.decode()
    assert "&lt;script&gt;" in again.content.decode()


def test_the_page_can_be_framed_and_carries_the_visitor_and_campaign(
    client: Client, form: Form
) -> None:
    page = client.get(f"/f/{form.key}?v={VISITOR}&utm_campaign=spring&lang=th")
    assert page.status_code == 200
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    assert "X-Frame-Options" not in page
    html = page.content.decode()
    assert f'value="{VISITOR}"' in html and 'value="spring"' in html and 'lang="th"' in html
    script = client.get(f"/f/{form.key}/embed.js")
    assert script.status_code == 200 and f"/f/{form.key}" in script.content.decode()
    assert client.get("/f/no-such-form").status_code == 404

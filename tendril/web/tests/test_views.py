"""The Forms screens: marketing builds forms row by row (rows added, emptied and removed), a
service's message lands on the row and column it names, every role reads the list and a form's
page (its tags and latest submissions), and a sales rep changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.services import custom_field_create
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core import clock
from tendril.web.models import Form
from tendril.web.services import form_create

pytestmark = pytest.mark.django_db
FIELDS = [
    {"key": "email", "label": "Email"},
    {"key": "first_name", "label": "First name"},
    {"key": "fields.plan", "label": "Plan", "type": "select", "options": ["Free", "Pro"]},
]


@pytest.fixture
def form(db: Any) -> Form:
    custom_field_create(key="plan", label="Plan wanted", type="text", by=None)
    return form_create(
        data={"name": "Webinar", "fields": FIELDS, "consent_text": "Send me news"}, by=None
    )


@pytest.fixture
def marketing(client: Client, marketer: AbstractUser) -> Client:
    client.force_login(marketer)
    return client


def builder_post(rows: list[dict[str, Any]], *, add: bool = False, **settings: Any) -> dict:
    """What the builder's page posts: its settings and its rows, as the browser sends them."""
    data: dict[str, Any] = {
        "name": "Newsletter",
        "consent_text": "",
        "thank_you": "",
        "redirect_url": "",
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "32",
        **settings,
    }
    for i, row in enumerate(rows):
        for column in ("key", "label", "type", "options"):
            data[f"fields-{i}-{column}"] = row.get(column, "text" if column == "type" else "")
        for column in ("required", "remove"):
            if row.get(column):
                data[f"fields-{i}-{column}"] = "on"
    data["add_field" if add else "save"] = "1"
    return data


def test_the_list_shows_each_forms_fields_opt_in_and_submissions_of_the_last_30_days(
    client: Client, sales_rep: AbstractUser, form: Form
) -> None:
    contact = ContactFactory()
    for days_ago in (1, 3, 40):
        EventFactory(
            contact_id=contact.pk,
            type="form_submit",
            properties={"form_id": form.pk, "form": form.name},
            occurred_at=clock.now() - timedelta(days=days_ago),
        )
    EventFactory(contact_id=contact.pk, type="form_submit", properties={"form_id": form.pk + 1})
    client.force_login(sales_rep)

    response = client.get("/forms/")

    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (row["form"], row["submissions"]) == (form, 2)
    html = response.content.decode()
    assert f'href="/forms/{form.pk}/"' in html
    assert 'href="/forms/new/"' not in html  # read-only for sales


def test_the_menu_leads_to_the_forms_list(marketing: Client) -> None:
    html = marketing.get("/settings/").content.decode()

    assert 'href="/forms/"' in html
    assert "/coming/web/" not in html


def test_a_new_form_starts_with_its_email_row_and_empty_rows(marketing: Client) -> None:
    response = marketing.get("/forms/new/")

    rows = response.context["rows"]
    assert [row.initial.get("key") for row in rows.forms] == ["email", None, None]
    assert 'name="fields-0-key"' in response.content.decode()


def test_a_marketer_makes_a_form_from_rows_skipping_empty_and_removed_ones(
    marketing: Client,
) -> None:
    custom_field_create(key="plan", label="Plan wanted", type="text", by=None)
    rows = [
        {"key": "email", "label": "Your email", "type": "email", "required": True},
        {"key": "first_name", "label": "First name"},
        {"key": "phone", "label": "Phone", "remove": True},
        {"key": "fields.plan", "label": "Plan", "type": "select", "options": "Free\r\n\r\nPro\n"},
        {},
    ]

    response = marketing.post(
        "/forms/new/", builder_post(rows, consent_text="Send me news", double_opt_in="on")
    )

    made = Form.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/forms/{made.pk}/"
    assert [f["key"] for f in made.fields] == ["email", "first_name", "fields.plan"]
    assert made.fields[2]["options"] == ["Free", "Pro"]
    assert made.double_opt_in and made.consent_text == "Send me news"


def test_add_a_field_shows_one_more_row_and_saves_nothing(marketing: Client) -> None:
    response = marketing.post(
        "/forms/new/", builder_post([{"key": "email", "label": "Email"}], add=True)
    )

    assert response.status_code == 200
    assert len(response.context["rows"].forms) == 2
    assert response.context["rows"].forms[0]["label"].value() == "Email"
    assert not Form.objects.exists()


def test_a_bad_field_is_shown_on_its_row_and_column(marketing: Client) -> None:
    rows = [
        {"key": "email", "label": "Email"},
        {},  # an empty row the service never sees: the error is still on the right row
        {"key": "first_name", "label": "Name"},
        {"key": "company", "label": "Company", "type": "select", "options": ""},
    ]

    response = marketing.post("/forms/new/", builder_post(rows))

    assert response.status_code == 422
    forms = response.context["rows"].forms
    assert forms[3].errors == {"options": ["A list field needs 1 to 50 options."]}
    assert not any(forms[i].errors for i in (0, 1, 2))
    html = response.content.decode()
    row = html[html.index('data-row="3"') :]
    assert row.index("A list field needs 1 to 50 options.") < row.index("</tr>")
    assert not Form.objects.exists()


def test_a_field_asked_twice_is_shown_on_the_second_row(marketing: Client) -> None:
    rows = [{"key": "email", "label": "Email"}, {"key": "email", "label": "Again"}]

    response = marketing.post("/forms/new/", builder_post(rows))

    assert response.status_code == 422
    assert response.context["rows"].forms[1].errors["key"] == ["The form asks for 'email' twice."]


def test_a_form_without_email_says_so_above_the_table(marketing: Client) -> None:
    response = marketing.post("/forms/new/", builder_post([{"key": "phone", "label": "Phone"}]))

    assert response.status_code == 422
    assert response.context["rows_message"] == (
        "A form needs an email field: it is who the person is."
    )
    assert "A form needs an email field" in response.content.decode()


def test_a_settings_error_lands_on_its_input(marketing: Client, form: Form) -> None:
    rows = [{"key": "email", "label": "Email"}]

    taken = marketing.post("/forms/new/", builder_post(rows, name="webinar"))
    bad_url = marketing.post("/forms/new/", builder_post(rows, redirect_url="ftp://x"))

    assert taken.context["settings_form"].errors == {
        "name": ["There is already a form named 'webinar'."]
    }
    assert bad_url.context["settings_form"].errors == {
        "redirect_url": ["The address to go to is an http or https address."]
    }


def test_editing_shows_the_form_and_saves_its_changes(marketing: Client, form: Form) -> None:
    page = marketing.get(f"/forms/{form.pk}/edit/")
    rows = page.context["rows"].forms
    assert [r.initial.get("key") for r in rows] == [
        "email",
        "first_name",
        "fields.plan",
        None,
        None,
    ]
    assert rows[2].initial["options"] == "Free\nPro"
    assert page.context["settings_form"].initial["consent_text"] == "Send me news"

    response = marketing.post(
        f"/forms/{form.pk}/edit/",
        builder_post(
            [
                {"key": "email", "label": "Email", "type": "email"},
                {"key": "first_name", "label": "First name", "remove": True},
                {"key": "last_name", "label": "Family name", "required": True},
            ],
            name="Webinar 2",
        ),
    )

    assert response.status_code == 302
    form.refresh_from_db()
    assert form.name == "Webinar 2"
    assert [(f["key"], f["required"]) for f in form.fields] == [
        ("email", True),
        ("last_name", True),
    ]


def test_the_forms_page_shows_its_fields_tags_and_latest_submissions(
    client: Client, sales_rep: AbstractUser, form: Form, settings: Any
) -> None:
    settings.BASE_URL = "https://tendril.example"
    contact = ContactFactory(first_name="Lan", last_name="Pham", email="lan@example.com")
    for minutes in range(12):
        EventFactory(
            contact_id=contact.pk,
            type="form_submit",
            properties={"form_id": form.pk, "url": f"https://shop.example/p{minutes}"},
            occurred_at=clock.now() - timedelta(minutes=minutes),
        )
    client.force_login(sales_rep)

    response = client.get(f"/forms/{form.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["submission_count"] == 12
    assert len(response.context["submissions"]) == 10
    assert "Plan wanted" in html and "List of options" in html
    script = f"https://tendril.example/f/{form.key}/embed.js"
    assert f"&lt;script async src=&quot;{script}&quot;&gt;&lt;/script&gt;" in html
    assert f"&lt;iframe src=&quot;https://tendril.example/f/{form.key}&quot;" in html
    assert f'href="https://tendril.example/f/{form.key}" target="_blank"' in html
    assert 'data-copy="#form-embed-code"' in html
    assert f'href="/contacts/{contact.pk}/"' in html and "lan@example.com" in html
    assert "https://shop.example/p0" in html and "https://shop.example/p11" not in html
    assert f'href="/forms/{form.pk}/edit/"' not in html


def test_a_marketer_deletes_a_form_after_confirming(marketing: Client, form: Form) -> None:
    asked = marketing.get(f"/forms/{form.pk}/delete/")
    assert asked.status_code == 200 and "Delete the form Webinar?" in asked.content.decode()

    response = marketing.post(f"/forms/{form.pk}/delete/", {"confirm": "yes"})

    assert response.status_code == 302 and response["Location"] == "/forms/"
    assert not Form.objects.exists()
    assert AuditEntry.objects.filter(action="form.delete", target_id=form.pk).exists()


@pytest.mark.parametrize("path", ["new/", "{pk}/edit/", "{pk}/delete/"])
def test_a_sales_rep_can_change_nothing(
    client: Client, sales_rep: AbstractUser, form: Form, path: str
) -> None:
    client.force_login(sales_rep)
    url = "/forms/" + path.format(pk=form.pk)

    assert client.get(url).status_code == 403
    assert client.post(url, builder_post([{"key": "email"}], name="X")).status_code == 403
    assert Form.objects.get().name == "Webinar"


def test_an_unknown_form_is_not_found(marketing: Client) -> None:
    assert marketing.get("/forms/999/").status_code == 404
    assert marketing.get("/forms/999/edit/").status_code == 404


def test_hostile_names_and_labels_are_shown_as_text(marketing: Client) -> None:
    hostile = "<script>alert(1)</script>"
    form = form_create(
        data={"name": hostile, "fields": [{"key": "email", "label": hostile}]}, by=None
    )

    pages = [marketing.get(url).content.decode() for url in ("/forms/", f"/forms/{form.pk}/")]
    pages.append(marketing.get(f"/forms/{form.pk}/edit/").content.decode())

    for html in pages:
        assert hostile not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

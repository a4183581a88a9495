"""The email screens: list, editor (from a starter, template errors on their field with the
line), the email's page with its preview as a chosen contact in a locked-down frame, a test
send that reaches a real SMTP server, deletion; sales reps read but are refused the rest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.services import contact_create
from tendril.messaging.models import Email
from tendril.messaging.services import email_create
from tendril.messaging.views import FRAME_POLICY
from tendril.notifications.tests.mailserver import MailServer, mail_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailServer]:
    with mail_server(settings) as server:
        yield server


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def email() -> Email:
    return email_create(
        data={
            "name": "Spring <news>",
            "subject": "Hi {{ contact.first_name|default('there', true) }}",
            "html": "<p>Hello {{ contact.name }}</p>",
        },
        by=None,
    )


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Launch",
        "subject": "Big news",
        "html": "<p>Hi</p>",
        "text": "",
        "from_name": "",
        "from_email": "",
        "language": "",
    }
    return {**data, **changes}


def test_the_list_shows_emails_escaped_and_the_new_button_to_marketers(
    marketer: User, sales_rep: User, email: Email
) -> None:
    page = signed_in(marketer).get("/emails/")
    sales_page = signed_in(sales_rep).get("/emails/")

    assert page.status_code == 200
    assert "Spring &lt;news&gt;" in page.text and "<news>" not in page.text
    assert 'href="/emails/new/"' in page.text
    assert sales_page.status_code == 200 and 'href="/emails/new/"' not in sales_page.text


def test_a_starter_fills_the_new_email_and_saving_it_makes_the_email(marketer: User) -> None:
    client = signed_in(marketer)

    page = client.get("/emails/new/?starter=webinar-vi")

    assert page.status_code == 200
    assert "Thư mời hội thảo trực tuyến (Tiếng Việt)" in page.text
    assert "Giữ chỗ cho tôi" in page.text  # the starter's HTML in the editor
    html = page.context["form"].initial["html"]
    saved = client.post(
        "/emails/new/",
        form_data(name="Webinar VN", subject="Mời bạn", html=html, language="vi"),
    )
    made = Email.objects.get(name="Webinar VN")
    assert saved.status_code == 302 and saved["Location"] == f"/emails/{made.pk}/"
    assert made.language == "vi" and "Giữ chỗ cho tôi" in made.html


def test_a_template_error_is_shown_on_its_field_with_the_line(marketer: User) -> None:
    response = signed_in(marketer).post(
        "/emails/new/", form_data(html="<p>a</p>\n{{ ''.__class__ }}")
    )

    assert response.status_code == 422
    assert response.context["form"].errors["html"][0].startswith("Line 2:")
    assert not Email.objects.exists()


def test_editing_saves_and_reports_a_subject_error(marketer: User, email: Email) -> None:
    client = signed_in(marketer)

    bad = client.post(f"/emails/{email.pk}/edit/", form_data(subject="{{ oops }"))
    good = client.post(f"/emails/{email.pk}/edit/", form_data(name="Renamed"))

    assert bad.status_code == 422
    assert bad.context["form"].errors["subject"][0].startswith("Line 1:")
    assert good.status_code == 302
    email.refresh_from_db()
    assert email.name == "Renamed" and email.updated_by == marketer


def test_the_preview_as_a_contact_names_them_and_frames_the_html(
    marketer: User, email: Email
) -> None:
    contact = contact_create(
        data={"email": "hang@saomai.vn", "first_name": "Thị Hằng", "last_name": "Nguyễn",
              "language": "vi"},
        by=None,
    )  # fmt: skip
    client = signed_in(marketer)

    page = client.get(f"/emails/{email.pk}/?contact=HANG@saomai.vn")
    frame = client.get(f"/emails/{email.pk}/frame/?contact={contact.pk}")
    unknown = client.get(f"/emails/{email.pk}/?contact=nobody@example.com")

    assert page.status_code == 200
    assert page.context["rendered"].subject == "Hi Thị Hằng"
    assert f'src="/emails/{email.pk}/frame/?contact={contact.pk}"' in page.text
    assert 'sandbox=""' in page.text
    assert frame.text == "<p>Hello Nguyễn Thị Hằng</p>"
    assert frame["Content-Security-Policy"] == FRAME_POLICY
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert "There is no contact with the email nobody@example.com." in unknown.text


def test_a_test_send_from_the_screen_arrives(
    marketer: User, email: Email, smtp: MailServer
) -> None:
    contact = contact_create(data={"email": "lan@example.com", "first_name": "Lan"}, by=None)

    response = signed_in(marketer).post(
        f"/emails/{email.pk}/test/",
        {"to": "me@example.com", "contact": str(contact.pk)},
        follow=True,
    )

    assert "A test was sent to me@example.com." in response.text
    [message] = smtp.messages
    assert str(message["Subject"]) == "[Test] Hi Lan"


def test_a_mail_server_that_is_down_is_reported_on_the_page(
    marketer: User, email: Email, settings: Any
) -> None:
    with mail_server(settings, up=False):
        response = signed_in(marketer).post(
            f"/emails/{email.pk}/test/", {"to": "me@example.com"}, follow=True
        )

    assert response.status_code == 200
    assert "The mail server could not be reached" in response.text


def test_deleting_asks_first(marketer: User, email: Email) -> None:
    client = signed_in(marketer)

    asked = client.get(f"/emails/{email.pk}/delete/")
    done = client.post(f"/emails/{email.pk}/delete/", {"confirm": "yes"})

    assert asked.status_code == 200 and "Delete the email Spring &lt;news&gt;?" in asked.text
    assert done.status_code == 302
    assert not Email.objects.exists()


def test_sales_reps_read_and_preview_but_cannot_write_or_send(
    sales_rep: User, email: Email, smtp: MailServer
) -> None:
    client = signed_in(sales_rep)

    assert client.get(f"/emails/{email.pk}/").status_code == 200
    assert client.get(f"/emails/{email.pk}/frame/").status_code == 200
    assert client.get("/emails/new/").status_code == 403
    assert client.post("/emails/new/", form_data()).status_code == 403
    assert client.post(f"/emails/{email.pk}/edit/", form_data()).status_code == 403
    assert client.post(f"/emails/{email.pk}/test/", {"to": "me@example.com"}).status_code == 403
    assert client.post(f"/emails/{email.pk}/delete/", {"confirm": "yes"}).status_code == 403
    assert Email.objects.count() == 1 and not smtp.messages


@pytest.mark.parametrize(
    ("language", "words"),
    [("vi", ["Email mới", "Các email marketing của bạn"]), ("th", ["อีเมลใหม่", "อีเมลการตลาด"])],
)
def test_the_screens_read_vietnamese_and_thai(
    marketer: User, email: Email, language: str, words: list[str]
) -> None:
    marketer.language = language
    marketer.save(update_fields=["language"])
    client = signed_in(marketer)

    listed = client.get("/emails/").text
    editor = client.get("/emails/new/?starter=welcome-th").text
    detail = client.get(f"/emails/{email.pk}/").text

    assert all(word in listed for word in words)
    assert "ยินดีต้อนรับ" in editor
    test_word = {"vi": "Gửi thư thử", "th": "ส่งอีเมลทดสอบ"}[language]
    assert test_word in detail

"""The form builder in a real browser: a marketer opens Forms & pages from the menu, builds a
form row by row (email, first name, a list of two plans; a list without options is refused on
its row first), with a consent text, sees the tags to paste, and the form's public page asks
exactly those fields. The builder and a form's page with its latest submission read
Vietnamese. The pages run under the Content-Security-Policy: a refused script is a console
error, which fails the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.services import custom_field_create
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.web.models import Form
from tendril.web.services import form_create

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"forms_{name}.png"), full_page=True)


@pytest.fixture
def tendril_here(settings: Any, live_server: Any) -> str:
    """The tags name TENDRIL_BASE_URL: here, the test server."""
    settings.BASE_URL = live_server.url
    return str(live_server.url)


def row(page: Page, index: int) -> Any:
    return page.locator(f'tr[data-row="{index}"]')


def test_a_marketer_builds_a_form_and_its_public_page_asks_its_fields(
    sign_in: Callable[[User], Page], marketer: User, tendril_here: str
) -> None:
    custom_field_create(key="plan", label="Plan wanted", type="text", by=None)
    page = sign_in(marketer)
    page.goto("/")
    page.locator(".nav").get_by_role("link", name="Forms & pages").click()
    expect(page.get_by_role("heading", name="Forms")).to_be_visible()
    expect(page.get_by_text("There are no forms yet.")).to_be_visible()
    page.get_by_role("link", name="New form").click()

    page.get_by_label("Name").fill("Webinar sign-up")
    expect(row(page, 0).get_by_label("Contact field")).to_have_value("email")
    row(page, 1).get_by_label("Contact field").select_option("first_name")
    row(page, 1).get_by_label("Label").fill("First name")
    row(page, 2).get_by_label("Contact field").select_option(label="Plan wanted")
    row(page, 2).get_by_label("Label").fill("Plan")
    row(page, 2).get_by_label("Type").select_option("select")
    page.get_by_role("button", name="Add a field").click()
    expect(page.locator("tr[data-row]")).to_have_count(4)
    expect(row(page, 1).get_by_label("Label")).to_have_value("First name")
    page.get_by_label("Consent text").fill("Send me news about webinars")
    page.get_by_role("button", name="Make the form").click()

    expect(row(page, 2).locator(".errorlist")).to_have_text("A list field needs 1 to 50 options.")
    expect(page.get_by_label("Consent text")).to_have_value("Send me news about webinars")
    shot(page, "error")
    row(page, 2).get_by_label("Options").fill("Free\nPro")
    page.get_by_role("button", name="Make the form").click()

    expect(page.get_by_role("heading", name="Webinar sign-up")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("The form Webinar sign-up was made")
    form = Form.objects.get()
    assert [f["key"] for f in form.fields] == ["email", "first_name", "fields.plan"]
    assert form.fields[2]["options"] == ["Free", "Pro"]
    tag = f'<script async src="{tendril_here}/f/{form.key}/embed.js"></script>'
    expect(page.get_by_label("Embed tag")).to_have_value(tag)
    expect(page.get_by_label("Frame tag")).to_contain_text(f'src="{tendril_here}/f/{form.key}"')
    expect(page.locator("#form-fields tbody tr")).to_have_count(3)
    shot(page, "page")

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the form's page").click()
    public = opened.value
    public.wait_for_load_state()
    assert public.url == f"{tendril_here}/f/{form.key}"
    expect(public.get_by_label("Email")).to_be_visible()
    expect(public.get_by_label("First name")).to_be_visible()
    expect(public.get_by_label("Plan").locator("option")).to_contain_text(["Free", "Pro"])
    expect(public.get_by_text("Send me news about webinars")).to_be_visible()
    public.screenshot(path=str(SHOTS / "forms_public.png"), full_page=True)
    public.close()

    page.locator(".nav").get_by_role("link", name="Forms & pages").click()
    listed = page.locator("table.form-list tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Webinar sign-up")
    shot(page, "list")


@pytest.mark.parametrize("context_options", [{"locale": "vi-VN"}])
def test_the_form_builder_reads_vietnamese(
    sign_in: Callable[[User], Page], marketer: User, tendril_here: str
) -> None:
    page = sign_in(marketer)
    page.goto("/")
    page.locator(".nav").get_by_role("link", name="Biểu mẫu & trang").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("link", name="Biểu mẫu mới").click()
    expect(page.get_by_role("heading", name="Các trường")).to_be_visible()
    expect(page.get_by_role("button", name="Thêm trường")).to_be_visible()
    expect(page.get_by_role("button", name="Tạo biểu mẫu")).to_be_visible()
    shot(page, "new_vi")

    form = form_create(
        data={"name": "Đăng ký hội thảo", "fields": [{"key": "email", "label": "Email"}]}, by=None
    )
    contact = ContactFactory(first_name="Hằng", last_name="Nguyễn", language="vi")
    long_page = "https://cuahang.example.vn/hoi-thao/" + "dang-ky-" * 20 + "?utm_source=zalo"
    EventFactory(
        contact_id=contact.pk, type="form_submit", properties={"form_id": form.pk, "url": long_page}
    )
    page.goto(f"/forms/{form.pk}/")
    submissions = page.locator("#form-submissions")
    expect(submissions).to_contain_text("1 trong 30 ngày qua")
    expect(submissions.get_by_role("link", name="Nguyễn Hằng")).to_be_visible()
    expect(submissions).to_contain_text(long_page)
    shot(page, "page_vi")

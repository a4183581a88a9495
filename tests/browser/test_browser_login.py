from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User

pytestmark = pytest.mark.browser


def test_a_wrong_password_shows_an_error_and_the_right_one_opens_the_dashboard(
    page: Page, marketer: User
) -> None:
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")

    page.get_by_label("Email").fill(marketer.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")

    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator(".sidebar")).to_contain_text("Marketer Tester")
    expect(page.locator(".nav a.active")).to_have_text("Dashboard")

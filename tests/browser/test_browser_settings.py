from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import ApiKey, User
from tendril.accounts.services import apikey_authenticate

pytestmark = pytest.mark.browser


def test_creating_an_api_key_shows_its_secret(
    sign_in: Callable[[User], Page], admin_user: User
) -> None:
    page = sign_in(admin_user)
    page.goto("/")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="API keys").click()

    page.get_by_label("Name").fill("CRM sync")
    page.get_by_label("Role").select_option("sales")
    page.get_by_role("button", name="Create the key").click()

    expect(page.get_by_text("shown only this once")).to_be_visible()
    secret = page.get_by_label("API key").input_value()
    assert secret.startswith("tdl_")
    assert apikey_authenticate(secret=secret) == ApiKey.objects.get(name="CRM sync")

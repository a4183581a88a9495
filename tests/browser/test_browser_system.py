"""The System screen as an admin uses it: find a parked event, retry it once fixed, skip one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.core.models import DeadLetter

pytestmark = pytest.mark.browser


def test_an_admin_finds_a_parked_event_and_retries_it_once_fixed(
    sign_in: Callable[[User], Page], admin_user: User, poisoned: DeadLetter
) -> None:
    page = sign_in(admin_user)
    page.goto("/")
    page.get_by_role("link", name="System").click()

    consumers = page.locator("section", has_text="Event consumers")
    expect(consumers.get_by_role("row", name="test.picky")).to_contain_text("1")
    parked = page.locator("section", has_text="Parked events").get_by_role("row", name="test.picky")
    expect(parked).to_contain_text("ValueError: no poison please")

    parked.get_by_role("button", name="Retry").click()
    expect(page.get_by_text("The event failed again: ValueError: no poison please")).to_be_visible()

    poisoned.fix()
    page.locator("section", has_text="Parked events").get_by_role("button", name="Retry").click()

    expect(page.get_by_text("The event was delivered.")).to_be_visible()
    expect(page.get_by_text("Nothing is parked.")).to_be_visible()
    assert DeadLetter.objects.get(pk=poisoned.pk).status == "retried"


def test_an_admin_skips_a_parked_event(
    sign_in: Callable[[User], Page], admin_user: User, poisoned: DeadLetter
) -> None:
    page = sign_in(admin_user)
    page.goto("/system/")

    page.get_by_role("button", name="Skip").click()

    expect(page.get_by_text("The event was skipped.")).to_be_visible()
    page.screenshot(path="/tmp/system-skipped.png", full_page=True)
    assert DeadLetter.objects.get(pk=poisoned.pk).status == "skipped"

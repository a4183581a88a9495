"""A marketer merges a duplicate into a contact from the contact's page: names it by email,
reads who it is and what will move, confirms, and lands back on the contact with its history."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.models import Contact
from tendril.contacts.services import contact_create
from tendril.core.services import event_record

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def test_a_marketer_merges_a_duplicate_from_the_contact_page(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    SHOTS.mkdir(exist_ok=True)
    keep = contact_create(data={"email": "linh@acme.test", "first_name": "Linh"}, by=None)
    gone = contact_create(
        data={
            "email": "linh.nguyen@gmail.test",
            "first_name": "Linh",
            "last_name": "Nguyen",
            "phone": "+84 90 123 4567",
        },
        by=None,
    )
    for page_url in ("https://acme.test/pricing", "https://acme.test/demo"):
        event_record(contact_id=gone.pk, type="page_view", properties={"url": page_url})
    page = sign_in(marketer)
    page.goto(f"/contacts/{keep.pk}/")

    page.get_by_role("link", name="Merge with another contact…").click()
    page.get_by_label("Email address of the duplicate").fill("linh.nguyen@gmail.test")
    page.screenshot(path=str(SHOTS / "merge_1_name.png"), full_page=True)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Merge Linh Nguyen into Linh?")
    expect(page.locator("main")).to_contain_text(
        "Linh Nguyen's 3 events, score history and memberships move to Linh"
    )
    page.screenshot(path=str(SHOTS / "merge_2_confirm.png"), full_page=True)
    page.get_by_role("button", name="Merge").click()

    expect(page).to_have_url(f"/contacts/{keep.pk}/")
    expect(page.locator("main")).to_contain_text(
        "linh.nguyen@gmail.test was merged into this contact."
    )
    expect(page.locator("#details")).to_contain_text("+84 90 123 4567")
    expect(page.locator("main")).to_contain_text(
        "Marketer merged the duplicate Linh Nguyen into this contact"
    )
    page.screenshot(path=str(SHOTS / "merge_3_done.png"), full_page=True)
    assert not Contact.objects.filter(pk=gone.pk).exists()

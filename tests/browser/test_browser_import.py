"""A marketer imports a file with a known contact, a repeated email and a bad row, reads counts
that add up, then undoes the import by typing the number of contacts it created (a wrong
number is refused in test_import_undo.py: the 422 it answers is a console error here)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.models import Contact
from tendril.contacts.services import contact_create

pytestmark = pytest.mark.browser

MIXED = (
    "email,first_name\n"
    "ann@acme.io,Ann\n"
    "bo@beta.io,Bo\n"
    "not-an-email,X\n"
    "BO@beta.io,Bobby\n"
    "cy@gamma.io,Cy\n"
)


@pytest.fixture(autouse=True)
def imports_here(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.BROKER_URL = ""  # the import runs in the server's process, as in ``tendril run``


def test_an_import_shows_counts_that_add_up_and_can_be_undone(
    page: Page, sign_in: Callable[[User], Page], marketer: User, tmp_path: Path
) -> None:
    contact_create(data={"email": "ann@acme.io", "first_name": "Ann"}, by=None)
    source = tmp_path / "spring-fair.csv"
    source.write_text(MIXED)
    sign_in(marketer)

    page.goto("/contacts/import/")
    page.set_input_files("input[type=file]", str(source))
    page.get_by_role("button", name="Upload and check the columns").click()
    expect(page.get_by_text("is not started by")).to_be_visible()
    page.screenshot(path="/tmp/h7-import-preview.png", full_page=True)
    page.get_by_role("button", name="Start the import").click()

    summary = page.locator("[data-summary]")
    expect(summary).to_have_text(
        "5 rows read: 2 created, 1 updated, 1 merged into an earlier row, 1 rejected."
    )
    expect(page.locator('[data-figure="merged"]')).to_have_text("1")
    expect(
        page.get_by_role("cell", name="'not-an-email' is not a valid email address")
    ).to_be_visible()
    page.screenshot(path="/tmp/h7-import-status.png", full_page=True)

    page.get_by_role("link", name="Delete the 2 contacts this import created").click()
    expect(page.get_by_text("This deletes the 2 contacts this import created")).to_be_visible()
    page.screenshot(path="/tmp/h7-import-undo-confirm.png", full_page=True)
    assert Contact.objects.count() == 3

    page.get_by_label("Type 2 to confirm").fill("2")
    page.get_by_role("button", name="Delete 2 contacts").click()

    expect(page.get_by_text("Deleted the 2 contacts this import created.")).to_be_visible()
    expect(page.locator("[data-undone]")).to_contain_text("the 2 contacts it created were deleted")
    page.screenshot(path="/tmp/h7-import-undone.png", full_page=True)
    assert sorted(Contact.objects.values_list("email", flat=True)) == ["ann@acme.io"]

    page.goto("/contacts/import/")
    row = page.get_by_role("row", name="spring-fair.csv")
    expect(row).to_contain_text("Undone")
    expect(row.locator("td.num")).to_have_text(["5", "2", "1", "1", "1"])
    page.screenshot(path="/tmp/h7-import-recent.png", full_page=True)

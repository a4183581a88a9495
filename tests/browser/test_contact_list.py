"""The contact list as a marketer uses it in chromium: search without accents, sort by score,
save and re-apply a view, a bulk stage change followed to its end, and the export of a filtered
list, whose downloaded CSV is read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.models import BulkJob, Contact, SavedView
from tendril.contacts.services import contact_create
from tendril.core import tasks
from tendril.core.models import Event

pytestmark = pytest.mark.browser

SHOTS = "/tmp/h3-contact-list"


@pytest.fixture
def people() -> dict[str, Contact]:
    """Four people: two at Globex (one an MQL), a Vietnamese name, an Initech MQL; scores set."""
    specs = [
        ("hang@gmail.com", "Thị Hằng", "Nguyễn", "vi", "Globex", "lead", 4),
        ("somchai@gmail.com", "Somchai", "Sukhum", "th", "Globex", "mql", 25),
        ("ann@gmail.com", "Ann", "Lee", "en", "Initech", "mql", 12),
        ("bob@gmail.com", "Bob", "Stone", "en", "Globex", "lead", 0),
    ]
    made = {}
    for email, first, last, language, company, stage, score in specs:
        contact = contact_create(
            data={
                "email": email,
                "first_name": first,
                "last_name": last,
                "language": language,
                "company": {"name": company},
                "stage": stage,
            },
            by=None,
        )
        Contact.objects.filter(pk=contact.pk).update(score=score)
        made[email.split("@")[0]] = contact
    return made


def _shot(page: Page, name: str) -> None:
    # caret="initial": hiding the caret leaves style="" on every input, which the next htmx
    # swap copies onto the new inputs, and the Content-Security-Policy reports that.
    page.screenshot(path=f"{SHOTS}-{name}.png", full_page=True, caret="initial")


def _rows(page: Page) -> Any:
    return page.locator("table.contacts tbody tr")


def _emails(page: Page) -> list[str]:
    return _rows(page).locator("td[title*='@'] a").all_inner_texts()


def test_searching_without_accents_finds_a_vietnamese_name(
    sign_in: Callable[[User], Page], marketer: User, people: dict[str, Contact]
) -> None:
    page = sign_in(marketer)
    page.goto("/contacts/")
    expect(_rows(page)).to_have_count(4)

    page.get_by_label("Search contacts").press_sequentially("nguyen thi hang")

    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text("Nguyễn Thị Hằng")
    _shot(page, "search")


def test_clicking_score_sorts_highest_first_then_lowest_without_reloading(
    sign_in: Callable[[User], Page], marketer: User, people: dict[str, Contact]
) -> None:
    page = sign_in(marketer)
    page.goto("/contacts/")
    page.evaluate("window.sameDocument = true")
    score = page.locator('th[data-column="score"]')

    score.get_by_role("link").click()

    expect(score).to_have_attribute("aria-sort", "descending")
    expect(page).to_have_url("/contacts/?order=-score")
    assert _emails(page) == [
        "somchai@gmail.com",
        "ann@gmail.com",
        "hang@gmail.com",
        "bob@gmail.com",
    ]
    _shot(page, "sorted")

    score.get_by_role("link").click()
    expect(score).to_have_attribute("aria-sort", "ascending")
    assert _emails(page)[0] == "bob@gmail.com"
    # The sort survives a new search: the form sends the order the results carry.
    page.get_by_label("Search contacts").press_sequentially("globex")
    expect(_rows(page)).to_have_count(3)
    assert _emails(page) == ["bob@gmail.com", "hang@gmail.com", "somchai@gmail.com"]
    assert page.evaluate("window.sameDocument") is True


def test_a_saved_view_brings_back_its_filters_sort_and_columns(
    sign_in: Callable[[User], Page], marketer: User, people: dict[str, Contact]
) -> None:
    page = sign_in(marketer)
    page.goto("/contacts/?stage=mql&order=-score")
    page.get_by_text("Columns", exact=True).click()
    page.locator(".column-chooser").get_by_label("Source").check()
    expect(page.locator('th[data-column="source"]')).to_be_visible()
    _shot(page, "columns")
    page.get_by_text("Columns", exact=True).click()

    page.get_by_text("Save view", exact=True).click()
    page.get_by_label("View name").fill("Qualified, best first")
    page.get_by_label("Share with the team").check()
    page.get_by_role("button", name="Save this view").click()
    expect(page.locator(".messages")).to_contain_text("The view “Qualified, best first” was saved.")

    page.goto("/contacts/")
    expect(_rows(page)).to_have_count(4)
    page.get_by_text("Saved views", exact=True).click()
    page.get_by_role("link", name="Qualified, best first").click()

    expect(page.get_by_text("View: Qualified, best first")).to_be_visible()
    expect(page.get_by_role("combobox", name="Stage")).to_have_value("mql")
    expect(page.locator('th[data-column="score"]')).to_have_attribute("aria-sort", "descending")
    expect(page.locator('th[data-column="source"]')).to_be_visible()
    assert _emails(page) == ["somchai@gmail.com", "ann@gmail.com"]
    view = SavedView.objects.get()
    assert (view.shared, view.filters, view.order) == (True, {"stage": "mql"}, "-score")
    _shot(page, "saved-view")


@pytest.fixture
def background_worker() -> Iterator[None]:
    """The worker thread ``tendril run`` starts, so the job runs off the request as it would."""
    worker = tasks.local_worker_start()
    yield
    worker.stop()
    worker.join(timeout=10)


def test_a_stage_set_on_ticked_rows_runs_in_the_background_until_done(
    sign_in: Callable[[User], Page],
    marketer: User,
    people: dict[str, Contact],
    background_worker: None,
) -> None:
    page = sign_in(marketer)
    page.goto("/contacts/?q=globex&order=email")
    expect(_rows(page)).to_have_count(3)

    page.get_by_label("Select Nguyễn Thị Hằng").check()
    page.get_by_label("Select Bob Stone").check()
    expect(page.locator("[data-selected-count]")).to_have_text("Contacts selected: 2")
    page.get_by_label("Bulk action").select_option("set_stage")
    expect(page.get_by_label("New owner")).to_be_hidden()
    page.get_by_label("New stage").select_option("sql")
    _shot(page, "bulk-bar")
    page.get_by_role("button", name="Apply").click()

    expect(page.locator("#bulk-progress")).to_have_attribute("data-status", "done", timeout=15000)
    expect(page.locator("#bulk-progress")).to_contain_text("2 of 2 contacts done")
    _shot(page, "bulk-done")
    job = BulkJob.objects.get()
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    changed = Event.objects.filter(type="stage_changed").values_list("contact_id", flat=True)
    assert sorted(changed) == sorted([people["hang"].pk, people["bob"].pk])


def test_select_all_matching_reaches_past_the_page(
    sign_in: Callable[[User], Page], marketer: User, people: dict[str, Contact]
) -> None:
    for n in range(30):
        contact_create(data={"email": f"extra{n:02}@globex.test"}, by=None)
    page = sign_in(marketer)
    page.goto("/contacts/?page_size=25")

    page.get_by_label("Select every contact on this page").check()
    select_all = page.get_by_role("button", name="Select all 34 matching contacts")
    select_all.click()
    expect(page.get_by_text("All 34 matching contacts are selected.")).to_be_visible()
    expect(select_all).to_be_hidden()
    expect(page.locator("[data-selected-count]")).to_be_hidden()
    page.get_by_label("Bulk action").select_option("set_stage")
    page.get_by_label("New stage").select_option("customer")
    _shot(page, "all-matching")
    page.get_by_role("button", name="Apply").click()

    expect(page.locator("#bulk-progress")).to_contain_text("34 of 34 contacts done")
    assert Contact.objects.filter(stage="customer").count() == 34


def test_the_export_of_a_filtered_list_holds_exactly_its_contacts(
    sign_in: Callable[[User], Page], marketer: User, people: dict[str, Contact]
) -> None:
    page = sign_in(marketer)
    page.goto("/contacts/")
    page.get_by_label("Search contacts").press_sequentially("globex")
    page.get_by_role("combobox", name="Stage").select_option("lead")
    expect(_rows(page)).to_have_count(2)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = download.value.path()

    with open(path, encoding="utf-8-sig", newline="") as raw:
        rows = list(csv.DictReader(io.StringIO(raw.read())))
    assert sorted(r["email"] for r in rows) == ["bob@gmail.com", "hang@gmail.com"]
    assert {r["company"] for r in rows} == {"Globex"}
    hang = next(r for r in rows if r["email"] == "hang@gmail.com")
    assert (hang["first_name"], hang["last_name"], hang["stage"]) == ("Thị Hằng", "Nguyễn", "lead")

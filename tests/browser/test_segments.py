"""The segment builder in a real browser, under the Content-Security-Policy (a refused script
or style is a console error, which fails the test): a marketer builds "company employees less
than 100 AND visited /pricing" with clicks, watches the live count, sees a mistake at its
condition, saves, and lands on the segment page with its members."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.tests.factories import CompanyFactory, ContactFactory, EventFactory
from tendril.segments.models import Segment

pytestmark = pytest.mark.browser


@pytest.fixture
def visitors(db: object) -> None:
    small, big = CompanyFactory(employees=40), CompanyFactory(employees=900)
    for first, company, url in [
        ("Mai", small, "https://shop.example/pricing"),
        ("Somchai", small, "https://shop.example/pricing?plan=pro"),
        ("Big", big, "https://shop.example/pricing"),
        ("Reader", small, "https://shop.example/blog"),
    ]:
        contact = ContactFactory(first_name=first, last_name="Visitor", company=company)
        EventFactory(contact_id=contact.pk, properties={"url": url})


def test_a_marketer_builds_a_segment_with_clicks_and_sees_who_matches_before_saving(
    sign_in: Callable[[User], Page], marketer: User, visitors: None
) -> None:
    page = sign_in(marketer)
    page.goto("/segments/")
    page.get_by_role("link", name="New segment").click()
    page.get_by_label("Name").fill("Small companies on the pricing page")

    page.get_by_role("button", name="Add a field condition").click()
    field = page.locator('.sb-condition[data-type="field"]')
    field.locator('[data-part="field"]').select_option("company.employees")
    field.locator('[data-part="op"]').select_option("lt")
    field.locator('[data-part="value"]').fill("many")
    # A mistake is shown at the condition it is about, from the preview's answer.
    expect(field.locator(".sb-error")).to_be_visible()
    expect(field.locator('[data-part="value"]')).to_have_attribute("aria-invalid", "true")
    page.screenshot(path="/tmp/h11-builder-error.png", full_page=True)
    field.locator('[data-part="value"]').fill("100")
    expect(page.locator(".segment-count strong")).to_have_text("3")

    page.get_by_role("button", name="Add a behaviour condition").click()
    behaviour = page.locator('.sb-condition[data-type="event"]')
    expect(behaviour.locator('[data-part="event"]')).to_have_value("page_view")
    behaviour.get_by_role("button", name="Add a property condition").click()
    behaviour.locator('.sb-where-row [data-part="value"]').fill("/pricing")
    behaviour.locator('[data-part="within"]').fill("30")
    behaviour.locator('[data-part="within-unit"]').select_option("D")

    expect(page.locator(".segment-count strong")).to_have_text("2")
    expect(page.locator(".segment-sample li")).to_have_count(2)
    expect(page.locator(".segment-sample")).to_contain_text("Mai Visitor")
    expect(page.locator(".segment-sample")).not_to_contain_text("Reader")
    page.screenshot(path="/tmp/h11-builder.png", full_page=True)

    page.get_by_role("button", name="Save the segment").click()
    expect(page.locator("h1")).to_have_text("Small companies on the pricing page")
    expect(page.locator(".segment-words")).to_have_text(
        "Company employees less than 100 AND did page_view where url contains /pricing "
        "at least once in the past 30 days"
    )
    members = page.locator("#members tbody tr")
    expect(members).to_have_count(2)
    expect(page.locator("#members")).to_contain_text("Somchai Visitor")
    page.screenshot(path="/tmp/h11-segment.png", full_page=True)
    assert Segment.objects.get().filter == {
        "all": [
            {"field": "company.employees", "op": "lt", "value": 100},
            {
                "event": "page_view",
                "where": {"url": {"contains": "/pricing"}},
                "within": "P30D",
            },
        ]
    }

    page.get_by_role("link", name="Edit").click()
    expect(page.locator('.sb-condition[data-type="field"] [data-part="value"]')).to_have_value(
        "100"
    )
    expect(page.locator(".segment-count strong")).to_have_text("2")


def test_a_marketer_keeps_a_static_list_by_hand_and_finds_it_in_the_segment_list(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    for first in ("Ann", "Bob", "Cam"):
        ContactFactory(first_name=first, last_name="Guest", email=f"{first.lower()}@guest.example")
    page = sign_in(marketer)
    page.goto("/segments/")
    page.get_by_role("link", name="New static list").click()
    page.get_by_label("Name").fill("Event guests")
    page.get_by_role("button", name="Add the list").click()

    page.get_by_label("Emails to add").fill(
        "ann@guest.example\nbob@guest.example, nobody@x.example"
    )
    page.get_by_role("button", name="Add to the list").click()
    expect(page.locator("#add-members .errorlist")).to_contain_text("nobody@x.example")
    page.get_by_label("Emails to add").fill(
        "ann@guest.example\nbob@guest.example, cam@guest.example"
    )
    page.get_by_role("button", name="Add to the list").click()
    expect(page.locator("#members tbody tr")).to_have_count(3)

    page.get_by_label("Select Bob Guest").check()
    page.get_by_role("button", name="Remove the ticked contacts").click()
    expect(page.locator("#members tbody tr")).to_have_count(2)
    expect(page.locator("#members")).not_to_contain_text("Bob Guest")
    page.screenshot(path="/tmp/h11-static.png", full_page=True)

    page.get_by_role("link", name="Segments").click()
    row = page.locator("table.segment-list tbody tr", has_text="Event guests")
    expect(row).to_contain_text("static list")
    expect(row.locator("td.num")).to_have_text("2")
    page.screenshot(path="/tmp/h11-list.png", full_page=True)


def test_an_empty_builder_asks_for_a_condition_and_saving_it_is_refused_at_the_filter(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    page = sign_in(marketer)
    page.goto("/segments/new/")
    expect(page.locator("#segment-preview")).to_contain_text("Add a condition to see who matches.")
    expect(page.locator(".sb-error")).to_be_hidden()

    page.get_by_label("Name").fill("Nobody yet")
    page.get_by_role("button", name="Save the segment").click()

    expect(page.locator(".sb-group .sb-error").first).to_have_text(
        "A dynamic segment needs a filter."
    )
    assert not Segment.objects.exists()


def test_nested_groups_none_of_leaves_out_who_did_something(
    sign_in: Callable[[User], Page], marketer: User, visitors: None
) -> None:
    page = sign_in(marketer)
    page.goto("/segments/new/")
    page.get_by_label("Name").fill("Small companies that never saw pricing")
    page.get_by_role("button", name="Add a field condition").click()
    field = page.locator('.sb-condition[data-type="field"]')
    field.locator('[data-part="field"]').select_option("company.employees")
    field.locator('[data-part="op"]').select_option("lt")
    field.locator('[data-part="value"]').fill("100")
    expect(page.locator(".segment-count strong")).to_have_text("3")

    page.get_by_role("button", name="Add a group").click()
    inner = page.locator(".sb-items .sb-group")
    inner.locator('.sb-condition[data-type="field"] .sb-remove').click()
    inner.get_by_role("button", name="Add a behaviour condition").click()
    inner.get_by_role("button", name="Add a property condition").click()
    inner.locator('.sb-where-row [data-part="value"]').fill("/pricing")
    inner.locator('[data-part="mode"]').select_option("none")

    expect(page.locator(".segment-count strong")).to_have_text("1")
    expect(page.locator(".segment-sample")).to_contain_text("Reader Visitor")
    page.screenshot(path="/tmp/h11-nested.png", full_page=True)
    page.get_by_role("button", name="Save the segment").click()
    expect(page.locator(".segment-words")).to_have_text(
        "Company employees less than 100 AND NOT (did page_view where url contains /pricing "
        "at least once)"
    )
    assert Segment.objects.get().filter == {
        "all": [
            {"field": "company.employees", "op": "lt", "value": 100},
            {"not": {"any": [{"event": "page_view", "where": {"url": {"contains": "/pricing"}}}]}},
        ]
    }

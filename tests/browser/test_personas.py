"""Personas in a real browser: a marketer describes a persona by clicks and ties it to a
segment, moves one of the segment's contacts along the B2B journey on the contact page, and the
persona page's chart counts them (drawn under the Content-Security-Policy: a refused script is
a console error, which fails the test). The same pages in Vietnamese and Thai read translated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.tests.factories import ContactFactory
from tendril.personas.models import BuyingStageDimension, Persona
from tendril.personas.services import contact_buying_stage_set, persona_create
from tendril.personas.tests.conftest import presets_present
from tendril.segments.services import segment_add_contacts, segment_create

pytestmark = pytest.mark.browser


def chart_of(page: Page) -> dict[str, object]:
    canvas = page.locator("#persona-stages-chart")
    expect(canvas).to_have_attribute("data-drawn", "true")
    return canvas.evaluate(
        """canvas => {
            const chart = window.Chart.getChart(canvas);
            const box = canvas.getBoundingClientRect();
            return {width: box.width, height: box.height, labels: chart.data.labels,
                    values: chart.data.datasets[0].data};
        }"""
    )


def test_a_persona_made_by_clicks_counts_the_stage_set_on_a_contact_page(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    presets_present()
    minh = ContactFactory(first_name="Minh", last_name="Tran")
    other = ContactFactory()
    managers = segment_create(name="IT managers", static=True, by=None)
    segment_add_contacts(segment=managers, ids=[minh.pk, other.pk], by=None)
    segment_create(name="Shoppers", static=True, by=None)
    page = sign_in(marketer)

    page.goto("/")
    page.get_by_role("link", name="Personas").click()
    page.get_by_role("link", name="New persona").click()
    page.get_by_label("Name").fill("Minh, IT manager at an SME")
    page.get_by_label("Description").fill("Runs IT for a factory of 60 people.")
    page.get_by_label("Goals").fill("Fewer outages\nA budget the director approves")
    page.get_by_label("Buying stages").select_option(label="B2B buying journey")
    page.get_by_label("IT managers").check()
    page.get_by_role("button", name="Add the persona").click()

    expect(page.get_by_role("heading", name="Minh, IT manager at an SME")).to_be_visible()
    expect(page.locator(".persona-goals li")).to_have_count(2)
    expect(page.locator("#persona-segments")).to_contain_text("IT managers")
    drawn = chart_of(page)
    assert drawn["values"] == [0] * 8 and len(drawn["labels"]) == 8  # type: ignore[arg-type]

    page.locator("#persona-segments").get_by_role("link", name="IT managers").click()
    page.get_by_role("link", name="Minh Tran").click()
    panel = page.locator("#buying-stages")
    panel.get_by_label("B2B buying journey").select_option(label="Requirements document")
    panel.locator("form.buying-stage").first.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("The buying stage was saved.")
    expect(panel.get_by_label("B2B buying journey")).to_have_value("requirements")
    expect(panel).to_contain_text("since")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(
        f"{marketer.first_name} set the buying stage on B2B buying journey to Requirements document"
    )
    page.screenshot(path="/tmp/personas-contact.png", full_page=True)

    page.goto("/personas/")
    expect(page.locator("table.persona-list")).to_contain_text("IT managers (2 members)")
    page.screenshot(path="/tmp/personas-list.png", full_page=True)
    page.get_by_role("link", name="Minh, IT manager at an SME").click()
    drawn = chart_of(page)
    assert drawn["labels"][4] == "Requirements document"  # type: ignore[index]
    assert drawn["values"] == [0, 0, 0, 0, 1, 0, 0, 0]
    assert drawn["width"] > 200 and drawn["height"] > 100  # type: ignore[operator]
    expect(page.locator("tr[data-stage=requirements]")).to_contain_text("1")
    expect(page.locator("#persona-stages")).to_contain_text("1 person stands at no stage yet")
    page.screenshot(path="/tmp/personas-detail.png", full_page=True)
    assert Persona.objects.get().segments.get().name == "IT managers"


@pytest.mark.parametrize("language", ["vi", "th"])
def test_persona_pages_read_in_vietnamese_and_thai(
    sign_in: Callable[[User], Page], marketer: User, language: str
) -> None:
    marketer.language = language
    marketer.save(update_fields=["language"])
    presets_present()
    b2c = BuyingStageDimension.objects.get(preset="b2c")
    shoppers = segment_create(name="Bangkok shoppers", static=True, by=None)
    ploy = ContactFactory(first_name="Ploy")
    segment_add_contacts(segment=shoppers, ids=[ploy.pk], by=None)
    contact_buying_stage_set(contact=ploy, dimension=b2c, stage="evaluation", by=None)
    persona = persona_create(
        data={
            "name": "Ploy, young shopper",
            "goals": ["Good deals"],
            "dimension": b2c.pk,
            "segments": [shoppers.pk],
        },
        by=None,
    )
    page = sign_in(marketer)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/personas/{persona.pk}/")
    drawn = chart_of(page)
    assert drawn["values"] == [0, 0, 1, 0]
    assert "Evaluation" not in drawn["labels"]  # type: ignore[operator]
    page.screenshot(path=f"/tmp/personas-detail-{language}.png", full_page=True)
    page.goto(f"/contacts/{ploy.pk}/")
    expect(page.locator("#buying-stages")).not_to_contain_text("B2C funnel")
    page.locator("#buying-stages").screenshot(path=f"/tmp/personas-panel-{language}.png")
    page.goto("/buying-stages/")
    page.screenshot(path=f"/tmp/personas-dimensions-{language}.png", full_page=True)
    page.goto(f"/buying-stages/{b2c.pk}/")
    expect(page.locator("#stages")).not_to_contain_text("First contact")
    page.screenshot(path=f"/tmp/personas-dimension-{language}.png", full_page=True)


def test_the_segment_builder_filters_on_a_buying_stage_by_clicks(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    presets_present()
    b2b = BuyingStageDimension.objects.get(preset="b2b")
    searching = ContactFactory.create_batch(2)
    for contact in searching:
        contact_buying_stage_set(contact=contact, dimension=b2b, stage="searching", by=None)
    ContactFactory()
    page = sign_in(marketer)
    page.goto("/segments/new/")
    page.get_by_label("Name").fill("Searching for a solution")
    page.get_by_role("button", name="Add a field condition").click()
    field = page.locator('.sb-condition[data-type="field"]')
    field.locator('[data-part="field"]').select_option(label="B2B buying journey")
    field.locator('[data-part="op"]').select_option("eq")
    field.locator('[data-part="value"]').select_option(label="Searching")
    expect(page.locator(".segment-count strong")).to_have_text("2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".segment-words")).to_contain_text("B2B buying journey")
    expect(page.locator(".segment-words")).to_contain_text("Searching")
    page.screenshot(path="/tmp/personas-segment.png", full_page=True)

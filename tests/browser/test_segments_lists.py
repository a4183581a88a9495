"""A static list and its history in a real browser, under the Content-Security-Policy (a
refused script is a console error, which fails the test): a marketer uploads a CSV file of
emails to a static list, reads what happened to every row, removes part of the list with
another file, and sees the members over time drawn; the page in Vietnamese and Thai."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.tests.factories import ContactFactory
from tendril.segments.services import segment_add_contacts, segment_create

pytestmark = pytest.mark.browser


def csv_file(text: str) -> dict[str, Any]:
    return {"name": "guests.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_a_marketer_adds_and_removes_a_static_list_by_csv_and_reads_every_row(
    sign_in: Callable[[User], Page], marketer: User
) -> None:
    for first in ("Ann", "Bob", "Cam"):
        ContactFactory(first_name=first, last_name="Guest", email=f"{first.lower()}@guest.example")
    guests = segment_create(name="Trade show guests", static=True, by=None)
    page = sign_in(marketer)
    page.goto(f"/segments/{guests.pk}/")

    upload = page.locator("#upload-members")
    upload.get_by_label("CSV file").set_input_files(
        csv_file(
            "Name,Work email\n"
            "Ann,ann@guest.example\n"
            "Bob,BOB@guest.example\n"
            "Dee,dee@nowhere.example\n"
            "Cam,cam@guest.example\n"
            "Card without email,\n"
        )
    )
    upload.get_by_role("button", name="Upload the file").click()

    report = page.locator("#upload-report")
    expect(report).to_contain_text("File added to the list")
    expect(report.locator('[data-figure="matched"]')).to_have_text("3")
    expect(report.locator('[data-figure="changed"]')).to_have_text("3")
    missing = report.locator("#not-found tbody tr td")
    expect(missing).to_have_text(["4", "dee@nowhere.example"])
    expect(report.locator("#invalid-rows tbody tr td").first).to_have_text("6")
    expect(page.locator("#members tbody tr")).to_have_count(3)
    page.screenshot(path="/tmp/d-segment-upload.png", full_page=True)

    upload = page.locator("#upload-members")
    upload.get_by_label("CSV file").set_input_files(csv_file("email\nbob@guest.example\n"))
    upload.get_by_label("Remove these contacts from the list").check()
    upload.get_by_role("button", name="Upload the file").click()
    expect(page.locator("#upload-report")).to_contain_text("File removed from the list")
    expect(page.locator("#upload-report [data-figure='changed']")).to_have_text("1")
    expect(page.locator("#members tbody tr")).to_have_count(2)
    expect(page.locator("#members")).not_to_contain_text("Bob Guest")

    page.goto(f"/segments/{guests.pk}/")
    chart = page.locator("#segment-members-chart")
    expect(chart).to_have_attribute("data-drawn", "true")
    drawn = chart.evaluate(
        """canvas => {
            const chart = window.Chart.getChart(canvas);
            const moves = window.Chart.getChart(document.getElementById("segment-moves-chart"));
            const box = canvas.getBoundingClientRect();
            return {width: box.width, height: box.height,
                    members: chart.data.datasets[0].data,
                    entered: moves.data.datasets[0].data, left: moves.data.datasets[1].data};
        }"""
    )
    assert drawn["width"] > 200 and drawn["height"] > 100
    assert len(drawn["members"]) == 30
    assert drawn["members"][-1] == 2 and drawn["members"][0] is None
    assert (drawn["entered"][-1], drawn["left"][-1]) == (3, 1)
    page.locator("#history").get_by_role("link", name="90 days").click()
    expect(page.locator("#segment-members-chart")).to_have_attribute("data-drawn", "true")
    assert (
        page.locator("#segment-members-chart").evaluate(
            "canvas => window.Chart.getChart(canvas).data.labels.length"
        )
        == 90
    )
    page.screenshot(path="/tmp/d-segment-history.png", full_page=True)


@pytest.mark.parametrize(
    ("language", "title", "upload"),
    [("vi", "Thành viên theo thời gian", "Tải tệp lên"), ("th", "สมาชิกตามช่วงเวลา", "อัปโหลดไฟล์")],
)
def test_the_static_list_page_reads_in_vietnamese_and_thai(
    sign_in: Callable[[User], Page], marketer: User, language: str, title: str, upload: str
) -> None:
    marketer.language = language
    marketer.save(update_fields=["language"])
    guests = segment_create(name="Khách hội chợ", static=True, by=None)
    segment_add_contacts(segment=guests, ids=[ContactFactory().pk], by=None)
    page = sign_in(marketer)
    page.goto(f"/segments/{guests.pk}/")
    expect(page.locator("#history h2")).to_have_text(title)
    expect(page.locator("#upload-members button[type=submit]")).to_have_text(upload)
    expect(page.locator("#segment-members-chart")).to_have_attribute("data-drawn", "true")
    page.screenshot(path=f"/tmp/d-segment-{language}.png", full_page=True)

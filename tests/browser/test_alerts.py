"""Alerts in a real browser: a marketer sets an alert on a segment with clicks, an event sent
through the API makes a contact enter it, the bell counts one, and the notification leads to
the contact's page; a Thai reader sees the box and the inbox in Thai."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.accounts.services import apikey_create
from tendril.alerts.tests.helpers import alerted_list, enter_one_by_one, run_consumer
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.consumers import consumers_run_all
from tendril.segments.services import segment_create

pytestmark = pytest.mark.browser

PRICING = {"event": "page_view", "where": {"url": {"contains": "/pricing"}}}


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=f"/tmp/alerts-{name}.png", full_page=True)


def test_an_alert_set_by_clicks_rings_the_bell_and_leads_to_the_contact(
    sign_in: Callable[[User], Page], marketer: User, sales_rep: User
) -> None:
    segment = segment_create(name="Pricing page visitors", filter=PRICING, by=None)
    mai = ContactFactory(first_name="Mai", last_name="Visitor")
    page = sign_in(marketer)
    page.goto(f"/segments/{segment.pk}/")
    box = page.locator("#alerts")
    expect(box).to_contain_text("Nobody is told")
    expect(page.locator("#notification-bell .count")).to_have_count(0)
    box.get_by_label(f"{marketer} (Marketer)").check()
    box.get_by_label(f"{sales_rep} (Sales rep)").check()
    box.get_by_label("By email").check()
    _shot(page, "form")
    box.get_by_role("button", name="Save the alert").click()
    expect(page.locator(".messages")).to_contain_text("The alert was saved.")
    expect(box).to_contain_text("When a contact enters this segment, Tendril tells:")
    expect(box.locator(".alert-people li")).to_have_count(2)
    expect(box).to_contain_text("In Tendril and by email.")
    _shot(page, "segment")

    _, key = apikey_create(name="Website", role="marketer", by=None)
    sent = Client().post(
        "/api/v1/events",
        json.dumps({"contact_id": mai.pk, "type": "page_view", "properties": {"url": "/pricing"}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert sent.status_code == 202, sent.content
    consumers_run_all()
    consumers_run_all()

    page.reload()
    bell = page.locator("#notification-bell")
    expect(bell.locator(".count")).to_have_text("1")
    bell.click()
    expect(page).to_have_url("/notifications/")
    note = page.locator(".notifications li.unread")
    expect(note).to_have_count(1)
    expect(note).to_contain_text(f"{mai.display_name} entered Pricing page visitors")
    _shot(page, "inbox")
    note.get_by_role("button", name=f"{mai.display_name} entered Pricing page visitors").click()
    expect(page).to_have_url(f"/contacts/{mai.pk}/")
    expect(page.locator("#notification-bell .count")).to_have_count(0)


def test_a_thai_reader_reads_the_alerts_box_and_the_inbox_in_thai(
    sign_in: Callable[[User], Page], sales_rep: User
) -> None:
    sales_rep.language = "th"
    sales_rep.save()
    segment = alerted_list(sales_rep)
    enter_one_by_one(segment, 2)
    run_consumer()
    page = sign_in(sales_rep)
    page.goto(f"/segments/{segment.pk}/")
    expect(page.locator("#alerts h2")).to_have_text("การแจ้งเตือน")
    expect(page.locator("#alert-unsubscribe")).to_have_text("หยุดแจ้งฉัน")
    expect(page.locator("#notification-bell .count")).to_have_text("2")
    _shot(page, "segment-th")
    page.locator("#notification-bell").click()
    expect(page.locator(".notifications li.unread")).to_have_count(2)
    expect(page.locator(".notifications li").first).to_contain_text("เข้าสู่ Hot leads แล้ว")
    _shot(page, "inbox-th")

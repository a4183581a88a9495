"""The preference centre in a real browser: a Vietnamese contact opens the link from an email,
unticks a topic and saves, then unsubscribes from all; a signed-in marketer then sees both
changes in the contact's consent history, and the topics screen counts them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User
from tendril.contacts.models import Consent
from tendril.preferences.links import preference_path
from tendril.preferences.models import TopicSubscription
from tendril.preferences.services import topic_create
from tendril.preferences.tests.conftest import consenting

pytestmark = pytest.mark.browser


def test_a_person_unticks_a_topic_and_unsubscribes_and_the_marketer_sees_it(
    page: Page, sign_in: Callable[[User], Page], marketer: User
) -> None:
    newsletter = topic_create(
        data={
            "key": "newsletter",
            "name": "Monthly newsletter",
            "description": "The best of our blog, once a month.",
            "name_vi": "Bản tin hằng tháng",
            "description_vi": "Những bài viết hay nhất, mỗi tháng một lần.",
        },
        by=None,
    )
    topic_create(data={"key": "events", "name": "Events & webinars"}, by=None)
    contact = consenting(
        email="hang.nguyen@example.vn", first_name="Hằng", last_name="Nguyễn", language="vi"
    )

    page.goto(preference_path(contact))
    expect(page.get_by_role("heading", name="Tùy chọn email của bạn")).to_be_visible()
    expect(page.get_by_text("Dành cho ha•••@example.vn")).to_be_visible()
    box = page.get_by_label("Bản tin hằng tháng")
    expect(box).to_be_checked()
    page.screenshot(path="/tmp/prefs-centre-vi.png", full_page=True)
    box.uncheck()
    page.get_by_role("button", name="Lưu lựa chọn của tôi").click()
    expect(page.get_by_role("status")).to_contain_text("Lựa chọn của bạn đã được lưu")
    expect(page.get_by_label("Bản tin hằng tháng")).not_to_be_checked()
    expect(page.get_by_label("Events & webinars")).to_be_checked()
    row = TopicSubscription.objects.get(contact=contact)
    assert (row.topic_id, row.subscribed) == (newsletter.pk, False)

    page.get_by_role("button", name="Hủy nhận mọi email tiếp thị").click()
    expect(page.get_by_role("status")).to_contain_text("Bạn đã hủy nhận mọi email tiếp thị")
    expect(page.get_by_role("button", name="Đăng ký lại")).to_be_visible()
    page.screenshot(path="/tmp/prefs-centre-unsubscribed.png", full_page=True)
    consent = Consent.objects.get(contact=contact, channel="email")
    assert (consent.status, consent.method) == ("denied", "unsubscribe")

    page.context.clear_cookies()
    sign_in(marketer)
    page.goto(f"/contacts/{contact.pk}/")
    history = page.locator("#consent-history")
    expect(history.get_by_role("heading", name="Consent history")).to_be_visible()
    rows = history.locator("table.consent-history tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Unsubscribed from all")
    expect(rows.nth(0)).to_contain_text("Preference centre")
    expect(rows.nth(1)).to_contain_text("Denied")
    expect(rows.nth(2)).to_contain_text("Unsubscribed from Monthly newsletter")
    expect(rows.nth(3)).to_contain_text("Send me the newsletter.")
    expect(history).to_contain_text("no email topic")
    history.scroll_into_view_if_needed()
    history.screenshot(path="/tmp/prefs-history.png")

    page.goto("/settings/")
    page.get_by_role("link", name="Email topics").click()
    expect(page.locator("tr[data-topic=newsletter] td.num").last).to_have_text("0")
    page.screenshot(path="/tmp/prefs-topics.png", full_page=True)

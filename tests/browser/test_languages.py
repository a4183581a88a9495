"""Tendril in the reader's language: the browser's language first, then the user's own choice
(the switcher or Preferences), which wins from then on; and Thai and Vietnamese drawn with the
fonts Tendril ships, not as boxes, on a machine that has no Thai font of its own."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tendril.accounts.models import User

pytestmark = pytest.mark.browser

VIETNAMESE = {"locale": "vi-VN"}
THAI = {"locale": "th-TH"}
ENGLISH = {"locale": "en-GB"}


def shipped_font_drew(page: Page, family: str, text: str) -> bool:
    """Whether the page loaded Tendril's own ``family`` to draw ``text`` (a browser downloads a
    font subset only when the page shows a letter from it)."""
    return bool(
        page.evaluate(
            """async ([family, text]) => {
                await document.fonts.ready;
                const loaded = [...document.fonts].some(
                    (face) => face.family.replace(/"/g, "") === family && face.status === "loaded"
                );
                return loaded && document.fonts.check(`16px "${family}"`, text);
            }""",
            [family, text],
        )
    )


@pytest.mark.parametrize("context_options", [VIETNAMESE])
def test_login_page_speaks_vietnamese_to_a_vietnamese_browser(page: Page) -> None:
    page.goto("/login/")

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_label("Mật khẩu")).to_be_visible()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    assert shipped_font_drew(page, "Noto Sans", "Đăng nhập")
    page.screenshot(path="/tmp/h2-login-vi.png")


@pytest.mark.parametrize("context_options", [THAI])
def test_login_page_speaks_thai_to_a_thai_browser_in_a_real_thai_font(page: Page) -> None:
    page.goto("/login/")

    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_label("รหัสผ่าน")).to_be_visible()
    expect(page.get_by_role("button", name="ลงชื่อเข้าใช้")).to_be_visible()
    assert shipped_font_drew(page, "Noto Sans Thai", "ลงชื่อเข้าใช้")
    page.screenshot(path="/tmp/h2-login-th.png")


@pytest.mark.parametrize("context_options", [VIETNAMESE])
def test_dashboard_speaks_vietnamese(page: Page, sign_in: Callable[[User], Page], marketer: User):
    sign_in(marketer).goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Bảng điều khiển")).to_be_visible()
    expect(page.locator(".nav")).to_contain_text("Liên hệ")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    page.screenshot(path="/tmp/h2-dashboard-vi.png", full_page=True)


@pytest.mark.parametrize("context_options", [THAI])
def test_dashboard_speaks_thai(page: Page, sign_in: Callable[[User], Page], marketer: User):
    sign_in(marketer).goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("heading", name="แดชบอร์ด")).to_be_visible()
    expect(page.locator(".nav")).to_contain_text("ผู้ติดต่อ")
    assert shipped_font_drew(page, "Noto Sans Thai", "แดชบอร์ด")
    page.screenshot(path="/tmp/h2-dashboard-th.png", full_page=True)


@pytest.mark.parametrize("context_options", [ENGLISH])
def test_switcher_changes_the_language_and_it_sticks_for_the_user(
    page: Page, sign_in: Callable[[User], Page], marketer: User
) -> None:
    sign_in(marketer).goto("/settings/")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()

    # Picking a language is enough: app.js submits the switcher.
    page.get_by_label("Language").select_option("vi")

    expect(page.get_by_role("heading", name="Cài đặt")).to_be_visible()
    expect(page).to_have_url("/settings/")
    page.reload()
    expect(page.get_by_role("heading", name="Cài đặt")).to_be_visible()
    marketer.refresh_from_db()
    assert marketer.language == "vi"
    page.screenshot(path="/tmp/h2-switched-vi.png")


@pytest.mark.parametrize("context_options", [VIETNAMESE])
def test_the_users_saved_language_wins_over_the_browsers(
    page: Page, sign_in: Callable[[User], Page], marketer: User
) -> None:
    marketer.language = "th"
    marketer.save()

    sign_in(marketer).goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("heading", name="แดชบอร์ด")).to_be_visible()
    expect(page.get_by_text("Bảng điều khiển")).to_have_count(0)


@pytest.mark.parametrize("context_options", [ENGLISH])
def test_a_visitor_switches_the_sign_in_page_to_thai(page: Page) -> None:
    page.goto("/login/")

    page.get_by_label("Language").select_option("th")

    expect(page.get_by_role("button", name="ลงชื่อเข้าใช้")).to_be_visible()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "th")


@pytest.mark.parametrize("context_options", [ENGLISH])
def test_preferences_screen_sets_language_and_time_zone(
    page: Page, sign_in: Callable[[User], Page], sales_rep: User
) -> None:
    sign_in(sales_rep).goto("/")
    page.locator(".account").get_by_role("link", name="Preferences").click()

    page.locator("main").get_by_label("Language").select_option("th")
    page.get_by_label("Time zone").select_option("Asia/Bangkok")
    page.get_by_role("button", name="Save preferences").click()

    expect(page.get_by_text("บันทึกการตั้งค่าของคุณแล้ว")).to_be_visible()
    sales_rep.refresh_from_db()
    assert (sales_rep.language, sales_rep.time_zone) == ("th", "Asia/Bangkok")
    page.screenshot(path="/tmp/h2-preferences-th.png", full_page=True)

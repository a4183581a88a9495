"""The demo's forms: a newsletter sign-up with double opt-in and the ebook download the demo's
people filled, so the Forms screen shows real forms with their embed tags from the first start;
and two published landing pages with a month of visitors, some of whom sent the page's form,
so the Landing pages screen shows real conversion rates."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from tendril.core.demo import DemoContext, demo_step
from tendril.web.landing import page_create, page_publish, page_view_record
from tendril.web.landing_views import public_url
from tendril.web.models import Form, LandingPage
from tendril.web.services import form_create, landing_visit_convert

DEMO_FORMS: tuple[dict[str, Any], ...] = (
    {
        "name": "Newsletter sign-up",
        "fields": [
            {"key": "email", "label": "Email"},
            {"key": "first_name", "label": "First name"},
            {"key": "utm_campaign"},
        ],
        "consent_text": (
            "Send me the Brightloop newsletter every month. I can unsubscribe at any time."
        ),
        "double_opt_in": True,
        "thank_you": "Almost done: open the link we just emailed you to confirm.",
    },
    {
        "name": "Ebook: marketing automation for small teams",
        "fields": [
            {"key": "email", "label": "Work email"},
            {"key": "first_name", "label": "First name", "required": True},
            {"key": "last_name", "label": "Last name"},
            {"key": "company", "label": "Company", "required": True},
            {"key": "utm_source"},
            {"key": "utm_campaign"},
        ],
        "consent_text": "Email me about Brightloop's products and events.",
        "thank_you": "Thank you! Your ebook is on its way to your inbox.",
    },
)


@demo_step("web", order=35)
def web_demo(context: DemoContext) -> dict[str, int]:
    made = 0
    for data in DEMO_FORMS:
        if not Form.objects.filter(name=data["name"]).exists():
            form_create(data=data, by=None)
            made += 1
    context.say(f"forms {made:,}")
    return {"forms": made}


# A person's browser: robots are not counted.
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
EBOOK_FORM = DEMO_FORMS[1]["name"]
NEWSLETTER_FORM = DEMO_FORMS[0]["name"]
# (page, its visitors over the demo's month, the share of them who send its form)
DEMO_PAGES: tuple[tuple[dict[str, Any], int, float], ...] = (
    (
        {
            "name": "Ebook: marketing automation for small teams",
            "slug": "ebook-marketing-automation",
            "seo_title": "Free ebook: marketing automation for small teams",
            "seo_description": "Forty pages of practical examples: capture, score and nurture "
            "leads with a team of two.",
            "blocks": [
                {"type": "heading", "level": "1", "text": "Marketing automation for small teams"},
                {
                    "type": "text",
                    "text": "Forty pages of practical examples from teams of two to ten.\n\n"
                    "Capture leads on your site, score them as they act, and hand the hot ones "
                    "to sales the same day.",
                },
                {"type": "heading", "level": "2", "text": "Get your free copy"},
                {"type": "form", "form": EBOOK_FORM},
            ],
        },
        140,
        0.18,
    ),
    (
        {
            "name": "Bản tin Brightloop",
            "slug": "ban-tin-brightloop",
            "language": "vi",
            "seo_title": "Đăng ký bản tin Brightloop",
            "blocks": [
                {"type": "heading", "level": "1", "text": "Bản tin hằng tháng của Brightloop"},
                {
                    "type": "text",
                    "text": "Mẹo tiếp thị tự động, ví dụ thực tế và sự kiện sắp tới, mỗi tháng "
                    "một lần.",
                },
                {"type": "form", "form": NEWSLETTER_FORM},
                {
                    "type": "button",
                    "label": "Xem các số trước",
                    "url": "https://brightloop.example/blog",
                },
            ],
        },
        90,
        0.09,
    ),
)


def _with_form_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The demo names its forms; a form block holds the form's id."""
    ids = dict(Form.objects.values_list("name", "pk"))
    return [{**b, "form": ids[b["form"]]} if b["type"] == "form" else b for b in blocks]


def _visits(context: DemoContext, page: LandingPage, visitors: int, share: float) -> int:
    """A month of anonymous visitors of the page, ``share`` of whom sent its form a few minutes
    after their view. The demo's people already have their own form history; these visitors
    stay anonymous, so no person's timeline gets a view before they existed."""
    converted = 0
    for n in range(visitors):
        visitor = secrets.token_hex(16)
        at = context.now - timedelta(days=context.rng.uniform(0.1, 30))
        page_view_record(
            page=page,
            visitor=visitor,
            url=public_url(page),
            user_agent=BROWSER,
            ip=f"198.51.100.{n % 250}",
            at=at,
        )
        if context.rng.random() < share:
            at += timedelta(minutes=context.rng.uniform(1, 5))
            converted += landing_visit_convert(slug=page.slug, visitor=visitor, at=at) is not None
    return converted


@demo_step("web_pages", order=36)
def web_pages_demo(context: DemoContext) -> dict[str, int]:
    made = conversions = 0
    for data, visitors, share in DEMO_PAGES:
        if LandingPage.objects.filter(slug=data["slug"]).exists():
            continue
        page = page_create(data={**data, "blocks": _with_form_ids(data["blocks"])}, by=None)
        page = page_publish(page=page, by=None)
        conversions += _visits(context, page, visitors, share)
        made += 1
    context.say(f"landing pages {made:,}, conversions {conversions:,}")
    return {"landing_pages": made, "landing_conversions": conversions}

"""The demo's forms: a newsletter sign-up with double opt-in and the ebook download the demo's
people filled, so the Forms screen shows real forms with their embed tags from the first start."""

from __future__ import annotations

from typing import Any

from tendril.core.demo import DemoContext, demo_step
from tendril.web.models import Form
from tendril.web.services import form_create

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

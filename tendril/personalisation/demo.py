"""The demo's personalisation on the Brightloop website: a home-page slot that welcomes back a
second visit, offers sales to hot leads and the ebook to customers-to-be, and an exit pop-up
holding the newsletter sign-up, already shown to some visitors (a few of whom signed up), so
Personalisation shows its figures from the first start."""

from __future__ import annotations

from datetime import timedelta

from tendril.core.demo import DemoContext, demo_step
from tendril.personalisation.models import Popup, PopupDisplay, Slot
from tendril.personalisation.services import popup_create, slot_create
from tendril.tracking.demo import DEMO_SITE
from tendril.tracking.models import Site
from tendril.web.models import Form

SLOT_KEY = "home-hero"
POPUP = "Leaving? 10% off for subscribers"
DISPLAYS = 240


@demo_step("personalisation", order=70)
def personalisation_demo(context: DemoContext) -> dict[str, int]:
    site = Site.objects.filter(name=DEMO_SITE).first()
    newsletter = Form.objects.filter(name="Newsletter sign-up").first()
    if site is None or newsletter is None or Slot.objects.filter(key=SLOT_KEY).exists():
        return {"slots": 0, "popups": 0}
    slot_create(
        data={
            "name": "Home page welcome",
            "key": SLOT_KEY,
            "site": site.pk,
            "content": "<h2>Marketing automation for small teams</h2>"
            '<p><a class="button" href="https://www.brightloop.io/ebooks">'
            "Get the free ebook</a></p>",
            "variants": [
                {
                    "grade": "hot",
                    "content": "<h2>Ready when you are</h2><p>"
                    '<a class="button" href="https://www.brightloop.io/contact">Talk to sales</a>'
                    "</p>",
                },
                {
                    "visit": "2",
                    "content": "<h2>Welcome back!</h2><p>Pick up where you left off: "
                    '<a href="https://www.brightloop.io/pricing">see our plans</a>.</p>',
                },
                {
                    "visit": "3",
                    "known": "anonymous",
                    "content": "<h2>Still looking around?</h2>"
                    "<p>Get our newsletter: one useful email a month.</p>",
                },
            ],
        },
        by=None,
    )
    popup = popup_create(
        data={
            "name": POPUP,
            "site": site.pk,
            "form": newsletter.pk,
            "headline": "Before you go: 10% off",
            "text": "Join the newsletter and we will email you a 10% coupon for your first plan.",
            "trigger": "exit",
            "every_days": 7,
            "max_times": 2,
            "only_anonymous": True,
        },
        by=None,
    )
    rows = []
    for n in range(DISPLAYS):
        first = context.now - timedelta(days=context.rng.randint(1, context.days - 1))
        shown = context.rng.choice((1, 1, 1, 2))
        converted = first + timedelta(minutes=2) if context.rng.random() < 0.12 else None
        rows.append(
            PopupDisplay(
                popup=popup,
                visitor_id=f"demo{n:08d}",
                shown=shown,
                first_shown_at=first,
                last_shown_at=min(context.now, first + timedelta(days=7 * (shown - 1))),
                converted_at=converted,
            )
        )
    PopupDisplay.objects.bulk_create(rows)
    context.say(f"slots 1, pop-ups 1 ({DISPLAYS} displays)")
    return {"slots": 1, "popups": Popup.objects.filter(pk=popup.pk).count()}

"""The demo's emails: the five English starters and the Vietnamese newsletter as saved emails,
so the Emails screen shows real templates to preview as the demo's contacts and test-send."""

from __future__ import annotations

from tendril.core.demo import DemoContext, demo_step
from tendril.messaging.models import Email
from tendril.messaging.services import email_create
from tendril.messaging.starters import KINDS, starter_get

DEMO_STARTERS = (*(f"{kind}-en" for kind in KINDS), "newsletter-vi")


@demo_step("messaging", order=75)
def messaging_demo(context: DemoContext) -> dict[str, int]:
    made = 0
    for key in DEMO_STARTERS:
        starter = starter_get(key)
        if starter is None or Email.objects.filter(name__iexact=starter.name).exists():
            continue
        email_create(
            data={
                "name": starter.name,
                "subject": starter.subject,
                "html": starter.html,
                "language": starter.language,
            },
            by=None,
        )
        made += 1
    context.say(f"emails {made:,}")
    return {"emails": made}

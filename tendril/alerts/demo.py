"""The demo's alert: the demo sales rep is told, in the app and by email, when a contact enters
"Hot leads", and already has a few of those notifications waiting under the bell."""

from __future__ import annotations

from django.urls import reverse

from tendril.accounts.demo import DEMO_USERS
from tendril.accounts.models import Role, User
from tendril.alerts.models import SegmentAlert
from tendril.alerts.notices import ENTERED_ONE
from tendril.alerts.services import alert_set
from tendril.core.demo import DemoContext, demo_step
from tendril.notifications.services import notify
from tendril.segments.models import Segment, SegmentMember

HOT_LEADS = "Hot leads"
SALES_EMAIL = next(email for email, _f, _l, role in DEMO_USERS if role == Role.SALES)
WAITING = 3


@demo_step("alerts", order=60)
def alerts_demo(context: DemoContext) -> dict[str, int]:
    """After the segments (order 40). The waiting notifications are for the latest hot leads,
    who entered before the alert was set: the alert itself tells only of entries after it."""
    segment = Segment.objects.filter(name=HOT_LEADS).first()
    rep = User.objects.filter(email=SALES_EMAIL).first()
    if segment is None or rep is None or SegmentAlert.objects.filter(segment=segment).exists():
        return {"alerts": 0}
    alert_set(segment=segment, users=[rep.pk], in_app=True, by_email=True, active=True, by=None)
    latest = SegmentMember.objects.filter(segment=segment).order_by("-entered_at", "-contact_id")
    for contact_id in latest.values_list("contact_id", flat=True)[:WAITING]:
        notify(
            users=[rep],
            kind=ENTERED_ONE,
            params={"contact": contact_id, "segment": segment.pk, "segment_name": segment.name},
            url=reverse("contacts:contact_detail", args=[contact_id]),
        )
    context.say(f"alerts 1 ({HOT_LEADS} tells {rep.email})")
    return {"alerts": 1}

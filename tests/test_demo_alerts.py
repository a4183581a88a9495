"""The demo's alert: the sales rep is told of new hot leads and has notifications waiting."""

from __future__ import annotations

import pytest

from tendril.accounts.models import User
from tendril.alerts.demo import HOT_LEADS, SALES_EMAIL
from tendril.alerts.models import SegmentAlert
from tendril.demo import demo_load
from tendril.notifications.models import Notification
from tendril.segments.demo import DEMO_SEGMENTS

pytestmark = pytest.mark.django_db


def test_the_demo_sales_rep_is_told_of_new_hot_leads_and_has_some_waiting() -> None:
    assert HOT_LEADS in {name for name, _filter in DEMO_SEGMENTS}
    summary = demo_load(contacts=200, companies=30, days=30)
    assert summary["alerts"] == 1
    rep = User.objects.get(email=SALES_EMAIL)
    alert = SegmentAlert.objects.get(segment__name=HOT_LEADS)
    assert alert.active and alert.in_app and alert.by_email
    assert list(alert.users.all()) == [rep]
    waiting = Notification.objects.filter(user=rep, read_at__isnull=True)
    assert 1 <= waiting.count() <= 3
    assert all(n.url.startswith("/contacts/") for n in waiting)

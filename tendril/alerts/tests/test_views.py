"""The Alerts box on a segment's page: marketing sets it, anyone signs themselves up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tendril.accounts.models import User
from tendril.alerts.tests.helpers import alert_of, alerted_list, signed_in
from tendril.segments.services import segment_create

pytestmark = pytest.mark.django_db


def test_the_segment_page_says_who_is_told(marketer: User, sales_rep: User) -> None:
    segment = alerted_list(sales_rep)
    html = signed_in(marketer).get(reverse("segments:segment_detail", args=[segment.pk]))
    text = html.content.decode()
    assert 'id="alerts"' in text and str(sales_rep) in text
    assert 'id="alert-form"' in text


def test_a_marketer_saves_the_alert_from_the_page(marketer: User, sales_rep: User) -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    answer = signed_in(marketer).post(
        reverse("alerts:alert_edit", args=[segment.pk]),
        {"active": "on", "in_app": "on", "by_email": "on", "users": [sales_rep.pk]},
    )
    assert answer.status_code == 302
    alert = alert_of(segment)
    assert alert.active and alert.in_app and alert.by_email
    assert list(alert.users.all()) == [sales_rep]


def test_a_sales_rep_sees_no_form_and_cannot_post_one(sales_rep: User) -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    client = signed_in(sales_rep)
    text = client.get(reverse("segments:segment_detail", args=[segment.pk])).content.decode()
    assert 'id="alert-form"' not in text and 'id="alert-subscribe"' in text
    answer = client.post(reverse("alerts:alert_edit", args=[segment.pk]), {"users": []})
    assert answer.status_code == 403


def test_a_sales_rep_asks_to_be_told_from_the_page(sales_rep: User) -> None:
    segment = segment_create(name="Hot leads", static=True, by=None)
    client = signed_in(sales_rep)
    client.post(reverse("alerts:alert_subscribe", args=[segment.pk]), {"subscribe": "1"})
    assert list(alert_of(segment).users.all()) == [sales_rep]
    text = client.get(reverse("segments:segment_detail", args=[segment.pk])).content.decode()
    assert 'id="alert-unsubscribe"' in text
    client.post(reverse("alerts:alert_subscribe", args=[segment.pk]), {"subscribe": "0"})
    assert list(alert_of(segment).users.all()) == []

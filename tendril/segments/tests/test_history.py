"""Membership over time: entries and exits counted per day by the writes themselves, the
members at each day's end read back exactly (checked against the membership itself, day by
day), erasures counted as exits, days before a segment existed left empty; the segment page's
chart data and period switch; concurrent erasures on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.utils import timezone

from tendril.contacts.services import contact_erase
from tendril.contacts.tests.factories import ContactFactory
from tendril.segments.selectors import membership_history, segment_get_for
from tendril.segments.services import (
    segment_add_contacts,
    segment_create,
    segment_rebuild,
    segment_remove_contacts,
)

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 1, 10, tzinfo=timezone.get_fixed_timezone(0))


def test_members_per_day_are_exact_and_days_before_the_segment_are_empty(admin_user: Any) -> None:
    contacts = ContactFactory.create_batch(6)
    ids = [c.pk for c in contacts]
    truth: dict[date, int] = {}
    with time_machine.travel(START, tick=False):
        vip = segment_create(name="VIP", static=True, by=None)
        segment_add_contacts(segment=vip, ids=ids[:4], by=None)
        truth[START.date()] = 4
    with time_machine.travel(START + timedelta(days=1), tick=False):
        segment_remove_contacts(segment=vip, ids=ids[:3], by=None)
        segment_add_contacts(segment=vip, ids=ids[4:], by=None)
        truth[START.date() + timedelta(days=1)] = 3
    with time_machine.travel(START + timedelta(days=3), tick=False):
        contact_erase(contact=contacts[5], by=admin_user)
        truth[START.date() + timedelta(days=3)] = 2
        history = membership_history(segment=segment_get_for(None, vip.pk), days=5)
    assert [d.day for d in history] == [START.date() + timedelta(days=n) for n in range(-1, 4)]
    assert [d.members for d in history] == [None, 4, 3, 3, 2]
    assert [(d.entered, d.exited) for d in history] == [(0, 0), (4, 0), (2, 3), (0, 0), (0, 1)]
    assert {d.day: d.members for d in history if d.day in truth} == truth


def test_a_dynamic_segment_counts_its_rebuild_entries_and_exits() -> None:
    hot = {"field": "score", "op": "gte", "value": 10}
    first = ContactFactory(score=20)
    with time_machine.travel(START, tick=False):
        segment = segment_create(name="Hot", filter=hot, by=None)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        type(first).objects.filter(pk=first.pk).update(score=0)
        ContactFactory.create_batch(2, score=30)
        assert segment_rebuild(segment=segment) == (2, 1)
        history = membership_history(segment=segment_get_for(None, segment.pk), days=2)
    assert [(d.members, d.entered, d.exited) for d in history] == [(1, 1, 0), (2, 2, 1)]


def test_the_segment_page_carries_its_chart_for_30_or_90_days(marketer: Any) -> None:
    vip = segment_create(name="VIP", static=True, by=None)
    segment_add_contacts(segment=vip, ids=[ContactFactory().pk], by=None)
    client = Client()
    client.force_login(marketer)
    page = client.get(f"/segments/{vip.pk}/")
    assert page.status_code == 200
    assert len(page.context["history"]["days"]) == 30
    assert page.context["history"]["members"]["values"][-1] == 1
    assert page.context["history"]["entered"]["values"][-1] == 1
    assert b'id="segment-history-data"' in page.content
    assert len(client.get(f"/segments/{vip.pk}/?days=90").context["history"]["days"]) == 90
    assert len(client.get(f"/segments/{vip.pk}/?days=7000").context["history"]["days"]) == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_erasures_each_count_as_one_exit(admin_user: Any) -> None:
    contacts = ContactFactory.create_batch(6)
    vip = segment_create(name="VIP", static=True, by=None)
    segment_add_contacts(segment=vip, ids=[c.pk for c in contacts], by=None)
    vip.days.all().delete()  # as if the list were older than the period: 6 members, then none
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            contact_erase(contact=contacts[n], by=admin_user)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert vip.erasures.get().count == 6
    history = membership_history(segment=segment_get_for(None, vip.pk), days=1)
    assert (history[0].members, history[0].entered, history[0].exited) == (0, 0, 6)
    assert not vip.members.exists()


def test_a_change_counts_on_the_instances_day_whatever_the_viewers_time_zone() -> None:
    contact = ContactFactory()
    with time_machine.travel(START, tick=False), timezone.override("Pacific/Kiritimati"):
        # 10:00 UTC on 1 March is already 2 March in Kiritimati (UTC+14).
        vip = segment_create(name="VIP", static=True, by=None)
        segment_add_contacts(segment=vip, ids=[contact.pk], by=None)
        history = membership_history(segment=segment_get_for(None, vip.pk), days=2)
    assert [d.day for d in history] == [START.date() - timedelta(days=1), START.date()]
    assert vip.days.get().day == START.date()
    assert history[-1].entered == 1 and history[-1].members == 1


def test_the_api_gives_the_history_day_by_day(marketer_api: Client, sales_api: Client) -> None:
    vip = segment_create(name="VIP", static=True, by=None)
    segment_add_contacts(segment=vip, ids=[ContactFactory().pk], by=None)
    url = f"/api/v1/segments/{vip.pk}/history"
    days = sales_api.get(f"{url}?days=2").json()["days"]
    today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    assert days == [
        {
            "day": (today - timedelta(days=1)).isoformat(),
            "members": None,
            "entered": 0,
            "exited": 0,
        },
        {"day": today.isoformat(), "members": 1, "entered": 1, "exited": 0},
    ]
    assert len(marketer_api.get(url).json()["days"]) == 30
    assert marketer_api.get(f"{url}?days=0").status_code == 422
    assert marketer_api.get(f"{url}?days=367").status_code == 422
    assert marketer_api.get("/api/v1/segments/999999/history").status_code == 404

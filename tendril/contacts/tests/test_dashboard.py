"""The dashboard: figures over a chosen period, each against the period before, per-day charts
in the viewer's days, and contacts per stage, until the Reports capability arrives."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tendril.accounts.models import User
from tendril.contacts.selectors import dashboard_figures, percent, trend
from tendril.contacts.services import contact_create
from tendril.contacts.tests.factories import CompanyFactory, ContactFactory, EventFactory
from tendril.core import clock
from tendril.core.services import event_record

pytestmark = pytest.mark.django_db

# Noon UTC on a Wednesday: 19:00 in Ho Chi Minh City, so "today" is the same date in both.
NOW = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _figure(html: str, name: str) -> str:
    start = html.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return html[start : html.index("<", start)]


def _chart_data(html: str) -> dict:
    start = html.index('<script id="dashboard-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_dashboard_counts_contacts_new_ones_companies_and_activity(
    client: Client, marketer: User
) -> None:
    with time_machine.travel(clock.now() - timedelta(days=40)):
        old = contact_create(data={"email": "old@acme-logistics.com"}, by=None)
    contact_create(
        data={"email": "new@acme-logistics.com", "first_name": "Nina", "stage": "mql"}, by=None
    )
    event_record(contact_id=old.pk, type="page_view", properties={"url": "https://x.test/"})

    client.force_login(marketer)
    html = client.get("/").content.decode()

    assert _figure(html, "contacts") == "2"
    assert _figure(html, "contacts_new") == "1"
    assert _figure(html, "companies") == "1"
    # Only what people did: the page view, not Tendril's record of a contact being created.
    assert _figure(html, "activity") == "1"
    assert "Marketing qualified (MQL)" in html
    assert "Nina" in html


def test_dashboard_shows_thirty_days_unless_another_offered_period_is_chosen(
    client: Client, marketer: User
) -> None:
    client.force_login(marketer)

    default = client.get("/").content.decode()
    week = client.get("/", {"days": "7"}).content.decode()
    refused = client.get("/", {"days": "1000"}).content.decode()

    assert len(_chart_data(default)["days"]) == 30
    assert len(_chart_data(week)["days"]) == 7
    assert len(_chart_data(refused)["days"]) == 30
    assert 'href="?days=7" data-days="7" class="active" aria-current="page"' in week
    assert "New in the last 7 days" in week


def test_dashboard_passes_its_series_as_data_never_as_script(
    client: Client, marketer: User, now: datetime
) -> None:
    ContactFactory(created_at=now - timedelta(days=1))
    client.force_login(marketer)

    html = client.get("/", {"days": "7"}).content.decode()
    data = _chart_data(html)

    assert data["days"][-1] == "2025-03-12"
    assert data["series"]["contacts_new"] == {
        "label": "New contacts",
        "values": [0, 0, 0, 0, 0, 1, 0],
    }
    assert data["series"]["activity"]["label"] == "Activity"
    assert 'src="/static/build/chart.umd.min.js"' in html
    assert '<canvas data-series="contacts_new"' in html


def test_per_day_series_has_every_day_of_the_period_including_empty_ones(now: datetime) -> None:
    for days_ago in (0, 0, 2, 6, 7):  # the one 7 days ago is before a 7-day period
        ContactFactory(created_at=now - timedelta(days=days_ago))
    EventFactory(occurred_at=now - timedelta(days=3))
    EventFactory(occurred_at=now - timedelta(days=3), type="contact_created")

    figures = dashboard_figures(days=7)

    assert [d.day for d in figures.new_per_day] == [date(2025, 3, d) for d in range(6, 13)]
    assert [d.count for d in figures.new_per_day] == [1, 0, 0, 0, 1, 0, 2]
    assert [d.count for d in figures.activity_per_day] == [0, 0, 0, 1, 0, 0, 0]
    assert figures.contacts_new.value == 4


def test_each_figure_is_compared_with_the_period_before(now: datetime) -> None:
    for days_ago in (1, 2, 3):  # this week
        ContactFactory(created_at=now - timedelta(days=days_ago))
    for days_ago in (8, 9):  # the week before
        ContactFactory(created_at=now - timedelta(days=days_ago))
    ContactFactory(created_at=now - timedelta(days=30))
    EventFactory(occurred_at=now - timedelta(days=10))

    figures = dashboard_figures(days=7)

    assert (figures.contacts_new.value, figures.contacts_new.previous) == (3, 2)
    assert figures.contacts_new.change == 50
    # All contacts: 6 now against the 3 there were a week ago.
    assert (figures.contacts.value, figures.contacts.previous, figures.contacts.change) == (
        6,
        3,
        100,
    )
    assert (figures.activity.value, figures.activity.previous, figures.activity.change) == (
        0,
        1,
        -100,
    )


def test_previous_period_has_the_same_length_as_the_current_one(now: datetime) -> None:
    # The current 7-day period runs from midnight 6 days ago until now (noon); the previous
    # one from midnight 13 days ago until noon 7 days ago: the afternoon after is not in it.
    ContactFactory(created_at=now - timedelta(days=7, hours=1))
    ContactFactory(created_at=now - timedelta(days=7) + timedelta(hours=1))

    figures = dashboard_figures(days=7)

    assert figures.contacts_new.previous == 1


def test_a_change_from_nothing_has_no_percentage() -> None:
    assert trend(5, 0).change is None
    assert trend(0, 0).change == 0
    assert trend(3, 4).change == -25
    assert trend(2, 3).change == -33
    assert trend(1, 8).change == -88  # -87.5 rounds away from zero
    assert trend(7, 4).change_size == 75


def test_contacts_per_stage_carry_their_share_of_all_contacts(now: datetime) -> None:
    for stage in ("lead", "lead", "mql"):
        ContactFactory(stage=stage)

    per_stage = {row.stage: row for row in dashboard_figures().per_stage}

    assert (per_stage["lead"].count, per_stage["lead"].share) == (2, 67)
    assert (per_stage["mql"].count, per_stage["mql"].share) == (1, 33)
    assert (per_stage["customer"].count, per_stage["customer"].share) == (0, 0)
    assert percent(1, 3) == 33


def test_days_are_the_viewers_days_in_their_time_zone(now: datetime) -> None:
    # 18:30 UTC on 11 March is already 12 March (01:30) in Ho Chi Minh City (UTC+7).
    ContactFactory(created_at=datetime(2025, 3, 11, 18, 30, tzinfo=UTC))

    in_utc = dashboard_figures(days=7).new_per_day
    with timezone.override("Asia/Ho_Chi_Minh"):
        in_vietnam = dashboard_figures(days=7).new_per_day

    assert {d.day: d.count for d in in_utc}[date(2025, 3, 11)] == 1
    assert {d.day: d.count for d in in_vietnam}[date(2025, 3, 11)] == 0
    assert {d.day: d.count for d in in_vietnam}[date(2025, 3, 12)] == 1


def test_a_period_starts_at_the_viewers_midnight(now: datetime) -> None:
    # 16:59 UTC on 5 March is 23:59 on 5 March in Ho Chi Minh City: before a 7-day period
    # that starts on 6 March there, though it is inside the UTC one by the hour.
    ContactFactory(created_at=datetime(2025, 3, 5, 16, 59, tzinfo=UTC))
    ContactFactory(created_at=datetime(2025, 3, 5, 17, 1, tzinfo=UTC))

    with timezone.override("Asia/Ho_Chi_Minh"):
        figures = dashboard_figures(days=7)

    assert figures.contacts_new.value == 1
    assert figures.new_per_day[0].count == 1


def test_dashboard_tells_the_trend_in_words(client: Client, marketer: User, now: datetime) -> None:
    CompanyFactory(created_at=now - timedelta(days=30))
    for days_ago in (1, 2, 3):
        ContactFactory(created_at=now - timedelta(days=days_ago), company=None)
    for days_ago in (8, 9):
        ContactFactory(created_at=now - timedelta(days=days_ago), company=None)
    EventFactory(occurred_at=now - timedelta(days=1))
    client.force_login(marketer)

    html = client.get("/", {"days": "7"}).content.decode()

    assert "+50% vs the previous 7 days" in html  # new contacts: 3 against 2
    assert "+150% in 7 days" in html  # all contacts: 5 against 2
    assert "None in the previous 7 days" in html  # activity: 1 against none
    assert "No change in 7 days" in html  # companies: one then, one now


def test_dashboard_says_plainly_that_reports_come_later(client: Client, sales_rep: User) -> None:
    client.force_login(sales_rep)
    html = client.get("/").content.decode()

    assert "Reports come later" in html


@pytest.mark.parametrize(("role", "offered"), [("marketer", True), ("sales_rep", False)])
def test_an_empty_dashboard_offers_the_import_only_to_who_may_import(
    client: Client, request: pytest.FixtureRequest, role: str, offered: bool
) -> None:
    client.force_login(request.getfixturevalue(role))

    html = client.get("/").content.decode()

    assert "No contacts yet." in html
    assert ('href="/contacts/import/"' in html) is offered

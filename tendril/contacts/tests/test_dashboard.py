"""The dashboard: today's figures until the Reports capability arrives."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.models import Company
from tendril.contacts.services import contact_create
from tendril.core import clock
from tendril.core.services import event_record

pytestmark = pytest.mark.django_db


def _figure(html: str, name: str) -> str:
    start = html.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return html[start : html.index("<", start)]


def test_dashboard_counts_contacts_new_ones_companies_and_recent_events(
    client: Client, marketer: User
) -> None:
    with time_machine.travel(clock.now() - timedelta(days=30)):
        old = contact_create(data={"email": "old@acme-logistics.com"}, by=None)
    contact_create(
        data={"email": "new@acme-logistics.com", "first_name": "Nina", "stage": "mql"}, by=None
    )
    event_record(contact_id=old.pk, type="page_view", properties={"url": "https://x.test/"})

    client.force_login(marketer)
    html = client.get("/").content.decode()

    assert _figure(html, "contacts") == "2"
    assert _figure(html, "contacts_new") == "1"
    assert _figure(html, "companies") == str(Company.objects.count()) == "1"
    # contact_created of the new contact and the page view; the old contact's creation is older.
    assert _figure(html, "events") == "2"
    assert "Marketing qualified (MQL)" in html
    assert "Nina" in html


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

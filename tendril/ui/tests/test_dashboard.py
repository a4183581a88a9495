from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from tendril.accounts.models import User
from tendril.contacts.models import Company
from tendril.core import clock
from tendril.core.services import event_record

pytestmark = pytest.mark.django_db


def _figure(html: str, name: str) -> str:
    start = html.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return html[start : html.index("<", start)]


def test_dashboard_counts_contacts_new_ones_companies_and_recent_events(
    signed_in, marketer: User, make_contact
) -> None:
    with time_machine.travel(clock.now() - timedelta(days=30)):
        old = make_contact("old@acme-logistics.com")
    make_contact("new@acme-logistics.com", first_name="Nina", stage="mql")
    event_record(contact_id=old.pk, type="page_view", properties={"url": "https://x.test/"})

    html = signed_in(marketer).get("/").content.decode()

    assert _figure(html, "contacts") == "2"
    assert _figure(html, "contacts_new") == "1"
    assert _figure(html, "companies") == str(Company.objects.count()) == "1"
    # contact_created of the new contact and the page view; the old contact's creation is older.
    assert _figure(html, "events") == "2"
    assert "Marketing qualified (MQL)" in html
    assert "Nina" in html


def test_dashboard_says_plainly_that_reports_come_later(signed_in, sales_rep: User) -> None:
    html = signed_in(sales_rep).get("/").content.decode()

    assert "Reports come later" in html


def test_navigation_greys_out_coming_capabilities(signed_in, marketer: User) -> None:
    html = signed_in(marketer).get("/").content.decode()

    assert 'href="/coming/journeys/" class=" coming"' in html
    assert 'href="/contacts/" class=""' in html
    assert html.count('class="badge coming"') == 7


def test_each_coming_capability_has_a_page_saying_what_it_will_do(
    signed_in, marketer: User
) -> None:
    client = signed_in(marketer)
    for key, words in {
        "segments": "group contacts",
        "scoring": "points",
        "emails": "subject lines",
        "journeys": "multi-step",
        "web": "landing pages",
        "sales": "hot leads",
        "reports": "funnel",
    }.items():
        response = client.get(f"/coming/{key}/")
        assert response.status_code == 200
        assert words in response.content.decode()


def test_an_unknown_capability_is_not_found(signed_in, marketer: User) -> None:
    assert signed_in(marketer).get("/coming/teleport/").status_code == 404


def test_the_user_sees_their_name_and_role(signed_in, sales_rep: User) -> None:
    html = signed_in(sales_rep).get("/").content.decode()

    assert "Sales Tester" in html
    assert "Sales rep" in html

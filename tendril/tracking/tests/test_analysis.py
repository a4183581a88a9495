"""A site's analysis: unique visitors and page views per UTC day, top pages with the time seen
on them, each visit's entry and exit page, and where visits came from; the screen shows them
to every role, for the chosen period, with stored URLs as text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tendril.accounts.models import User
from tendril.contacts.tests.factories import EventFactory
from tendril.core.models import Event
from tendril.tracking import analysis
from tendril.tracking.analysis import DayFigures, PageCount, PageFigures, SourceCount
from tendril.tracking.models import Site
from tendril.tracking.services import site_create

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
YESTERDAY = NOW - timedelta(days=1)
SHOP = "https://shop.example.com"


@pytest.fixture
def now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


def a_site(name: str = "Shop", domain: str = "shop.example.com") -> Site:
    return site_create(data={"name": name, "domains": [domain]}, by=None)


def view(
    site: Site,
    path: str,
    at: datetime,
    *,
    visitor: str = "visitor-a",
    contact_id: int | None = None,
    session: str | None = None,
    source: str = "direct",
) -> Event:
    properties: dict[str, Any] = {"url": SHOP + path, "site": site.pk, "source": source}
    if session is not None:
        properties["session"] = session
    return EventFactory(
        type="page_view",
        properties=properties,
        occurred_at=at,
        visitor_id=visitor,
        contact_id=contact_id,
    )


def left(site: Site, path: str, at: datetime, seconds: object) -> Event:
    return EventFactory(
        type="page_left",
        properties={"url": SHOP + path, "site": site.pk, "seconds": seconds},
        occurred_at=at,
    )


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute)


@pytest.fixture
def shop(now: datetime) -> Site:
    """Yesterday: an anonymous visitor's visit s1 (home, pricing, signup, from a search engine)
    and contact 7's visit s2 (home, pricing, from an email, on a browser identified since);
    today: the anonymous visitor again (s3, pricing, direct) and a page view an SDK sent
    without a visit. Around them, what must not count: another site's pages and time, and a
    page view 31 days ago."""
    site = a_site()
    view(site, "/home", at(YESTERDAY, 10), session="s1", source="search")
    view(site, "/pricing", at(YESTERDAY, 10, 5), session="s1", source="internal")
    view(site, "/signup", at(YESTERDAY, 10, 10), session="s1", source="internal")
    view(site, "/home", at(YESTERDAY, 11), visitor="visitor-c", contact_id=7, session="s2",
         source="email")  # fmt: skip
    view(site, "/pricing", at(YESTERDAY, 11, 2), visitor="visitor-c", contact_id=7, session="s2",
         source="internal")  # fmt: skip
    view(site, "/pricing", at(NOW, 9), session="s3", source="direct")
    view(site, "/home", at(NOW, 9, 30), visitor="visitor-b")
    left(site, "/pricing", at(YESTERDAY, 10, 5), 30)
    left(site, "/pricing", at(NOW, 9, 1), 60)
    left(site, "/home", at(YESTERDAY, 10, 1), 20)
    left(site, "/home", at(YESTERDAY, 11, 1), "a long time")  # an API caller's text: not read
    blog = a_site("Blog", "blog.example.com")
    view(blog, "/home", at(NOW, 8), visitor="visitor-z", session="s9", source="social")
    left(blog, "/pricing", at(NOW, 8), 1000)
    view(site, "/old", NOW - timedelta(days=31), visitor="visitor-old", session="s0")
    return site


def test_unique_visitors_and_page_views_are_counted_per_utc_day(shop: Site) -> None:
    figures = analysis.site_analysis(site=shop, days=30)

    assert figures.first_day == date(2025, 2, 19)
    assert len(figures.per_day) == 30
    assert figures.per_day[-2:] == [
        # The anonymous visitor and contact 7: two people.
        DayFigures(date(2025, 3, 19), views=5, visitors=2),
        # The anonymous visitor again, and the SDK's visitor.
        DayFigures(date(2025, 3, 20), views=2, visitors=2),
    ]
    assert all(d == DayFigures(d.day, 0, 0) for d in figures.per_day[:-2])
    assert (figures.views, figures.visitors, figures.sessions) == (7, 3, 3)


def test_top_pages_have_their_views_visitors_and_mean_seconds_seen(shop: Site) -> None:
    figures = analysis.site_analysis(site=shop)

    assert figures.top_pages == [
        PageFigures(SHOP + "/home", views=3, visitors=3, seconds=20),
        PageFigures(SHOP + "/pricing", views=3, visitors=2, seconds=45),
        PageFigures(SHOP + "/signup", views=1, visitors=1, seconds=None),
    ]


def test_each_visit_counts_its_first_page_as_entry_and_its_last_as_exit(shop: Site) -> None:
    figures = analysis.site_analysis(site=shop)

    assert figures.entry_pages == [
        PageCount(SHOP + "/home", sessions=2, share=67),
        PageCount(SHOP + "/pricing", sessions=1, share=33),
    ]
    assert figures.exit_pages == [
        PageCount(SHOP + "/pricing", sessions=2, share=67),
        PageCount(SHOP + "/signup", sessions=1, share=33),
    ]
    assert figures.capped is False


def test_a_visit_counts_once_for_the_source_of_its_first_page_view(shop: Site) -> None:
    figures = analysis.site_analysis(site=shop)

    assert figures.sources == [
        SourceCount("direct", 1, 33),
        SourceCount("email", 1, 33),
        SourceCount("search", 1, 33),
    ]


def test_a_shorter_period_leaves_out_the_days_before_it(shop: Site) -> None:
    view(shop, "/home", NOW - timedelta(days=7), visitor="visitor-d", session="s4")

    week = analysis.site_analysis(site=shop, days=7)
    month = analysis.site_analysis(site=shop, days=30)

    assert week.first_day == date(2025, 3, 14)
    assert week.per_day[0].day == date(2025, 3, 14)
    assert (week.views, week.visitors, week.sessions) == (7, 3, 3)
    assert (month.views, month.visitors, month.sessions) == (8, 4, 4)


def test_a_period_the_screen_does_not_offer_is_the_default_one(shop: Site) -> None:
    assert analysis.site_analysis(site=shop, days=13).days == 30


def test_past_the_row_cap_the_visits_read_are_counted_and_it_is_said(
    shop: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis, "MAX_SESSION_ROWS", 4)

    figures = analysis.site_analysis(site=shop)

    # s1's three page views and s2's first, in visit order.
    assert figures.capped is True
    assert figures.entry_pages == [PageCount(SHOP + "/home", sessions=2, share=100)]
    assert figures.exit_pages == [
        PageCount(SHOP + "/home", sessions=1, share=50),
        PageCount(SHOP + "/signup", sessions=1, share=50),
    ]
    assert figures.sessions == 3


def test_a_site_without_page_views_has_zeros_and_empty_tables(now: datetime) -> None:
    figures = analysis.site_analysis(site=a_site(), days=7)

    assert figures.per_day == [DayFigures(date(2025, 3, 14) + timedelta(days=i), 0, 0)
                               for i in range(7)]  # fmt: skip
    assert (figures.views, figures.visitors, figures.sessions) == (0, 0, 0)
    assert figures.top_pages == figures.entry_pages == figures.exit_pages == []
    assert figures.sources == []


# --- the screen ---------------------------------------------------------------------------


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _json(html: str, block: str) -> dict[str, Any]:
    start = html.index(f'<script id="{block}" type="application/json">')
    start = html.index(">", start) + 1
    return dict(json.loads(html[start : html.index("</script>", start)]))


def _figure(html: str, name: str) -> str:
    start = html.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return html[start : html.index("<", start)]


@pytest.mark.parametrize("role", ["admin_user", "marketer", "sales_rep"])
def test_every_role_sees_the_analysis_linked_from_the_site_list_and_page(
    role: str, request: pytest.FixtureRequest, shop: Site
) -> None:
    client = signed_in(request.getfixturevalue(role))
    url = reverse("tracking:site_analysis", args=[shop.pk])

    answer = client.get(url)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert (_figure(html, "views"), _figure(html, "visitors"), _figure(html, "sessions")) == (
        "7",
        "3",
        "3",
    )
    chart = _json(html, "visitors-chart-data")
    assert chart["values"][-2:] == [2, 2] and len(chart["values"]) == 30
    assert chart["labels"][-1] == "Mar 20"
    assert _json(html, "sources-chart-data") == {
        "labels": ["Direct", "Email", "Search engines"],
        "label": "Visits",
        "values": [1, 1, 1],
    }
    assert 'data-bar-chart="visitors-chart-data"' in html
    assert f'href="{url}"' in client.get(reverse("tracking:site_list")).content.decode()
    detail = client.get(reverse("tracking:site_detail", args=[shop.pk])).content.decode()
    assert f'href="{url}"' in detail


def test_the_period_links_switch_the_days_shown(marketer: User, shop: Site) -> None:
    client = signed_in(marketer)
    url = reverse("tracking:site_analysis", args=[shop.pk])

    week = client.get(url, {"days": "7"}).content.decode()
    odd = client.get(url, {"days": "abc"}).content.decode()

    assert len(_json(week, "visitors-chart-data")["values"]) == 7
    assert 'href="?days=7" data-days="7" class="active" aria-current="page"' in week
    assert 'href="?days=90" data-days="90">' in week
    assert len(_json(odd, "visitors-chart-data")["values"]) == 30


def test_a_hostile_url_stored_in_a_page_view_is_shown_as_text(
    marketer: User, now: datetime
) -> None:
    site = a_site()
    EventFactory(
        properties={
            "url": "javascript:<script>alert(1)</script>",
            "site": site.pk,
            "session": "s1",
        },
        occurred_at=NOW,
    )

    html = (
        signed_in(marketer).get(reverse("tracking:site_analysis", args=[site.pk])).content.decode()
    )

    assert "<script>alert(1)</script>" not in html
    assert "javascript:&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html


def test_an_unknown_site_is_not_found(marketer: User) -> None:
    answer = signed_in(marketer).get(reverse("tracking:site_analysis", args=[999]))
    assert answer.status_code == 404

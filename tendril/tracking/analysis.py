"""Reads for a site's analysis screen: over the last 7, 30 or 90 days (UTC days), how many people
came each day, which pages they viewed, where their visits started and ended, and where the
visits came from. Only reads the event log, like a selectors module.

Every query starts with the type and a time range, so the database walks the
``event_type_time`` index over the period and checks the site on those rows only. Counting is
done in SQL where the ORM can express it; the entry and exit pages need each visit's first and
last page view, read as a stream of the period's page views in visit order, capped at
``MAX_SESSION_ROWS`` (the screen says when the cap was reached).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from django.db.models import Avg, Count, FloatField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate

from tendril.contacts.selectors import DEFAULT_PERIOD, PERIODS, percent
from tendril.core import clock
from tendril.core.models import Event
from tendril.tracking.events import PAGE_LEFT
from tendril.tracking.models import Site

PAGE_VIEW = "page_view"
TOP = 10
# Rows read to find each visit's first and last page: enough for a busy site's month, and a
# bound on the time and memory one page of the screen costs.
MAX_SESSION_ROWS = 200_000
# Read in chunks, so only the visits' first and last pages are held, never the rows.
CHUNK = 5_000


@dataclass(frozen=True)
class DayFigures:
    day: date
    views: int
    visitors: int


@dataclass(frozen=True)
class PageFigures:
    url: str
    views: int
    visitors: int
    # Mean of what ``page_left`` reported for this url, in whole seconds; None when nothing was.
    seconds: int | None


@dataclass(frozen=True)
class PageCount:
    url: str
    sessions: int
    share: int  # percent of the visits read, rounded


@dataclass(frozen=True)
class SourceCount:
    source: str
    sessions: int
    share: int  # percent of the visits read, rounded


@dataclass(frozen=True)
class SiteAnalysis:
    days: int
    first_day: date
    views: int
    visitors: int
    sessions: int
    per_day: list[DayFigures]
    top_pages: list[PageFigures]
    entry_pages: list[PageCount]
    exit_pages: list[PageCount]
    sources: list[SourceCount]
    # The visits' rows were more than MAX_SESSION_ROWS: entry, exit pages and sources cover
    # the visits read before the cap.
    capped: bool


def _url() -> KeyTextTransform:
    return KeyTextTransform("url", "properties")


def _contacts() -> Count:
    """Visitors known as contacts. A visitor is the contact when known, else the browser's
    anonymous id: counted as the distinct contacts plus the distinct anonymous ids (the two
    never overlap, and a browser identified later carries its contact on every row)."""
    return Count("contact_id", distinct=True)


def _anonymous() -> Count:
    """Visitors not (yet) known as contacts: their browsers."""
    return Count("visitor_id", distinct=True, filter=Q(contact_id__isnull=True) & ~Q(visitor_id=""))


def _site_events(site: Site, kind: str, start: datetime, end: datetime) -> QuerySet[Event]:
    # Type and time first: what the (type, occurred_at) index serves; the site on those rows.
    return Event.objects.filter(
        type=kind, occurred_at__gte=start, occurred_at__lte=end, properties__site=site.pk
    ).order_by()


def _per_day(views: QuerySet[Event], first_day: date, days: int) -> list[DayFigures]:
    rows = (
        views.annotate(day=TruncDate("occurred_at", tzinfo=UTC))
        .values("day")
        .annotate(views=Count("id"), contacts=_contacts(), anonymous=_anonymous())
    )
    by_day = {row["day"]: row for row in rows}
    figures = []
    for i in range(days):
        day = first_day + timedelta(days=i)
        row = by_day.get(day)
        if row is None:
            figures.append(DayFigures(day, 0, 0))
        else:
            figures.append(DayFigures(day, row["views"], row["contacts"] + row["anonymous"]))
    return figures


def _seconds_per_url(left: QuerySet[Event], urls: list[str]) -> dict[str, int]:
    """Mean seconds seen per url, from ``page_left``. Only numbers from 0 to 86,400 are read:
    the range test also keeps out text and other JSON an API caller may have stored, which a
    cast would fail on (PostgreSQL orders every JSON string below every number)."""
    if not urls:
        return {}
    rows = (
        left.filter(
            properties__url__in=urls, properties__seconds__gte=0, properties__seconds__lte=86400
        )
        .annotate(page=_url())
        .values("page")
        .annotate(seconds=Avg(Cast(KeyTextTransform("seconds", "properties"), FloatField())))
        .values_list("page", "seconds")
    )
    return {page: round(seconds) for page, seconds in rows if seconds is not None}


def _top_pages(views: QuerySet[Event], left: QuerySet[Event]) -> list[PageFigures]:
    rows = list(
        views.filter(properties__url__isnull=False)
        .annotate(page=_url())
        .values("page")
        .annotate(views=Count("id"), contacts=_contacts(), anonymous=_anonymous())
        .order_by("-views", "page")[:TOP]
    )
    seconds = _seconds_per_url(left, [row["page"] for row in rows])
    return [
        PageFigures(
            row["page"], row["views"], row["contacts"] + row["anonymous"], seconds.get(row["page"])
        )
        for row in rows
    ]


@dataclass
class _Visits:
    """Each visit's first and last page and its source, tallied as the rows stream by."""

    entries: Counter[str]
    exits: Counter[str]
    sources: Counter[str]
    read: int = 0
    capped: bool = False

    @property
    def count(self) -> int:
        return sum(self.entries.values())


def _visits(views: QuerySet[Event]) -> _Visits:
    # A generator (the stubs say Iterator): closing it closes the database cursor.
    rows = cast(
        Generator[tuple[Any, Any, Any]],
        views.annotate(
            session=KeyTextTransform("session", "properties"),
            page=_url(),
            came_from=KeyTextTransform("source", "properties"),
        )
        .filter(properties__has_key="session")
        .exclude(properties__session="")
        .order_by("session", "occurred_at", "id")
        .values_list("session", "page", "came_from")[: MAX_SESSION_ROWS + 1]
        .iterator(chunk_size=CHUNK),
    )
    visits = _Visits(Counter(), Counter(), Counter())
    try:
        _tally(rows, visits)
    finally:
        rows.close()  # stopped at the cap: PostgreSQL's cursor is closed now, not when collected
    return visits


def _tally(rows: Iterator[tuple[Any, Any, Any]], visits: _Visits) -> None:
    """Rows come in visit order: a new visit's first row is its entry, the row before it the
    previous visit's exit."""
    current: object = None
    last_page = ""
    for session, page, came_from in rows:
        if visits.read == MAX_SESSION_ROWS:
            visits.capped = True
            break
        visits.read += 1
        if session != current:
            if current is not None:
                visits.exits[last_page] += 1
            current = session
            visits.entries[page or ""] += 1
            visits.sources[came_from or ""] += 1
        last_page = page or ""
    if current is not None:
        visits.exits[last_page] += 1


def _ranked(counts: Counter[str], total: int) -> list[PageCount]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [PageCount(url, n, percent(n, total)) for url, n in ranked]


def site_analysis(*, site: Site, days: int = DEFAULT_PERIOD) -> SiteAnalysis:
    """The site's figures over the last ``days`` UTC days, today included (up to now)."""
    if days not in PERIODS:
        days = DEFAULT_PERIOD
    now = clock.now()
    first_day = now.astimezone(UTC).date() - timedelta(days=days - 1)
    start = datetime.combine(first_day, time.min, tzinfo=UTC)
    views = _site_events(site, PAGE_VIEW, start, now)
    left = _site_events(site, PAGE_LEFT, start, now)
    totals = views.aggregate(
        views=Count("id"),
        sessions=Count(KeyTextTransform("session", "properties"), distinct=True),
        contacts=_contacts(),
        anonymous=_anonymous(),
    )
    visits = _visits(views)
    total = visits.count
    sources = sorted(visits.sources.items(), key=lambda item: (-item[1], item[0]))
    return SiteAnalysis(
        days=days,
        first_day=first_day,
        views=totals["views"],
        visitors=totals["contacts"] + totals["anonymous"],
        sessions=totals["sessions"],
        per_day=_per_day(views, first_day, days),
        top_pages=_top_pages(views, left),
        entry_pages=_ranked(visits.entries, total),
        exit_pages=_ranked(visits.exits, total),
        sources=[SourceCount(source, n, percent(n, total)) for source, n in sources],
        capped=visits.capped,
    )

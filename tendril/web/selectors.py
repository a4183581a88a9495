"""Reads of web forms and of their submissions (``form_submit`` in the event log), and of
landing pages with their visitors and conversion rate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.contacts.models import Contact
from tendril.contacts.selectors import percent
from tendril.core import clock
from tendril.core.errors import first_or_not_found
from tendril.core.models import Event
from tendril.web.blocks import blocks_references
from tendril.web.models import Asset, Form, LandingPage, PageImage


def form_list() -> QuerySet[Form]:
    return Form.objects.order_by("name", "pk")


def form_get_for(viewer: Caller, form_id: int) -> Form:
    """A form; 404 otherwise (every role sees every form)."""
    return first_or_not_found(
        Form.objects.filter(pk=form_id), _("There is no form %(id)s.") % {"id": form_id}
    )


def _submissions(form: Form) -> QuerySet[Event]:
    return Event.objects.filter(type="form_submit", properties__form_id=form.pk)


def form_submission_count(*, form: Form, since: datetime) -> int:
    """How many times the form was sent since ``since``, from the event log (the type and time
    index narrows it; the form is then matched in the properties)."""
    return _submissions(form).filter(occurred_at__gte=since).count()


def form_submission_counts(*, forms: Iterable[Form], since: datetime) -> dict[int, int]:
    """The same count for a page of forms in one grouped query (the list showed one query per
    form)."""
    ids = [form.pk for form in forms]
    rows = (
        Event.objects.filter(
            type="form_submit", occurred_at__gte=since, properties__form_id__in=ids
        )
        .values_list(KeyTextTransform("form_id", "properties"))
        .annotate(n=Count("id"))
        .order_by()
    )
    return {int(form_id): n for form_id, n in rows if form_id is not None}


@dataclass(frozen=True)
class FormSubmission:
    contact: Contact | None  # None once the contact was erased
    occurred_at: datetime
    page: str


def form_submissions_recent(*, form: Form, limit: int) -> list[FormSubmission]:
    """The latest submissions of the form, newest first, with who sent each and from which
    page."""
    events = list(_submissions(form).order_by("-occurred_at", "-pk")[:limit])
    contacts = Contact.objects.in_bulk({e.contact_id for e in events if e.contact_id})
    return [
        FormSubmission(
            contact=contacts.get(e.contact_id) if e.contact_id else None,
            occurred_at=e.occurred_at,
            page=str(e.properties.get("url", "")),
        )
        for e in events
    ]


def asset_list() -> QuerySet[Asset]:
    return Asset.objects.order_by("name", "pk")


def asset_get_for(viewer: Caller, asset_id: int) -> Asset:
    return first_or_not_found(
        Asset.objects.filter(pk=asset_id), _("There is no file %(id)s.") % {"id": asset_id}
    )


def image_list() -> QuerySet[PageImage]:
    """The pictures uploaded for image blocks, newest first (the editor offers the latest
    upload on top)."""
    return PageImage.objects.order_by("-created_at", "-pk")


# --- landing pages -----------------------------------------------------------------------------

# The list's sort keys (``-`` first for descending) and what each sorts by.
PAGE_ORDERS = {
    "name": ("name",),
    "slug": ("slug",),
    "status": ("published_at",),
    "visitors": ("visitor_count",),
    "conversions": ("conversion_count",),
    "rate": ("rate",),
    "updated": ("updated_at",),
}


def page_list(*, order: str = "name") -> QuerySet[LandingPage]:
    """Pages with their visitors, conversions and conversion rate (0 to 1, None without
    visitors) counted in the same query; ``order`` is a key of ``PAGE_ORDERS``."""
    descending = order.startswith("-")
    key = order.removeprefix("-")
    columns = PAGE_ORDERS.get(key, PAGE_ORDERS["name"])
    pages = LandingPage.objects.annotate(
        visitor_count=Count("visits"),
        conversion_count=Count("visits", filter=Q(visits__converted_at__isnull=False)),
    ).annotate(
        rate=Case(
            When(visitor_count=0, then=Value(None)),
            default=Cast(F("conversion_count"), FloatField()) / F("visitor_count"),
            output_field=FloatField(),
        )
    )
    ordering = [
        F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
        for column in columns
    ]
    return pages.order_by(*ordering, "pk")


def page_get_for(viewer: Caller, page_id: int) -> LandingPage:
    """A landing page; 404 otherwise (every role sees every page)."""
    return first_or_not_found(
        page_list().filter(pk=page_id), _("There is no landing page %(id)s.") % {"id": page_id}
    )


def page_published_get(slug: str) -> LandingPage | None:
    """The published page at ``/p/<slug>``; None for an unknown or unpublished one."""
    return LandingPage.objects.filter(slug=slug, published_at__isnull=False).first()


def pages_using(*, form: Form | None = None, asset: Asset | None = None) -> list[LandingPage]:
    """The landing pages whose draft or published blocks show the form or the file, by name: a
    form is also shown by a file block of the file it gives away when no other form gives it
    (the block shows that form). What may not be deleted while they do."""
    files: set[int] = {asset.pk} if asset is not None else set()
    if (
        form is not None
        and form.asset_id is not None
        and not Form.objects.filter(asset_id=form.asset_id).exclude(pk=form.pk).exists()
    ):
        files.add(form.asset_id)
    using = []
    pages = LandingPage.objects.order_by("name", "pk").only(
        "pk", "name", "slug", "blocks", "published_blocks"
    )
    for page in pages.iterator():
        shown_forms, shown_files = blocks_references([*page.blocks, *page.published_blocks])
        if (form is not None and form.pk in shown_forms) or files & shown_files:
            using.append(page)
    return using


@dataclass(frozen=True)
class PageFigures:
    visitors: int
    conversions: int
    # Percent of visitors who sent a form on the page; None without visitors.
    rate: int | None


def page_figures(page: LandingPage) -> PageFigures:
    """A page's figures from the counts ``page_list`` annotated (or counted now)."""
    visitors = getattr(page, "visitor_count", None)
    conversions = getattr(page, "conversion_count", None)
    if visitors is None or conversions is None:
        visitors = page.visits.count()
        conversions = page.visits.filter(converted_at__isnull=False).count()
    return PageFigures(
        visitors=visitors,
        conversions=conversions,
        rate=percent(conversions, visitors) if visitors else None,
    )


def page_visitors_per_day(*, page: LandingPage, days: int) -> list[tuple[date, int]]:
    """Distinct visitors of the page per UTC day over the last ``days`` days (today last),
    from its ``page_view`` events: the (type, time) index narrows them, the page is matched
    in the properties."""
    today = clock.now().astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=UTC)
    rows = (
        Event.objects.filter(
            type="page_view", occurred_at__gte=start, properties__landing_page=page.pk
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=UTC))
        .values("day")
        .annotate(visitors=Count("visitor_id", distinct=True))
        .order_by()
    )
    by_day = {row["day"]: row["visitors"] for row in rows}
    return [
        (first + timedelta(days=i), by_day.get(first + timedelta(days=i), 0)) for i in range(days)
    ]

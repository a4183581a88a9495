"""Reads of contacts and companies: lists with filters, one record, timelines, GDPR export, the
dashboard's figures, custom fields and import jobs."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, get_args

from django.db import connection
from django.db.models import Count, F, OrderBy, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Lower, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from tendril.accounts.models import ApiKey, User
from tendril.contacts.membership import member_of
from tendril.contacts.models import Company, Consent, Contact, CustomField, ImportJob
from tendril.contacts.search import search_matches
from tendril.contacts.stages import stages
from tendril.core import clock
from tendril.core.emails import email_fold
from tendril.core.errors import InvalidInput, first_or_not_found
from tendril.core.events import activity_condition, kind_condition
from tendril.core.models import Event

HOT_SCORE = 10
WARM_SCORE = 5

# Where the grade thresholds come from: (hot, warm). Contacts cannot import the scoring app
# (it sits above contacts), so scoring registers its settings here from its AppConfig.ready().
_thresholds_provider: Callable[[], tuple[int, int]] | None = None


def grade_thresholds_provide(provider: Callable[[], tuple[int, int]] | None) -> None:
    """Make ``provider`` the source of the (hot, warm) score thresholds (None: the defaults)."""
    global _thresholds_provider
    _thresholds_provider = provider


def grade_thresholds() -> tuple[int, int]:
    """The lowest scores that are hot and warm: the scoring settings', else 10 and 5."""
    if _thresholds_provider is None:
        return HOT_SCORE, WARM_SCORE
    return _thresholds_provider()


def grade_for(score: int, thresholds: tuple[int, int] | None = None) -> str:
    """Hot / warm / cold by the configured thresholds (pass them in when grading many)."""
    hot, warm = thresholds or grade_thresholds()
    if score >= hot:
        return "hot"
    if score >= warm:
        return "warm"
    return "cold"


@dataclass(frozen=True)
class ContactFilters:
    email: str | None = None
    q: str | None = None
    stage: str | None = None
    grade: str | None = None
    owner: int | None = None
    company: int | None = None
    source: str | None = None
    segment: int | None = None


def contact_ids_by_email(*, emails: Collection[str]) -> dict[str, int]:
    """Contact id per stored (normalised) email, for the ones that exist.

    On PostgreSQL one array parameter (``= ANY(%s)``) instead of the ORM's ``IN`` with a
    placeholder per email: for the 1,000 emails of an event batch the query went from 15.1 ms to
    5.3 ms, most of it psycopg binding a thousand parameters (bench/event_ingest.py).
    """
    if connection.vendor != "postgresql":
        return dict(Contact.objects.filter(email__in=emails).values_list("email", "id"))
    table = connection.ops.quote_name(Contact._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT email, id FROM {table} WHERE email = ANY(%s)", [list(emails)])
        return dict(cursor.fetchall())


def contact_ids_existing(*, ids: Iterable[int]) -> set[int]:
    return set(Contact.objects.filter(pk__in=list(ids)).values_list("pk", flat=True))


# Merges followed from one id before giving up (a chain longer than this is not a person's).
MAX_MERGE_HOPS = 20


def contact_merged_into(contact_id: int) -> int | None:
    """The contact that ``contact_id`` now lives on after it was merged away (following merges
    of the kept contact in turn), from the ``contacts_merged`` events that name it as ``gone``;
    None when it was never merged, or when the contact it went into was erased since (the
    erasure anonymises that event, so the trail ends there with the person)."""
    seen: set[int] = set()
    current = contact_id
    for _hop in range(MAX_MERGE_HOPS):
        seen.add(current)
        kept = (
            Event.objects.filter(
                type="contacts_merged",
                properties__gone__id=current,
                contact_id__isnull=False,
            )
            .order_by("-occurred_at", "-pk")
            .values_list("contact_id", flat=True)
            .first()
        )
        if kept is None or kept in seen:
            return None
        if Contact.objects.filter(pk=kept).exists():
            return kept
        current = kept
    return None


# The orders of the contact list (API.md ``order``): a column, ``-`` first for descending.
ContactOrder = Literal[
    "created_at",
    "-created_at",
    "last_seen_at",
    "-last_seen_at",
    "score",
    "-score",
    "name",
    "-name",
    "email",
    "-email",
]
CONTACT_ORDERS: tuple[str, ...] = get_args(ContactOrder)
DEFAULT_ORDER: ContactOrder = "-created_at"


def contact_order_check(order: str) -> str:
    """``order`` if the contact list can sort by it; InvalidInput on ``order`` otherwise."""
    if order not in CONTACT_ORDERS:
        raise InvalidInput(
            _("order must be one of %(choices)s (not '%(order)s')")
            % {"choices": ", ".join(CONTACT_ORDERS), "order": order[:40]},
            field="order",
        )
    return order


# The sort keys of each list column. The tie-break on id runs the same way as the column, so one
# index (migration 0007) serves an order and its reverse, and pages never overlap or skip a row.
# Email is unique: it needs no tie-break.
_ORDER_KEYS: dict[str, tuple[F | Lower, ...]] = {
    "created_at": (F("created_at"), F("id")),
    "last_seen_at": (F("last_seen_at"), F("id")),
    "score": (F("score"), F("id")),
    "name": (Lower("last_name"), Lower("first_name"), F("id")),
    "email": (F("email"),),
}


def _ordering(order: str) -> list[OrderBy]:
    column = order.lstrip("-")
    # Only last_seen_at can be empty: people never seen come last, whichever way it runs.
    nulls_last = True if column == "last_seen_at" else None
    if order.startswith("-"):
        return [key.desc(nulls_last=nulls_last) for key in _ORDER_KEYS[column]]
    return [key.asc(nulls_last=nulls_last) for key in _ORDER_KEYS[column]]


def contact_list(*, filters: ContactFilters, order: str = DEFAULT_ORDER) -> QuerySet[Contact]:
    """The contacts matching ``filters``, sorted by ``order`` (checked: InvalidInput on
    ``order`` when the list cannot sort by it)."""
    contact_order_check(order)
    contacts = Contact.objects.select_related("company", "owner")
    if filters.email:
        contacts = contacts.filter(email=email_fold(filters.email))
    if filters.q:
        contacts = contacts.filter(search_matches(filters.q))
    if filters.stage:
        contacts = contacts.filter(stage=filters.stage)
    hot, warm = grade_thresholds()
    if filters.grade == "hot":
        contacts = contacts.filter(score__gte=hot)
    elif filters.grade == "warm":
        contacts = contacts.filter(score__gte=warm, score__lt=hot)
    elif filters.grade == "cold":
        contacts = contacts.filter(score__lt=warm)
    if filters.owner is not None:
        contacts = contacts.filter(owner_id=filters.owner)
    if filters.company is not None:
        contacts = contacts.filter(company_id=filters.company)
    if filters.source:
        contacts = contacts.filter(source=filters.source)
    if filters.segment is not None:
        contacts = contacts.filter(member_of(filters.segment))
    return contacts.order_by(*_ordering(order))


def contact_get_for(viewer: User | ApiKey, contact_id: int) -> Contact:
    """A contact the viewer may see; 404 otherwise (every role sees every contact today)."""
    contacts = Contact.objects.select_related("company", "owner").prefetch_related("consents")
    return first_or_not_found(
        contacts.filter(pk=contact_id), _("no contact with id %(id)s") % {"id": contact_id}
    )


def contact_timeline(*, contact: Contact, kind: str | None = None) -> QuerySet[Event]:
    """Newest first; only the events of one kind (web, email, ...) when ``kind`` is given."""
    events = Event.objects.filter(contact_id=contact.pk)
    if kind:
        events = events.filter(kind_condition(kind))
    return events.order_by("-occurred_at", "-id")


def contact_consents(contact: Contact) -> list[Consent]:
    return sorted(contact.consents.all(), key=lambda c: c.channel)


# The orders of the company list: a column, ``-`` first for descending.
CompanyOrder = Literal["name", "-name", "contacts", "-contacts", "score", "-score"]
COMPANY_ORDERS: tuple[str, ...] = get_args(CompanyOrder)
_COMPANY_ORDER_COLUMNS = {"name": "name", "contacts": "contact_count", "score": "total_score"}


def company_list(
    *, q: str | None = None, industry: str | None = None, order: str = "name"
) -> QuerySet[Company]:
    """Companies with ``contact_count`` and ``total_score``: a company's score is the sum of
    its contacts' scores (0 without contacts), so the accounts most engaged as a whole come
    first when sorted by it. ``order`` is one of ``COMPANY_ORDERS`` (else by name)."""
    companies = Company.objects.annotate(
        contact_count=Count("contacts"), total_score=Coalesce(Sum("contacts__score"), 0)
    )
    if q:
        companies = companies.filter(search_matches(q))
    if industry:
        companies = companies.filter(industry__iexact=industry)
    order = order if order in COMPANY_ORDERS else "name"
    column = _COMPANY_ORDER_COLUMNS[order.lstrip("-")]
    first = F(column).desc() if order.startswith("-") else F(column).asc()
    return companies.order_by(first, "name", "id")


@dataclass(frozen=True)
class CompanyScore:
    """A company's score in parts: its contacts per grade and the highest scored of them."""

    hot: int
    warm: int
    cold: int
    top: list[Contact]


def company_score(*, company: Company, top: int = 5) -> CompanyScore:
    """How a company's score (``total_score``, the sum of its contacts' scores) is made up: one
    counting query over its contacts by the configured grade thresholds, and its ``top``
    contacts by score."""
    hot, warm = grade_thresholds()
    contacts = Contact.objects.filter(company_id=company.pk)
    counts = contacts.aggregate(
        hot=Count("id", filter=Q(score__gte=hot)),
        warm=Count("id", filter=Q(score__gte=warm, score__lt=hot)),
        cold=Count("id", filter=Q(score__lt=warm)),
    )
    best = list(contacts.filter(score__gt=0).order_by("-score", "id")[:top])
    return CompanyScore(counts["hot"], counts["warm"], counts["cold"], best)


def company_get_for(viewer: User | ApiKey, company_id: int) -> Company:
    return first_or_not_found(
        company_list().filter(pk=company_id), _("no company with id %(id)s") % {"id": company_id}
    )


@dataclass(frozen=True)
class CompanyActivity:
    contact: Contact
    event: Event


def company_activity(*, company: Company, limit: int) -> list[CompanyActivity]:
    """The latest events of the company's contacts, newest first, each with its contact."""
    members = Contact.objects.filter(company_id=company.pk).values("pk")
    events = list(
        Event.objects.filter(contact_id__in=members).order_by("-occurred_at", "-id")[:limit]
    )
    contacts = Contact.objects.in_bulk({e.contact_id for e in events if e.contact_id})
    return [
        CompanyActivity(contacts[e.contact_id], e)
        for e in events
        if e.contact_id in contacts  # erased between the two reads
    ]


def custom_field_list() -> QuerySet[CustomField]:
    return CustomField.objects.all()


def custom_field_get_for(viewer: User | ApiKey, field_id: int) -> CustomField:
    """Every role sees the custom fields: they are on every contact's page."""
    return first_or_not_found(
        CustomField.objects.filter(pk=field_id),
        _("no custom field with id %(id)s") % {"id": field_id},
    )


def custom_field_get_by_key(viewer: User | ApiKey, key: str) -> CustomField:
    return first_or_not_found(
        CustomField.objects.filter(key=key),
        _("no custom field with the key '%(key)s'") % {"key": key},
    )


def contact_source_list() -> list[str]:
    """The sources contacts came from, for the list filter."""
    return list(
        Contact.objects.exclude(source="")
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()[:100]
    )


def import_job_list() -> QuerySet[ImportJob]:
    """Newest first (the model's ordering)."""
    return ImportJob.objects.all()


def import_job_get_for(viewer: User | ApiKey, job_id: int) -> ImportJob:
    """Imports are marketing's work; the screens check the role, every marketer sees every job."""
    return first_or_not_found(
        ImportJob.objects.filter(pk=job_id), _("no import with id %(id)s") % {"id": job_id}
    )


# --- the dashboard --------------------------------------------------------------------------
# The reports capability will own richer figures; these stay deliberately few and cheap: each
# one a count over the period or one grouped count per day.

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


@dataclass(frozen=True)
class Trend:
    """A figure and the same figure one period earlier, with the change in percent (rounded;
    ``None`` when there was nothing to compare with: no percentage of zero)."""

    value: int
    previous: int
    change: int | None

    @property
    def change_size(self) -> int:
        return abs(self.change or 0)


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` (not 0) in percent, rounded half away from zero."""
    return int((Decimal(part) * 100 / whole).quantize(Decimal(1), ROUND_HALF_UP))


def trend(value: int, previous: int) -> Trend:
    if previous == 0:
        return Trend(value, previous, None if value else 0)
    return Trend(value, previous, percent(value - previous, previous))


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int
    share: int  # percent of all contacts, rounded


@dataclass(frozen=True)
class DashboardFigures:
    days: int
    first_day: date
    contacts: Trend  # all contacts, against as many one period ago
    contacts_new: Trend
    companies: Trend
    activity: Trend  # things people did (page views, emails opened, forms, ...)
    new_per_day: list[DayCount]
    activity_per_day: list[DayCount]
    per_stage: list[StageCount]
    recent_contacts: list[Contact]


@dataclass(frozen=True)
class _Period:
    """The chosen number of the viewer's days up to now, and the period just before it, of
    the same length to the second (today is not over yet: compare like with like)."""

    first_day: date
    start: datetime
    end: datetime
    previous_start: datetime
    previous_end: datetime


def _period(days: int, zone: tzinfo) -> _Period:
    now = clock.now()
    first_day = now.astimezone(zone).date() - timedelta(days=days - 1)
    # Midnight where the viewer is (zoneinfo knows its offset that day, summer time included).
    start = datetime.combine(first_day, time.min, tzinfo=zone)
    previous_start = datetime.combine(first_day - timedelta(days=days), time.min, tzinfo=zone)
    return _Period(first_day, start, now, previous_start, previous_start + (now - start))


def _per_day(
    rows: QuerySet[Any], field: str, period: _Period, days: int, zone: tzinfo
) -> list[DayCount]:
    """How many rows per day of the period, the day taken in the viewer's time zone by the
    database (``TruncDate`` with ``tzinfo``, on SQLite and PostgreSQL alike); days without
    any row are there with 0."""
    counts = dict(
        rows.filter(**{f"{field}__gte": period.start, f"{field}__lte": period.end})
        .order_by()
        .annotate(day=TruncDate(field, tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    every_day = (period.first_day + timedelta(days=i) for i in range(days))
    return [DayCount(day, counts.get(day, 0)) for day in every_day]


def _in(rows: QuerySet[Any], field: str, start: datetime, end: datetime) -> int:
    return rows.filter(**{f"{field}__gte": start, f"{field}__lt": end}).count()


def dashboard_figures(*, days: int = DEFAULT_PERIOD, recent: int = 10) -> DashboardFigures:
    """The home page's figures over the last ``days`` of the viewer's calendar (their time
    zone: the active one), each compared with the period before."""
    zone = timezone.get_current_timezone()
    period = _period(days, zone)
    activity = Event.objects.filter(activity_condition())
    new_per_day = _per_day(Contact.objects.all(), "created_at", period, days, zone)
    activity_per_day = _per_day(activity, "occurred_at", period, days, zone)
    counts = dict(
        Contact.objects.order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    total = sum(counts.values())
    then = period.previous_end
    return DashboardFigures(
        days=days,
        first_day=period.first_day,
        contacts=trend(total, Contact.objects.filter(created_at__lt=then).count()),
        contacts_new=trend(
            sum(d.count for d in new_per_day),
            _in(Contact.objects.all(), "created_at", period.previous_start, then),
        ),
        companies=trend(
            Company.objects.count(), Company.objects.filter(created_at__lt=then).count()
        ),
        activity=trend(
            sum(d.count for d in activity_per_day),
            _in(activity, "occurred_at", period.previous_start, then),
        ),
        new_per_day=new_per_day,
        activity_per_day=activity_per_day,
        per_stage=[
            StageCount(
                key,
                label,
                counts.get(key, 0),
                percent(counts.get(key, 0), total) if total else 0,
            )
            for key, label in stages()
        ],
        recent_contacts=list(
            Contact.objects.select_related("company", "owner").order_by("-created_at", "-id")[
                :recent
            ]
        ),
    )


def contact_personal_data(*, contact: Contact) -> dict[str, Any]:
    """Everything Tendril holds about one person (GDPR access request), as plain JSON."""
    return {
        "contact": {
            "id": contact.pk,
            "email": contact.email,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "phone": contact.phone,
            "source": contact.source,
            "stage": contact.stage,
            "score": contact.score,
            "fields": contact.fields,
            "created_at": contact.created_at.isoformat(),
            "last_seen_at": contact.last_seen_at.isoformat() if contact.last_seen_at else None,
            "company": contact.company.name if contact.company else None,
            "owner": contact.owner.email if contact.owner else None,
        },
        "consent": [
            {
                "channel": c.channel,
                "status": c.status,
                "given_at": c.given_at.isoformat(),
                "method": c.method,
                "note": c.note,
            }
            for c in contact.consents.all()
        ],
        "events": [
            {
                "type": e.type,
                "occurred_at": e.occurred_at.isoformat(),
                "properties": e.properties,
                "source": e.source,
            }
            for e in contact_timeline(contact=contact).iterator(chunk_size=2000)
        ],
    }

"""Reads that only the UI needs: dashboard figures and filter options.

The reports capability will own richer figures; these stay deliberately few and cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count

from tendril.accounts.models import User
from tendril.contacts.models import Company, Contact, Stage
from tendril.core import clock
from tendril.core.models import Event

RECENT_DAYS = 7


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


@dataclass(frozen=True)
class DashboardFigures:
    contacts: int
    contacts_new: int
    companies: int
    events_recent: int
    per_stage: list[StageCount]
    recent_contacts: list[Contact]


def dashboard_figures(*, recent: int = 10) -> DashboardFigures:
    since = clock.now() - timedelta(days=RECENT_DAYS)
    counts = dict(
        Contact.objects.order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return DashboardFigures(
        contacts=sum(counts.values()),
        contacts_new=Contact.objects.filter(created_at__gte=since).count(),
        companies=Company.objects.count(),
        events_recent=Event.objects.filter(occurred_at__gte=since).count(),
        per_stage=[StageCount(s.value, str(s.label), counts.get(s.value, 0)) for s in Stage],
        recent_contacts=list(
            Contact.objects.select_related("company", "owner").order_by("-created_at", "-id")[
                :recent
            ]
        ),
    )


def contact_sources() -> list[str]:
    """The sources contacts came from, for the list filter."""
    return list(
        Contact.objects.exclude(source="")
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()[:100]
    )


def active_users() -> list[User]:
    return list(User.objects.filter(is_active=True).order_by("first_name", "last_name", "email"))

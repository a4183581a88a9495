"""Reads of alerts: a segment's alert and the people it tells, every alert for the API, and
who may be chosen."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from tendril.accounts.models import User
from tendril.accounts.selectors import user_list
from tendril.alerts.models import SegmentAlert
from tendril.segments.models import Segment


def _with_people(alerts: QuerySet[SegmentAlert]) -> QuerySet[SegmentAlert]:
    people = User.objects.filter(is_active=True).order_by("first_name", "last_name", "email")
    return alerts.prefetch_related(Prefetch("users", queryset=people))


def alert_list() -> QuerySet[SegmentAlert]:
    """Every segment's alert, by segment name, with its active people."""
    return _with_people(SegmentAlert.objects.select_related("segment")).order_by(
        "segment__name", "pk"
    )


def alert_of(segment: Segment) -> SegmentAlert | None:
    """The segment's alert with its active people, or None when it has none."""
    return _with_people(SegmentAlert.objects.filter(segment=segment)).first()


def alert_choices() -> QuerySet[User]:
    """The people an alert can tell: every active user."""
    return user_list(active_only=True)

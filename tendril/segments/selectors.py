"""Reads of segments: the list with member counts, one segment, its members and their history
day by day, a preview of a filter not yet saved, and the hooks the contacts app reads
membership through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.contacts.models import Contact
from tendril.core import clock
from tendril.core.errors import first_or_not_found
from tendril.segments.dsl import filter_contacts
from tendril.segments.models import Segment, SegmentDay, SegmentErasures, SegmentMember, day_of

PREVIEW_SAMPLE = 10
# The periods the segment page's "members over time" offers, in days.
HISTORY_PERIODS = (30, 90)


def segment_list(*, q: str | None = None) -> QuerySet[Segment]:
    """Every segment by name, each with ``member_count``; ``q`` keeps those whose name has it
    (the segment list's search)."""
    segments = Segment.objects.annotate(member_count=Count("members")).order_by("name", "pk")
    return segments.filter(name__icontains=q) if q else segments


def segment_get_for(viewer: Caller, segment_id: int) -> Segment:
    """A segment with ``member_count``; 404 otherwise (every role sees every segment)."""
    return first_or_not_found(
        segment_list().filter(pk=segment_id), _("There is no segment %(id)s.") % {"id": segment_id}
    )


def segment_contacts(*, segment: Segment) -> QuerySet[Contact]:
    """The segment's stored members, newest contacts first."""
    return (
        Contact.objects.filter(member_of(segment.pk))
        .select_related("company", "owner")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class HistoryDay:
    day: date
    # Members at the end of the day; None before the segment's history starts.
    members: int | None
    entered: int
    exited: int


def membership_history(*, segment: Segment, days: int) -> list[HistoryDay]:
    """The last ``days`` days up to today (the instance's calendar), oldest first: the members
    at each day's end, and how many entered and left that day.

    Read from the day counts (:class:`SegmentDay`, :class:`SegmentErasures` with the exits),
    at most two rows a day and the first one,
    whatever the size of the event log: a past day's members are today's
    (``segment.member_count``) minus what entered after that day, plus what left after it."""
    last = day_of(clock.now())
    first = last - timedelta(days=days - 1)
    period = {"segment": segment, "day__gte": first, "day__lte": last}
    counts = {row.day: (row.entered, row.exited) for row in SegmentDay.objects.filter(**period)}
    # Members deleted with their contact left too, without an exit of their own.
    for day, erased in SegmentErasures.objects.filter(**period).values_list("day", "count"):
        entered, exited = counts.get(day, (0, 0))
        counts[day] = (entered, exited + erased)
    start = SegmentDay.objects.filter(segment=segment).aggregate(start=Min("day"))["start"]
    start = start or day_of(segment.created_at)
    members: int = segment.member_count  # type: ignore[attr-defined]
    series: list[HistoryDay] = []
    for offset in range(days):
        day = last - timedelta(days=offset)
        entered, exited = counts.get(day, (0, 0))
        series.append(HistoryDay(day, members if day >= start else None, entered, exited))
        members -= entered - exited
    series.reverse()
    return series


@dataclass(frozen=True)
class Preview:
    count: int
    sample: list[Contact]


def segment_preview(*, filter: Any) -> Preview:
    """How many contacts a filter matches now and ten of them, nothing saved (InvalidInput
    names the filter's bad part by its path in the filter, like ``all[1].op``)."""
    matching = filter_contacts(filter)
    sample = list(
        matching.select_related("company", "owner").order_by("-created_at", "-id")[:PREVIEW_SAMPLE]
    )
    return Preview(count=matching.count(), sample=sample)


def member_of(segment_id: int) -> Q:
    """The condition on contacts "is a member of segment ``segment_id``" (none if unknown)."""
    return Q(pk__in=SegmentMember.objects.filter(segment_id=segment_id).values("contact_id"))


def segments_of(contact_id: int) -> list[int]:
    """The ids of the segments a contact is in, ascending."""
    return list(
        SegmentMember.objects.filter(contact_id=contact_id)
        .order_by("segment_id")
        .values_list("segment_id", flat=True)
    )

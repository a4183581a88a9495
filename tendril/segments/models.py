"""segments's tables: a segment (a filter, or a hand-kept static list) and its stored members.

Members are stored, not computed on each read, so that "contacts in segment N" is an indexed
join for the contact list, exports and campaigns, and so that entering and leaving are facts
(``segment_entered`` / ``segment_exited``) that journeys and alerts can react to.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class Segment(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # The filter DSL (API.md "Segments"); empty for a static list.
    filter = models.JSONField(default=dict, blank=True)
    static = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SegmentMember(models.Model):
    """One contact in one segment. ``contact_id`` is a plain column, like the event log's: the
    contacts app removes erased contacts' rows through its hook, and merging moves them."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="members")
    contact_id = models.BigIntegerField()
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "contact_id"], name="segment_member_once")
        ]
        # "Which segments is this contact in?" (the contact body, the contact page).
        indexes = [models.Index(fields=["contact_id", "segment"], name="segment_member_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.segment_id}"


class SegmentRecheck(models.Model):
    """When one contact's place in one segment must be looked at again without any new event:
    the moment an event its filter counts ``within`` a window falls out of that window, or a
    date it compares with a duration from now passes that line.

    Stored so that time-window exits are found by an indexed scan of due rows, not by
    re-running every windowed filter over every contact; unique per (segment, contact), so a
    contact has one next moment per segment, replaced each time they are evaluated."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="rechecks")
    contact_id = models.BigIntegerField()
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "contact_id"], name="segment_recheck_once")
        ]
        indexes = [models.Index(fields=["due_at"], name="segment_recheck_due")]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.segment_id} at {self.due_at}"


class SegmentDay(models.Model):
    """How many contacts entered and left one segment on one day (the instance's calendar day,
    ``TENDRIL_TIME_ZONE``).

    Counted by the same transactions that change the membership, so the figures are exact and
    the segment page's "members over time" is read from at most one row per day, never from
    the event log (which may hold tens of millions of ``segment_entered`` rows). The members at
    the end of a past day are today's count minus what entered since, plus what left since.
    A segment gets a row on the day it is created (or, for older segments, the day this table
    arrived): the first row's day is where its history starts."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    entered = models.PositiveIntegerField(default=0)
    exited = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["segment", "day"], name="segment_day_once")]

    def __str__(self) -> str:
        return f"{self.segment_id} on {self.day}: +{self.entered} -{self.exited}"


class SegmentErasures(models.Model):
    """How many members of one segment were deleted on one day (erasure, an import's undo):
    they leave without a ``segment_exited`` (nothing may name them), and the history counts
    them with the day's exits.

    Apart from :class:`SegmentDay` because deleting people does not lock the segments they are
    in: if it raised the same row as the segment's writers (the consumer holds its day row while
    it goes on writing members), the two could each wait for the other. Here only deletions
    wait for each other."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="erasures")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "day"], name="segment_erasures_once")
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} on {self.day}: -{self.count}"


def day_of(moment: datetime) -> date:
    """The day a :class:`SegmentDay` counts ``moment`` in: the instance's calendar
    (``TENDRIL_TIME_ZONE``), never the time zone of whoever's request made the change, so that
    every writer and reader puts a moment on the same day."""
    return timezone.localdate(moment, timezone.get_default_timezone())

"""Segments' background work: contacts leave (or enter) windowed segments when their time comes,
and the segments filtering on grade follow a change of the grade thresholds.

A filter like "downloaded the white paper within the past week" changes its answer for a contact
with no new event, when the download falls out of the window. Each evaluation stores that moment
(``SegmentRecheck``); this job claims the rows that are due and re-evaluates only those contacts.
"""

from __future__ import annotations

from celery import shared_task

from tendril.core.scheduler import periodic
from tendril.segments.regrade import grade_segments_rebuild
from tendril.segments.services import segment_rechecks_run, segments_with_due_rechecks


@periodic(every=30.0)
@shared_task(name="tendril.segments_recheck")
def segments_recheck() -> int:
    """Re-evaluate every contact whose window moment has passed; returns how many."""
    done = 0
    for segment_id in segments_with_due_rechecks():
        while step := segment_rechecks_run(segment_id=segment_id):
            done += step
    return done


@shared_task(name="tendril.segments.grade_segments_rebuild", ignore_result=True)
def grade_segments_rebuild_run() -> int:
    """Bring the grade segments up to date with new thresholds; returns the contacts moved."""
    return grade_segments_rebuild()

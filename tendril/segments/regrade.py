"""Segments that filter on grade, re-evaluated when the grade thresholds change.

A contact's grade is its score read against the thresholds: a new "hot from 15" moves contacts
between grades with no event of theirs, so the consumer, which follows events, never hears of it.
Scoring says so (``grades_moved``); the segments whose filters name ``grade``, and the segments
that refer to those, are rebuilt in the background, in dependency order.
"""

from __future__ import annotations

from collections.abc import Mapping

from tendril.scoring.selectors import thresholds_forget
from tendril.segments.dsl import references
from tendril.segments.models import Segment
from tendril.segments.services import segment_rebuild, segments_in_order


def _names_grade(node: object) -> bool:
    if isinstance(node, list):
        return any(_names_grade(item) for item in node)
    if not isinstance(node, Mapping):
        return False
    return node.get("field") == "grade" or any(
        _names_grade(node[key]) for key in ("all", "any", "not") if key in node
    )


def grade_segments() -> list[Segment]:
    """The dynamic segments whose members depend on the thresholds, each after those it
    refers to."""
    moved: list[Segment] = []
    for segment in segments_in_order():
        if _names_grade(segment.filter) or references(segment.filter) & {s.pk for s in moved}:
            moved.append(segment)
    return moved


def grade_segments_rebuild() -> int:
    """Rebuild the grade segments against the thresholds as stored now (not as this process
    cached them); returns how many contacts entered or left."""
    thresholds_forget()
    return sum(sum(segment_rebuild(segment=segment)) for segment in grade_segments())

"""New grade thresholds move grades with no event: the segments filtering on grade, and those
that refer to them, follow once the change commits."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event
from tendril.scoring.selectors import thresholds_forget
from tendril.scoring.services import settings_update
from tendril.segments.models import Segment
from tendril.segments.regrade import grade_segments
from tendril.segments.services import segment_create

pytestmark = pytest.mark.django_db
HOT = {"field": "grade", "op": "eq", "value": "hot"}


@pytest.fixture(autouse=True)
def in_process(settings: Any) -> Any:
    settings.BROKER_URL = ""  # the rebuild runs in-process, even in the Redis pass
    thresholds_forget()
    yield
    thresholds_forget()


def members(segment: Segment) -> set[int]:
    return set(segment.members.values_list("contact_id", flat=True))


def thresholds(hot: int, warm: int, marketer: Any) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        settings_update(hot=hot, warm=warm, decay_points=0, decay_every=None, by=marketer)


def test_raising_the_hot_threshold_moves_contacts_out_of_a_hot_segment(marketer: Any) -> None:
    twelve, twenty = ContactFactory(score=12), ContactFactory(score=20)
    hot = segment_create(name="Hot leads", filter=HOT, by=marketer)
    assert members(hot) == {twelve.pk, twenty.pk}

    thresholds(15, 5, marketer)

    assert members(hot) == {twenty.pk}
    left = Event.objects.get(type="segment_exited", properties__segment=hot.pk)
    assert left.contact_id == twelve.pk


def test_a_segment_built_on_a_grade_segment_follows_it(marketer: Any) -> None:
    twelve = ContactFactory(score=12)
    hot = segment_create(name="Hot leads", filter=HOT, by=marketer)
    hot_in_hanoi = segment_create(
        name="Hot in Hanoi", filter={"all": [{"segment": hot.pk}]}, by=marketer
    )
    assert members(hot_in_hanoi) == {twelve.pk}

    thresholds(15, 5, marketer)

    assert members(hot_in_hanoi) == set()


def test_only_segments_that_depend_on_grades_are_rebuilt(marketer: Any) -> None:
    hot = segment_create(name="Hot leads", filter=HOT, by=marketer)
    by_score = segment_create(
        name="Scored", filter={"field": "score", "op": "gte", "value": 1}, by=marketer
    )
    nested = segment_create(
        name="Not hot", filter={"not": {"any": [{"segment": hot.pk}]}}, by=marketer
    )

    assert [s.pk for s in grade_segments()] == [hot.pk, nested.pk]
    assert by_score.pk not in {s.pk for s in grade_segments()}


def test_thresholds_saved_unchanged_rebuild_nothing(marketer: Any) -> None:
    ContactFactory(score=12)
    segment_create(name="Hot leads", filter=HOT, by=marketer)
    before = Event.objects.count()

    thresholds(10, 5, marketer)

    assert Event.objects.count() == before

"""Score decay: points fade per full idle period, once each, never below 0."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from tendril.accounts.models import User
from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.models import Event
from tendril.scoring.consumers import score_events
from tendril.scoring.decay import scores_decay
from tendril.scoring.models import DECAY, ScoreEntry
from tendril.scoring.services import rule_create, settings_update
from tendril.scoring.tasks import scores_decay_tick

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def _contact_at_ten() -> Contact:
    """A contact given 10 points by a rule at START."""
    contact: Contact = ContactFactory()
    rule_create(data={"name": "Demo", "event": "page_view", "points": 10}, by=None)
    with transaction.atomic():  # as the consumer runs a batch
        score_events([EventFactory(contact_id=contact.pk, occurred_at=START)])
    contact.refresh_from_db()
    assert contact.score == 10
    return contact


def _decay(points: int, every: str | None) -> None:
    settings_update(hot=10, warm=5, decay_points=points, decay_every=every, by=None)


def _score_at(contact: Contact, moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        scores_decay_tick()
    contact.refresh_from_db()
    return contact.score


def test_points_fade_by_each_full_period_and_stop_at_zero() -> None:
    contact = _contact_at_ten()
    _decay(2, "P7D")
    assert _score_at(contact, START + WEEK - timedelta(seconds=1)) == 10
    assert _score_at(contact, START + WEEK) == 8
    assert _score_at(contact, START + 2 * WEEK + timedelta(hours=1)) == 6
    # Three idle periods at once (the job did not run): all three count.
    assert _score_at(contact, START + 5 * WEEK) == 0
    assert _score_at(contact, START + 9 * WEEK) == 0
    assert list(
        ScoreEntry.objects.filter(rule_name=DECAY).order_by("at").values_list("points", "at")
    ) == [(-2, START + WEEK), (-2, START + 2 * WEEK), (-6, START + 5 * WEEK)]


def test_running_twice_in_one_period_decays_once() -> None:
    contact = _contact_at_ten()
    _decay(2, "P7D")
    assert _score_at(contact, START + WEEK + timedelta(days=1)) == 8
    assert _score_at(contact, START + WEEK + timedelta(days=6)) == 8
    assert ScoreEntry.objects.filter(rule_name=DECAY).count() == 1


def test_a_new_score_change_restarts_the_period() -> None:
    contact = _contact_at_ten()
    _decay(2, "P7D")
    score_events([EventFactory(contact_id=contact.pk, occurred_at=START + timedelta(days=5))])
    assert _score_at(contact, START + WEEK + timedelta(days=1)) == 20
    assert _score_at(contact, START + timedelta(days=12)) == 18


def test_decay_off_changes_nothing() -> None:
    contact = _contact_at_ten()
    _decay(0, None)
    assert _score_at(contact, START + 10 * WEEK) == 10
    assert scores_decay() == 0
    assert not ScoreEntry.objects.filter(rule_name=DECAY).exists()


def test_each_decay_is_announced_as_a_score_change() -> None:
    contact = _contact_at_ten()
    _decay(3, "P1D")
    _score_at(contact, START + timedelta(days=2))
    change = Event.objects.filter(contact_id=contact.pk, type="score_changed").latest("id")
    assert change.properties == {"points": -6, "score": 4, "rule": DECAY}
    # Nothing left to take: no further ledger rows or events.
    _score_at(contact, START + timedelta(days=10))
    _score_at(contact, START + timedelta(days=20))
    assert Event.objects.filter(contact_id=contact.pk, type="score_changed").count() == 3
    assert ScoreEntry.objects.filter(rule_name=DECAY).count() == 2


def test_why_this_score_explains_the_decay(marketer: User) -> None:
    contact = _contact_at_ten()
    _decay(2, "P7D")
    _score_at(contact, START + WEEK)
    client = Client()
    client.force_login(marketer)
    page = client.get(reverse("contacts:contact_detail", args=[contact.pk])).content.decode()
    decay_row = page.split('id="why-score"')[1].split("</tr>")[1]
    assert "Decay" in decay_row and "-2" in decay_row
    assert "Points fade while the contact does nothing for a while." in decay_row


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_running_decay_at_once_take_each_period_once() -> None:
    contact = _contact_at_ten()
    _decay(2, "P7D")
    barrier = threading.Barrier(6)
    done: list[int] = []

    def work() -> None:
        try:
            barrier.wait()
            done.append(scores_decay())
        finally:
            connections.close_all()

    with time_machine.travel(START + WEEK, tick=False):
        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    contact.refresh_from_db()
    assert (contact.score, sorted(done)) == (8, [0, 0, 0, 0, 0, 1])
    assert ScoreEntry.objects.filter(rule_name=DECAY).count() == 1

"""Background work: in-process without a broker, through a real Celery worker with one."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.contacts.models import Contact
from tendril.core import tasks
from tendril.core.models import ConsumerCursor, Event


def _visit(email: str) -> None:
    events_ingest(
        items=[NewEvent(type="page_view", email=email, properties={"url": "https://a.io/pricing"})]
    )


@pytest.mark.django_db(transaction=True)
@override_settings(BROKER_URL="")
def test_without_a_broker_an_enqueued_task_runs_once_the_transaction_commits():
    _visit("ann@acme.io")
    with transaction.atomic():
        tasks.enqueue(tasks.consumers_tick)
        assert Contact.objects.get(email="ann@acme.io").last_seen_at is None
    assert Contact.objects.get(email="ann@acme.io").last_seen_at is not None


@pytest.mark.django_db(transaction=True)
@override_settings(BROKER_URL="")
def test_the_in_process_worker_thread_runs_queued_tasks():
    _visit("bo@acme.io")
    worker = tasks.local_worker_start()
    try:
        tasks.enqueue(tasks.consumers_tick)
    finally:
        worker.stop()
        worker.join(timeout=10)
        tasks._local_worker = None
    assert Contact.objects.get(email="bo@acme.io").last_seen_at is not None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_sent_through_the_broker_runs_on_a_real_celery_worker(settings):
    from celery.contrib.testing.worker import start_worker

    from tendril.celery import app

    assert settings.BROKER_URL, "this test needs BROKER_URL"
    _visit("cy@acme.io")
    last_event = Event.objects.latest("id").pk
    with start_worker(
        app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30
    ):
        result = tasks.consumers_tick.apply_async()
        moved = result.get(timeout=30)
    assert moved >= 1
    assert Contact.objects.get(email="cy@acme.io").last_seen_at is not None
    assert ConsumerCursor.objects.get(name="contacts.last_seen").position >= last_event

"""The event log (every fact about a person), the cursors its consumers read it with, and the
dead letters they park when one event keeps failing.

The kernel knows people only by id: ``contact_id`` is a plain column, so ``core`` depends on
no app. The contacts app keeps it consistent (erasure anonymises events before the contact
goes; merging moves them).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventSource(models.TextChoices):
    API = "api", "API"
    TRACKING = "tracking", _("Website tracking")
    IMPORT = "import", _("Import")
    UI = "ui", _("User interface")
    SYSTEM = "system", "Tendril"
    DEMO = "demo", _("Demo data")


class CurrentTransactionId(models.Func):
    """The id of the transaction writing the row: PostgreSQL's ``xid8`` as a bigint.

    Consumers read the log in ``(txid, id)`` order and only below the oldest transaction still
    open, so a row whose transaction commits late is never skipped (see
    :mod:`tendril.core.consumers`). SQLite has one writer at a time, so id order is already
    commit order there and the column stays 0.
    """

    template = "0"
    output_field = models.BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return "(pg_current_xact_id()::text::bigint)", []


class Event(models.Model):
    """One fact: who (contact, or an anonymous visitor), what (type, properties), when."""

    contact_id = models.BigIntegerField(null=True, blank=True)
    visitor_id = models.CharField(max_length=64, blank=True, default="")
    type = models.CharField(max_length=80)
    properties = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=EventSource.choices, default=EventSource.API)
    # Filled in by the database, never by Python: the writer's transaction id (0 on SQLite).
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    class Meta:
        indexes = [
            # The contact timeline: newest first for one contact.
            models.Index(fields=["contact_id", "-occurred_at"], name="event_timeline"),
            # Behaviour filters and reports: one type over a time window.
            models.Index(fields=["type", "occurred_at"], name="event_type_time"),
            # Re-attribution when an anonymous visitor identifies: only unowned rows matter.
            models.Index(
                fields=["visitor_id"],
                name="event_anonymous_visitor",
                condition=models.Q(contact_id__isnull=True) & ~models.Q(visitor_id=""),
            ),
            # Consumers read the log in (txid, id) order from their cursor.
            models.Index(fields=["txid", "id"], name="event_log_order"),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class VisitorLink(models.Model):
    """An anonymous visitor id known to belong to a contact."""

    visitor_id = models.CharField(max_length=64, unique=True)
    contact_id = models.BigIntegerField(db_index=True)
    linked_at = models.DateTimeField()


class ConsumerCursor(models.Model):
    """How far one consumer (scoring, segments, journeys, ...) has read the event log: every
    event at or before ``(txid, position)`` in log order has been handed to it."""

    name = models.CharField(max_length=80, unique=True)
    txid = models.BigIntegerField(default=0)
    position = models.BigIntegerField(default=0)
    processed = models.BigIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    retry_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ ({self.txid}, {self.position})"


class DeadLetterStatus(models.TextChoices):
    PARKED = "parked", _("Parked")
    RETRIED = "retried", _("Delivered on retry")
    SKIPPED = "skipped", _("Skipped")


class DeadLetter(models.Model):
    """An event one consumer could not handle: parked so the consumer moves on, kept with its
    error until someone retries or skips it."""

    consumer = models.CharField(max_length=80)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=DeadLetterStatus.choices, default=DeadLetterStatus.PARKED
    )
    parked_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consumer", "event"], name="dead_letter_once")
        ]
        indexes = [
            # The System screen and `tendril status`: what is still parked, per consumer.
            models.Index(
                fields=["consumer", "-parked_at"],
                name="dead_letter_parked",
                condition=models.Q(status="parked"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.consumer}: event {self.event_id}"

"""The event log (every fact about a person) and the cursors its consumers read it with."""

from __future__ import annotations

from django.db import models


class EventSource(models.TextChoices):
    API = "api", "API"
    TRACKING = "tracking", "Website tracking"
    IMPORT = "import", "Import"
    UI = "ui", "User interface"
    SYSTEM = "system", "Tendril"
    DEMO = "demo", "Demo data"


class Event(models.Model):
    """One fact: who (contact, or an anonymous visitor), what (type, properties), when."""

    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    visitor_id = models.CharField(max_length=64, blank=True, default="")
    type = models.CharField(max_length=80)
    properties = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=EventSource.choices, default=EventSource.API)

    class Meta:
        indexes = [
            # The contact timeline: newest first for one contact.
            models.Index(fields=["contact", "-occurred_at"], name="event_timeline"),
            # Behaviour filters and reports: one type over a time window.
            models.Index(fields=["type", "occurred_at"], name="event_type_time"),
            # Re-attribution when an anonymous visitor identifies: only unowned rows matter.
            models.Index(
                fields=["visitor_id"],
                name="event_anonymous_visitor",
                condition=models.Q(contact__isnull=True) & ~models.Q(visitor_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class VisitorLink(models.Model):
    """An anonymous visitor id known to belong to a contact."""

    visitor_id = models.CharField(max_length=64, unique=True)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="visitor_links"
    )
    linked_at = models.DateTimeField()


class ConsumerCursor(models.Model):
    """How far one consumer (scoring, segments, journeys, ...) has read the event log."""

    name = models.CharField(max_length=80, unique=True)
    position = models.BigIntegerField(default=0)
    processed = models.BigIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    retry_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"

"""alerts's tables: a segment's alert (who is told, how) and what it has told (deliveries).

One alert per segment; the people it tells are chosen by marketing, or subscribe themselves
(sales reps). ``AlertDelivery`` is unique per (alert, event, user): the consumer writes it with
the notification in one transaction, so a replayed ``segment_entered`` tells nobody twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tendril.segments.models import Segment


class SegmentAlert(models.Model):
    segment = models.OneToOneField(Segment, on_delete=models.CASCADE, related_name="+")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    in_app = models.BooleanField(default=True)
    by_email = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"alert on {self.segment_id}"


class AlertDelivery(models.Model):
    """One user told of one entry (``event_id``: its ``segment_entered`` event), or of a burst
    of entries at once (``event_id``: the burst's first event, ``contacts``: its size)."""

    alert = models.ForeignKey(SegmentAlert, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.BigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contacts = models.PositiveIntegerField(default=1)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "event_id", "user"], name="alert_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}/{self.event_id} to {self.user_id}"

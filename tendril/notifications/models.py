"""notifications's table: one message to one user, unread until they look.

A notification stores its ``kind`` and the ``params`` that fill in its words, not the words
themselves: the kind's sentences are rendered when the notification is read, in the reader's
language (a Thai user reads Thai even when a Vietnamese marketer's change caused it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    # A path inside Tendril ("/contacts/12/"): where opening the notification leads.
    url = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A user's inbox, newest first (the notifications page and the API list).
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            # The bell's unread count on every page: only the unread rows are in it.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

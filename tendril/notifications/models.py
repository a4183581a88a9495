"""notifications's table: one message to one user, unread until they look.

A notification stores its ``kind`` and the ``params`` that fill in its words, not the words
themselves: the kind's sentences are rendered when the notification is read, in the reader's
language (a Thai user reads Thai even when a Vietnamese marketer's change caused it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationEmail(models.Model):
    """One notification email waiting to leave, or that left: the outbox.

    Written in the transaction that makes the notification, so an email is never lost to a
    crash after the commit or to a mail server that is down; sent by :mod:`.emails`. Like a
    notification it holds the kind and params, not words: it is worded when it is sent, in the
    recipient's language of that moment.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_emails"
    )
    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True, default="")
    status = models.CharField(
        max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # The sender's claim: pending emails whose next attempt is due, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status=EmailStatus.PENDING),
                name="notification_email_due",
            ),
            # The prune of old emails that are done with (sent or given up).
            models.Index(
                fields=["created_at"],
                condition=~Q(status=EmailStatus.PENDING),
                name="notification_email_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} email for {self.user_id} ({self.status})"

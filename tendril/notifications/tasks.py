"""Notifications' background work: the outbox's emails are sent (right after the commit that
queued them, and every half minute for retries and for what a stopped worker left), and old
sent or given-up emails are forgotten."""

from __future__ import annotations

from celery import shared_task

from tendril.core.scheduler import periodic
from tendril.notifications.emails import emails_prune, emails_send_all_due


@periodic(every=30.0)
@shared_task(name="tendril.notifications.emails_send", ignore_result=True)
def notification_emails_send() -> int:
    """Send the notification emails that are due; returns how many were tried."""
    return emails_send_all_due()


@periodic(every=3600.0)
@shared_task(name="tendril.notifications.emails_prune", ignore_result=True)
def notification_emails_prune() -> int:
    """Forget the emails done with for a month; returns how many."""
    return emails_prune()

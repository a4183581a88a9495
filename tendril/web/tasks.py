"""Forms' background work: the double opt-in confirmation emails, sent after the submission
commits and retried while the mail server is away (1, 2, 4... minutes, at most an hour apart;
given up after ``MAX_ATTEMPTS``), each claimed ``SKIP LOCKED`` so two workers never send one
twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from tendril.core import clock
from tendril.core.scheduler import periodic
from tendril.web.models import FormConsent
from tendril.web.services import confirm_token

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
MAX_WAIT = timedelta(hours=1)
LOST_AFTER = timedelta(minutes=2)


def _message(request: FormConsent) -> tuple[str, str]:
    link = f"{settings.BASE_URL}/f/confirm/{confirm_token(request)}"
    with translation.override(request.language or settings.LANGUAGE_CODE):
        subject = _("Please confirm your subscription")
        body = "\n\n".join(
            [
                _("You asked to hear from us. To confirm, open this link:"),
                link,
                _("You agreed to:"),
                request.consent_text,
                _("If this was not you, ignore this email: nothing more will be sent."),
            ]
        )
    return subject, body


def _send_one(request_id: int) -> bool:
    """Send one pending confirmation, claimed for the transaction; returns whether it went."""
    with transaction.atomic():
        request = (
            FormConsent.objects.select_for_update(skip_locked=True)
            .filter(pk=request_id, sent_at__isnull=True, confirmed_at__isnull=True)
            .first()
        )
        if request is None:
            return False
        subject, body = _message(request)
        now = clock.now()
        try:
            send_mail(subject, body, None, [request.email])
        except Exception as error:  # the mail server refused or is away: try again later
            request.attempts += 1
            request.last_error = f"{type(error).__name__}: {error}"[:500]
            wait = min(timedelta(minutes=2 ** (request.attempts - 1)), MAX_WAIT)
            request.retry_at = now + wait
            request.save(update_fields=["attempts", "last_error", "retry_at"])
            logger.warning("confirmation email %s not sent: %s", request.pk, error)
            return False
        request.sent_at = now
        request.save(update_fields=["sent_at"])
        return True


@shared_task(name="tendril.web.confirmation_send", ignore_result=True)
def confirmation_send(request_id: int) -> bool:
    return _send_one(request_id)


@periodic(every=60.0)
@shared_task(name="tendril.web.confirmations_retry")
def confirmations_retry() -> int:
    """Send the confirmations a mail server refused before, once their wait is over, and those
    whose first sending was lost with its worker (still unsent two minutes on)."""
    now = clock.now()
    due = FormConsent.objects.filter(
        Q(attempts__gt=0, retry_at__lte=now) | Q(attempts=0, requested_at__lt=now - LOST_AFTER),
        sent_at__isnull=True,
        confirmed_at__isnull=True,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)[:200]
    return sum(_send_one(pk) for pk in list(due))

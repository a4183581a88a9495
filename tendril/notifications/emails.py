"""Notification emails: the kind's words in each recipient's language, as plain text and
simple HTML, with an absolute link back into Tendril (``TENDRIL_BASE_URL``).

Sent through Django's email backend (``EMAIL_URL``), all over one connection; a failure is
logged and does not undo the notifications already stored (the inbox still has them).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from tendril.notifications.kinds import words_of

logger = logging.getLogger(__name__)

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def absolute_url(path: str) -> str:
    """``path`` inside Tendril as a link that works from a mail client."""
    return f"{settings.BASE_URL}{path}" if path.startswith("/") else settings.BASE_URL + "/"


def _message(address: str, language: str, kind: str, params: dict[str, Any], url: str) -> Any:
    chosen = language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE
    with translation.override(chosen):
        words = words_of([(kind, params)])[0]
        context = {"words": words, "link": absolute_url(url), "language": chosen}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(subject=words.title, body=text, to=[address])
    message.attach_alternative(html, "text/html")
    return message


def emails_send(
    recipients: list[tuple[str, str]], kind: str, params: dict[str, Any], url: str
) -> int:
    """Mail one notification to each ``(address, language)``; returns how many were sent."""
    messages = [_message(address, language, kind, params, url) for address, language in recipients]
    try:
        with get_connection() as connection:
            return int(connection.send_messages(messages) or 0)
    except OSError:
        logger.exception("notification emails of kind %s could not be sent", kind)
        return 0

"""The bell in the layout: a signed-in user's unread count on every page.

A context processor of this app (listed in ``TEMPLATES``), so the ui shell draws the bell
without importing notifications; the count is one query on a partial index of unread rows.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from tendril.accounts.models import User
from tendril.notifications.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    # Panels rendered with the request (render_to_string) run the processors again: count once.
    if not hasattr(request, "_notification_bell"):
        request._notification_bell = {  # type: ignore[attr-defined]
            "unread": unread_count(user=user),
            "url": reverse("notifications:inbox"),
        }
    return {"notification_bell": request._notification_bell}  # type: ignore[attr-defined]

"""The event types of consent and preferences: ``topics_changed`` (a person's email topics,
ticked or unticked) and the timeline's sentence for ``unsubscribed``, which contacts declared
until this app arrived."""

from __future__ import annotations

from typing import Any

from babel.lists import format_list
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from tendril.core.events import CHANGES, EMAIL, event_type

TOPICS_CHANGED = "topics_changed"
UNSUBSCRIBED = "unsubscribed"
# How the person unsubscribed (``unsubscribed``'s "via").
VIA_CENTRE = "preference centre"
VIA_ONE_CLICK = "one-click"


def _names(items: object) -> str:
    names = [str(n) for n in items] if isinstance(items, list) else []
    return format_list(names, locale=to_locale(get_language() or "en")) if names else ""


def topics_sentence(p: dict[str, Any]) -> str:
    added, removed = _names(p.get("subscribed")), _names(p.get("unsubscribed"))
    if added and removed:
        return _("Subscribed to %(added)s and unsubscribed from %(removed)s") % {
            "added": added,
            "removed": removed,
        }
    if added:
        return _("Subscribed to %(topics)s") % {"topics": added}
    return _("Unsubscribed from %(topics)s") % {"topics": removed}


def unsubscribed_sentence(p: dict[str, Any]) -> str:
    if p.get("via") == VIA_ONE_CLICK:
        return _("Unsubscribed from all marketing email (one click in an email)")
    if p.get("via") == VIA_CENTRE:
        return _("Unsubscribed from all marketing email (preference centre)")
    return _("Unsubscribed")


event_type(TOPICS_CHANGED, system=True, kind=CHANGES, sentence=topics_sentence)
event_type(UNSUBSCRIBED, system=True, kind=EMAIL, sentence=unsubscribed_sentence)

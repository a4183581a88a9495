"""What an alert says: the two kinds of notification alerts send, in the reader's language.

``segment_entered`` (``ENTERED_ONE``): one contact entered an alerted segment (it leads to
the contact).
``segment_entered_many``: a burst (more than ``DIGEST_AFTER`` contacts entered at once: a
rebuild, a bulk change), told once, leading to the segment instead of flooding the inbox.
The contact's name is read when shown, never stored: an erased contact is not named.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tendril.contacts.models import Contact
from tendril.notifications.kinds import notification_kind

ENTERED_ONE = "segment_entered"
ENTERED_MANY = "segment_entered_many"


def _names(params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = {c for p in params if isinstance(c := p.get("contact"), int)}
    names: dict[object, str] = {c.pk: c.display_name for c in Contact.objects.filter(pk__in=ids)}
    return [{**p, "name": names.get(p.get("contact"), _("A contact"))} for p in params]


def _segment(params: dict[str, Any]) -> str:
    return str(params.get("segment_name") or "")


def _entered_title(params: dict[str, Any]) -> str:
    return _("%(name)s entered %(segment)s") % {
        "name": params.get("name", ""),
        "segment": _segment(params),
    }


def _entered_body(params: dict[str, Any]) -> str:
    return _("They now match the segment %(segment)s. Open their page to see what they did.") % {
        "segment": _segment(params)
    }


def _many_count(params: dict[str, Any]) -> int:
    count = params.get("count")
    return count if isinstance(count, int) else 0


def _many_title(params: dict[str, Any]) -> str:
    count = _many_count(params)
    return ngettext(
        "%(count)s contact entered %(segment)s",
        "%(count)s contacts entered %(segment)s",
        count,
    ) % {"count": count, "segment": _segment(params)}


def _many_body(params: dict[str, Any]) -> str:
    return _(
        "They entered at once (the segment was built or changed, or many contacts changed "
        "together), so you get one message instead of one for each. Open the segment to see "
        "them."
    )


notification_kind(ENTERED_ONE, title=_entered_title, body=_entered_body, fill=_names)
notification_kind(ENTERED_MANY, title=_many_title, body=_many_body)

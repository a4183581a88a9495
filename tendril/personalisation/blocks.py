"""Personalised content on the pages Tendril serves itself: ``slot_render(request, key)`` gives
a slot's content for the person asking (their tracking cookies say who they are), and a "slot"
block type lets a landing page (``tendril.web.blocks``) hold a slot. Tendril's own pages belong
to no site, so they show the slots made for every site."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tendril.personalisation.decisions import slot_html
from tendril.personalisation.models import Slot
from tendril.tracking.services import VISITOR


def _cookie(request: HttpRequest | None, name: str) -> str:
    value = request.COOKIES.get(name, "") if request is not None else ""
    return value if VISITOR.match(value) else ""


def slot_render(request: HttpRequest | None, key: str) -> SafeString:
    """The slot ``key``'s content for this visitor, sanitised ("" when no slot of every site
    has this key, or it has nothing for them)."""
    html = slot_html(
        key=key,
        visitor_id=_cookie(request, "tendril_vid"),
        session=_cookie(request, "tendril_sid"),
    )
    return mark_safe(html)  # sanitised by content.content_clean


def _render_block(data: dict[str, Any], context: Any) -> str:
    # A preview is the marketer's own browser: show what everyone else sees.
    html = "" if context.preview else slot_render(context.request, data["key"])
    return html or linebreaks(escape(data.get("fallback") or ""))


def slot_block_register() -> None:
    """Register the "slot" block type with the landing pages' registry, when it is installed."""
    try:
        from tendril.web.blocks import BlockProblem, FieldSpec, block_type
    except ImportError:  # landing pages not installed: nothing to register with
        return

    def check(data: dict[str, Any]) -> dict[str, Any]:
        key = data["key"].lower()
        if not Slot.objects.filter(key=key, site__isnull=True).exists():
            raise BlockProblem(
                "key",
                _("There is no slot '%(key)s' for every site: make it under Personalisation.")
                % {"key": key[:60]},
            )
        return {**data, "key": key}

    block_type(
        name="slot",
        label=gettext_lazy("Personalised slot"),
        fields=[
            FieldSpec(
                "key",
                gettext_lazy("Slot key"),
                "text",
                required=True,
                max_length=60,
                help=gettext_lazy("The key of a slot made for every site."),
            ),
            FieldSpec(
                "fallback",
                gettext_lazy("Shown when the slot has nothing for the visitor"),
                "textarea",
                max_length=2000,
            ),
        ],
        render=_render_block,
        validate=check,
    )

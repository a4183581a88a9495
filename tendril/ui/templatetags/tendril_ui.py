"""Template filters shared by every app's screens: timeline sentences and querystrings."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from tendril.core import events
from tendril.core.models import Event

register = template.Library()


@register.filter
def describe_event(event: Event) -> str:
    return events.describe(event.type, event.properties)


@register.filter
def event_properties(event: Event) -> list[tuple[str, str]]:
    return events.shown_properties(event.type, event.properties)


@register.filter
def event_link(event: Event) -> str | None:
    """The web address the event is about (the page viewed), for its link and hover title."""
    return events.event_link(event.type, event.properties)


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], page: int) -> str:
    """The current querystring with ``page`` replaced, so page links keep the filters."""
    query: QueryDict = context["request"].GET.copy()
    query["page"] = str(page)
    return "?" + query.urlencode()

"""Template filters shared by Tendril's screens: grades, timeline sentences, querystrings."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from tendril.contacts.selectors import grade_for
from tendril.core.models import Event
from tendril.ui import timeline

register = template.Library()


@register.filter
def grade(score: int | None) -> str:
    return grade_for(score or 0)


@register.filter
def describe_event(event: Event) -> str:
    return timeline.describe(event)


@register.filter
def event_properties(event: Event) -> list[tuple[str, str]]:
    return timeline.shown_properties(event)


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], page: int) -> str:
    """The current querystring with ``page`` replaced, so page links keep the filters."""
    query: QueryDict = context["request"].GET.copy()
    query["page"] = str(page)
    return "?" + query.urlencode()

"""Template filters of the contact screens."""

from __future__ import annotations

from django import template

from tendril.contacts.selectors import grade_for

register = template.Library()


@register.filter
def grade(score: int | None) -> str:
    """Hot, warm or cold for a score, as the contact list's grade filter counts it."""
    return grade_for(score or 0)

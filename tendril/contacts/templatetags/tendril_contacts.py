"""Template filters of the contact screens."""

from __future__ import annotations

from django import template

from tendril.contacts import listing
from tendril.contacts.listing import Column
from tendril.contacts.models import Contact
from tendril.contacts.selectors import grade_for

register = template.Library()


@register.filter
def grade(score: int | None) -> str:
    """Hot, warm or cold for a score, as the contact list's grade filter counts it."""
    return grade_for(score or 0)


@register.filter
def custom_value(contact: Contact, column: Column) -> str:
    """A custom field's value in a cell of the contact list."""
    return listing.custom_value(contact, column)

"""``{% load tendril_format %}``: ``when``, ``day``, ``number`` and ``money`` for templates."""

from __future__ import annotations

from django import template

from tendril.ui import formatting

register = template.Library()

register.filter("when", formatting.when)
register.filter("day", formatting.day)
register.filter("number", formatting.number)
register.filter("money", formatting.money)

"""What a slot may show: marketer-written HTML cut down to a small safe set of tags by nh3
(the Ammonia sanitiser). Scripts, event handlers, styles, frames and ``javascript:`` links never
survive, whatever was typed; links get ``rel="noopener noreferrer"``."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "em",
    "h2",
    "h3",
    "h4",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "span",
    "strong",
    "u",
    "ul",
}
ATTRIBUTES = {
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "width", "height"},
    # Classes let the page's own stylesheet dress the content (a button, a banner).
    "*": {"class"},
}
SCHEMES = {"http", "https", "mailto", "tel"}


def content_clean(html: str) -> SafeString:
    """``html`` with only the safe tags and attributes left, ready to be put in a page."""
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # Safe: nh3 has just removed everything that could run or restyle the page.
    return mark_safe(cleaned)

"""The events the tracking snippet records besides ``page_view`` (declared by contacts): how long
a page was looked at, and the clicks that leave it (outbound links, downloads)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tendril.core.events import WEB, event_type

PAGE_LEFT = "page_left"
LINK_CLICKED = "link_clicked"


def _url(p: dict[str, Any]) -> object:
    return p.get("url")


def _href(p: dict[str, Any]) -> object:
    return p.get("href")


def _left(p: dict[str, Any]) -> str:
    seconds = p.get("seconds")
    if isinstance(seconds, int) and not isinstance(seconds, bool):
        return _("Left a page after %(seconds)s s") % {"seconds": seconds}
    return _("Left a page")


def _clicked(p: dict[str, Any]) -> str:
    if p.get("kind") == "download":
        return _("Downloaded a file from the site")
    return _("Followed a link off the site")


event_type(PAGE_LEFT, required=["url"], activity=True, kind=WEB, sentence=_left, link=_url)
event_type(LINK_CLICKED, required=["href"], activity=True, kind=WEB, sentence=_clicked, link=_href)

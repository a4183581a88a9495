"""The events web tracking records besides ``page_view`` and ``purchase`` (declared by contacts):
how long a page was looked at and the clicks that leave it (the snippet), and the e-commerce
steps Segment-spec sources send (``Product Viewed``, ``Product Added``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tendril.core.events import PURCHASES, WEB, event_type

PAGE_LEFT = "page_left"
LINK_CLICKED = "link_clicked"
PRODUCT_VIEWED = "product_viewed"
CART_UPDATED = "cart_updated"


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


def _product(p: dict[str, Any]) -> str:
    return str(p.get("name") or p.get("sku") or p.get("product_id") or "")[:200]


def _viewed_product(p: dict[str, Any]) -> str:
    name = _product(p)
    return _("Viewed the product %(name)s") % {"name": name} if name else _("Viewed a product")


def _added_product(p: dict[str, Any]) -> str:
    name = _product(p)
    return _("Put %(name)s in the cart") % {"name": name} if name else _("Updated the cart")


event_type(PRODUCT_VIEWED, activity=True, kind=PURCHASES, sentence=_viewed_product, link=_url)
event_type(CART_UPDATED, activity=True, kind=PURCHASES, sentence=_added_product, link=_url)

"""Reads of web tracking: sites, and the site a public key names."""

from __future__ import annotations

import time

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.core.errors import first_or_not_found
from tendril.core.models import Event
from tendril.tracking.models import Site


def site_list() -> QuerySet[Site]:
    return Site.objects.order_by("name", "pk")


def site_get_for(viewer: Caller, site_id: int) -> Site:
    """A site; 404 otherwise (every role sees every site)."""
    return first_or_not_found(
        Site.objects.filter(pk=site_id), _("There is no site %(id)s.") % {"id": site_id}
    )


# Sites by public key, kept a few seconds in this process: every hit names its site, and the
# query was a third of a hit's time (bench/collector.py). A changed key or a deleted site is
# forgotten at once here, and within SITE_TTL seconds in other processes.
SITE_TTL = 5.0
_sites: dict[str, tuple[Site | None, float]] = {}


def site_by_key(key: str) -> Site | None:
    now = time.monotonic()
    known = _sites.get(key)
    if known is not None and known[1] > now:
        return known[0]
    site = Site.objects.filter(key=key).order_by().first()
    if len(_sites) > 10_000:  # keys sent by nobody's site: never let them pile up
        _sites.clear()
    _sites[key] = (site, now + SITE_TTL)
    return site


def site_forget(*keys: str) -> None:
    """Forget what this process remembers of these keys (a site changed or went)."""
    for key in keys:
        _sites.pop(key, None)


def visit_number(*, visitor_id: str, contact_id: int | None, session: str, cap: int = 3) -> int:
    """Which visit this is (1, 2, ... at most ``cap``): 1 plus the other visits (``session`` of
    page views) seen before. A known contact's visits are counted on every device (their
    events, by the timeline index); an anonymous browser's by its own anonymous events (the
    anonymous-visitor index). Each query stops at the first other visit it finds, so a visitor
    with years of history costs ``cap - 1`` short index reads, not a scan."""
    if contact_id is not None:
        views = Event.objects.filter(contact_id=contact_id, type="page_view")
    else:
        views = Event.objects.filter(visitor_id=visitor_id, contact_id__isnull=True)
        views = views.filter(type="page_view")
    others: list[str] = []
    while len(others) < cap - 1:
        # A slice, not first(): first() would add ORDER BY id and walk the primary key.
        found = list(
            views.filter(properties__has_key="session")
            .exclude(properties__session__in=[session, *others])
            .values_list("properties__session", flat=True)
            .order_by()[:1]
        )
        if not found:
            break
        others.append(found[0])
    return 1 + len(others)

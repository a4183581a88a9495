"""Reads of web tracking: sites, and the site a public key names."""

from __future__ import annotations

import time

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.core.errors import first_or_not_found
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

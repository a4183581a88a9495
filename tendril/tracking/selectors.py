"""Reads of web tracking: sites, and the site a public key names."""

from __future__ import annotations

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


def site_by_key(key: str) -> Site | None:
    return Site.objects.filter(key=key).first()

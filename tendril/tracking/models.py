"""A site Tendril tracks: the domains its pages are served from and the public key its pages
send with what they collect."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import models


class Site(models.Model):
    name = models.CharField(max_length=200)
    # Host names, lower case and ASCII (IDNA); "*.example.com" covers every subdomain.
    domains = models.JSONField(default=list)
    # Public: it goes in the page. It only lets a browser or an SDK write events for this site.
    key = models.CharField(max_length=40, unique=True)
    # Networks (CIDR) of the site's own people: their visits are not recorded.
    internal_ips = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="tracking_site_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    def internal_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """The internal networks, parsed (stored ones were checked when saved)."""
        return [ipaddress.ip_network(n, strict=False) for n in self.internal_ips]

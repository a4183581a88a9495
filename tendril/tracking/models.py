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


class CompanyNetwork(models.Model):
    """An IP network a company owns: visits from it are the company's while the visitor is
    still anonymous (``tendril.tracking.organisations``)."""

    company = models.ForeignKey(
        "contacts.Company", on_delete=models.CASCADE, related_name="networks"
    )
    # CIDR as ``ipaddress.ip_network(strict=False)`` writes it: 203.0.113.0/24, 2001:db8::/32.
    network = models.CharField(max_length=50)
    # First and last address as ``organisations.address_key`` encodes them: the IP version and
    # 32 hex digits, so text order is address order on SQLite and PostgreSQL alike, and IPv4
    # never falls inside an IPv6 range. A lookup asks for the few possible ``first`` values of
    # the networks that can contain an address (one per prefix length): an indexed IN.
    first = models.CharField(max_length=33)
    last = models.CharField(max_length=33)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "network"], name="company_network_once")
        ]
        indexes = [models.Index(fields=["first", "last"], name="company_network_range")]

    def __str__(self) -> str:
        return self.network

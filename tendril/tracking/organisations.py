"""Which company an IP address belongs to, for account-based marketing: visits from a
company's networks are attributed to it while the visitor is still anonymous.

The lookup is a small interface (``OrganisationLookup``) so a real IP-to-organisation database
can be plugged in. Two implementations ship: the networks marketers enter on company pages
(``DatabaseLookup``, one indexed query) and a CSV file of ``network,company`` rows
(``FileLookup``, ``TENDRIL_IP_ORGANISATIONS_FILE``, held in memory). The database is asked
first: what a marketer entered overrides a bought list.
"""

from __future__ import annotations

import csv
import ipaddress
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, QuerySet

from tendril.contacts.companies import company_name_key
from tendril.contacts.models import Company
from tendril.core.models import VisitorLink
from tendril.tracking.models import CompanyNetwork

logger = logging.getLogger(__name__)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# A company added after the file was read is found once the names are resolved again.
RESOLVE_EVERY_SECONDS = 300


class OrganisationLookup(Protocol):
    """Answers which company owns an address; ``None`` when none does."""

    def company_for(self, ip: str) -> int | None: ...


def address_parse(ip: str) -> IPAddress | None:
    """The address, or None for anything that is not one. An IPv4 address written the IPv6
    way (``::ffff:203.0.113.9``, as dual-stack servers report it) is the IPv4 address."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_key(version: int, value: int) -> str:
    """An address as stored in ``CompanyNetwork.first``/``last``: its version, then 32 hex
    digits. Same length and lower case, so comparing the text compares the addresses."""
    return f"{version}{value:032x}"


def network_range(network: IPNetwork) -> tuple[str, str]:
    """The first and last keys of a network."""
    return (
        address_key(network.version, int(network.network_address)),
        address_key(network.version, int(network.broadcast_address)),
    )


def _containing_firsts(address: IPAddress) -> list[str]:
    """The first address of every network that could contain ``address``, one per prefix
    length: at most 33 for IPv4 and 129 for IPv6."""
    value, bits = int(address), address.max_prefixlen
    return [
        address_key(address.version, value >> (bits - prefix) << (bits - prefix) if prefix else 0)
        for prefix in range(bits + 1)
    ]


class DatabaseLookup:
    """The networks entered on company pages; the most specific one containing the address
    wins. One query, on the (first, last) index."""

    def matches(self, address: IPAddress) -> QuerySet[CompanyNetwork]:
        """The networks containing ``address``, most specific first (nested CIDR networks:
        the later its first address, and then the earlier its last, the narrower)."""
        key = address_key(address.version, int(address))
        return CompanyNetwork.objects.filter(
            first__in=_containing_firsts(address), last__gte=key
        ).order_by("-first", "last", "id")

    def company_for(self, ip: str) -> int | None:
        address = address_parse(ip)
        if address is None:
            return None
        return self.matches(address).values_list("company_id", flat=True).first()


@dataclass
class _Table:
    """One read of the file: networks by version, then prefix length, then first address."""

    mtime_ns: int = -1
    size: int = -1
    resolved_at: float = 0.0
    rows: list[tuple[IPNetwork, str]] = field(default_factory=list)
    by_prefix: dict[int, dict[int, dict[int, int]]] = field(default_factory=dict)


class FileLookup:
    """A CSV file of ``network,company`` rows, the company given by its domain or else its
    name (a header row, or any row whose network does not parse, is skipped). Read once and
    kept in memory; read again when the file changes (its mtime or size), and its companies
    looked up again every few minutes so one added since is found."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._table = _Table()
        self._lock = threading.Lock()

    def _read(self) -> list[tuple[IPNetwork, str]]:
        rows: list[tuple[IPNetwork, str]] = []
        with open(self.path, encoding="utf-8-sig", newline="") as handle:
            for record in csv.reader(handle):
                if len(record) < 2 or not record[1].strip():
                    continue
                try:
                    network = ipaddress.ip_network(record[0].strip(), strict=False)
                except ValueError:
                    continue
                rows.append((network, record[1].strip()))
        return rows

    @staticmethod
    def _resolve(rows: list[tuple[IPNetwork, str]]) -> dict[int, dict[int, dict[int, int]]]:
        """Each row's company, by domain, else by name; rows naming no company are left out."""
        names = {owner.lower() for _, owner in rows}
        by_domain = dict(
            Company.objects.filter(domain__in=names).values_list("domain", "pk").order_by("-pk")
        )
        by_name = dict(
            Company.objects.filter(name_key__in={company_name_key(n) for n in names})
            .values_list("name_key", "pk")
            .order_by("-pk")  # the oldest of two companies of one name wins
        )
        table: dict[int, dict[int, dict[int, int]]] = {}
        for network, owner in rows:
            company = by_domain.get(owner.lower()) or by_name.get(company_name_key(owner))
            if company is not None:
                prefixes = table.setdefault(network.version, {})
                prefixes.setdefault(network.prefixlen, {})[int(network.network_address)] = company
        return table

    def _current(self) -> _Table:
        try:
            stat = os.stat(self.path)
        except OSError:
            stat = None
        table = self._table
        fresh = stat is not None and (stat.st_mtime_ns, stat.st_size) == (
            table.mtime_ns,
            table.size,
        )
        if fresh and time.monotonic() - table.resolved_at < RESOLVE_EVERY_SECONDS:
            return table
        with self._lock:
            if self._table is not table:  # another thread has just done it
                return self._table
            try:
                rows = table.rows if fresh else self._read()
            except (OSError, UnicodeError, csv.Error) as exc:
                logger.warning("cannot read TENDRIL_IP_ORGANISATIONS_FILE %s: %s", self.path, exc)
                rows = []
            self._table = _Table(
                mtime_ns=stat.st_mtime_ns if stat else -1,
                size=stat.st_size if stat else -1,
                resolved_at=time.monotonic(),
                rows=rows,
                by_prefix=self._resolve(rows) if rows else {},
            )
            return self._table

    def company_for(self, ip: str) -> int | None:
        address = address_parse(ip)
        if address is None:
            return None
        prefixes = self._current().by_prefix.get(address.version, {})
        value, bits = int(address), address.max_prefixlen
        for prefix in sorted(prefixes, reverse=True):
            first = value >> (bits - prefix) << (bits - prefix) if prefix else 0
            company = prefixes[prefix].get(first)
            if company is not None:
                return company
        return None


_files: dict[str, FileLookup] = {}


def file_lookup() -> FileLookup | None:
    """The lookup of ``TENDRIL_IP_ORGANISATIONS_FILE``, one per path for the process."""
    path = settings.IP_ORGANISATIONS_FILE
    if not path:
        return None
    if path not in _files:
        _files[path] = FileLookup(path)
    return _files[path]


NETWORKS_ENTERED = "tendril:tracking:networks-entered"


def networks_entered() -> bool:
    """Whether any company has a network, remembered for 30 s: most installations enter none,
    and then a hit asks nothing more (a network added elsewhere counts within 30 s)."""
    entered = cache.get(NETWORKS_ENTERED)
    if entered is None:
        entered = CompanyNetwork.objects.exists()
        cache.set(NETWORKS_ENTERED, entered, timeout=30)
    return bool(entered)


def visit_company(*, ip: str, visitor_id: str) -> int | None:
    """The company a hit from ``ip`` is attributed to, when its visitor is not yet a known
    contact (a contact's visits are the company's through the contact). The entered networks
    answer first, the file after. One query: the visitor's link is asked with the networks,
    and separately only when the file names a company."""
    address = address_parse(ip)
    if address is None or (not networks_entered() and file_lookup() is None):
        return None
    known = VisitorLink.objects.filter(visitor_id=visitor_id)
    match = (
        DatabaseLookup()
        .matches(address)
        .annotate(known=Exists(known))
        .values_list("company_id", "known")
        .first()
    )
    if match is not None:
        return None if match[1] else match[0]
    lookup = file_lookup()
    company = lookup.company_for(str(address)) if lookup else None
    if company is None or known.exists():
        return None
    return company

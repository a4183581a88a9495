"""Companies' IP networks (account-based marketing): adding them (typed, or a CSV file of
``network,company`` rows), removing them, and what the company page shows of its website
visits. Kept apart from ``services.py`` (sites and hits), which it does not touch: the lookup
that attributes a hit to a company is ``organisations.py``."""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext as _

from tendril.accounts.models import ApiKey, User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.companies import company_name_key
from tendril.contacts.models import Company, Contact
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput, first_or_not_found
from tendril.core.models import Event
from tendril.core.naming import saved_or_conflict
from tendril.tracking.models import CompanyNetwork
from tendril.tracking.organisations import NETWORKS_ENTERED, IPNetwork, network_range

# One company's networks: more than this is an IP database, which belongs in the file.
MAX_NETWORKS_PER_COMPANY = 1000
MAX_IMPORT_ROWS = 20000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
# Wider than this is a carrier's or a country's, not one company's (0.0.0.0/0 would make every
# visitor the company's).
WIDEST_PREFIX = {4: 8, 6: 16}
VISITS_DAYS = 30
TOP_PAGES = 10
TOP_VISITORS = 10
_SEPARATORS = re.compile(r"[\s,;]+")


def network_clean(raw: object, *, field: str = "network") -> IPNetwork:
    """A network (CIDR, or a lone address: its own network) as stored, or InvalidInput."""
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise InvalidInput(
            _("'%(value)s' is not an IP address or network, e.g. 203.0.113.0/24 or 2001:db8::/48")
            % {"value": str(raw)[:100]},
            field=field,
        ) from None
    if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped:
        network = ipaddress.ip_network(
            f"{network.network_address.ipv4_mapped}/{max(network.prefixlen - 96, 0)}",
            strict=False,
        )
    if network.prefixlen < WIDEST_PREFIX[network.version]:
        raise InvalidInput(
            _(
                "%(network)s is too wide to be one company's: at most /%(ipv4)s for IPv4 and "
                "/%(ipv6)s for IPv6."
            )
            % {"network": network, "ipv4": WIDEST_PREFIX[4], "ipv6": WIDEST_PREFIX[6]},
            field=field,
        )
    return network


def networks_parse(text: str, *, field: str = "networks") -> list[IPNetwork]:
    """Several networks typed in one box (one a line, or separated by commas or spaces), each
    once; the first that does not parse is refused by name."""
    parts = [part for part in _SEPARATORS.split(text or "") if part]
    if not parts:
        raise InvalidInput(_("Give an IP address or network, e.g. 203.0.113.0/24."), field=field)
    if len(parts) > MAX_NETWORKS_PER_COMPANY:
        raise InvalidInput(
            _("A company has at most %(n)s networks.") % {"n": MAX_NETWORKS_PER_COMPANY},
            field=field,
        )
    return list(dict.fromkeys(network_clean(part, field=field) for part in parts))


def _owned_elsewhere(networks: Iterable[IPNetwork], company_id: int) -> dict[str, str]:
    """Of ``networks``, those another company already owns, with its name."""
    rows = (
        CompanyNetwork.objects.filter(network__in=[str(n) for n in networks])
        .exclude(company_id=company_id)
        .values_list("network", "company__name")
    )
    return dict(rows)


def _store(company: Company, networks: list[IPNetwork], by: Actor) -> list[CompanyNetwork]:
    """The networks the company did not have yet, stored (inside the caller's transaction)."""
    have = set(CompanyNetwork.objects.filter(company=company).values_list("network", flat=True))
    new = [n for n in networks if str(n) not in have]
    now = clock.now()
    rows = [
        CompanyNetwork(
            company=company,
            network=str(n),
            first=network_range(n)[0],
            last=network_range(n)[1],
            created_by=by if isinstance(by, User) else None,
            created_at=now,
        )
        for n in new
    ]
    # The same network added a moment ago by someone else: a conflict.
    clash = _("%(company)s's networks were changed at the same time; try again.")
    with saved_or_conflict(clash % {"company": company.name}, field="network"):
        CompanyNetwork.objects.bulk_create(rows)
    cache.delete(NETWORKS_ENTERED)
    return rows


@transaction.atomic
def company_networks_add(
    *, company: Company, networks: list[IPNetwork], by: Actor, field: str = "network"
) -> list[CompanyNetwork]:
    """Give the company these networks (those it has already are left as they are); one that
    another company owns is refused: the same address cannot be two companies' visitors."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    taken = _owned_elsewhere(networks, company.pk)
    if taken:
        network, owner = next(iter(taken.items()))
        raise Conflict(
            _("%(network)s already belongs to %(company)s.")
            % {"network": network, "company": owner},
            field=field,
        )
    count = CompanyNetwork.objects.filter(company=company).count()
    if count + len(networks) > MAX_NETWORKS_PER_COMPANY:
        raise InvalidInput(
            _("A company has at most %(n)s networks.") % {"n": MAX_NETWORKS_PER_COMPANY},
            field=field,
        )
    added = _store(company, networks, by)
    if added:
        audit_record(
            actor=by,
            action="company.networks_add",
            target_type="company",
            target_id=company.pk,
            detail={"networks": [n.network for n in added]},
        )
    return added


@transaction.atomic
def company_network_remove(*, network: CompanyNetwork, by: Actor) -> None:
    """The network is no longer the company's; visits already attributed stay so."""
    audit_record(
        actor=by,
        action="company.network_remove",
        target_type="company",
        target_id=network.company_id,
        detail={"network": network.network},
    )
    network.delete()


# --- CSV import --------------------------------------------------------------------------------


@dataclass
class NetworkImport:
    """What an import did: how many networks were added, how many were there already, and
    each refused row with its number as a spreadsheet shows it (the header is row 1)."""

    added: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _companies_named(owners: set[str]) -> tuple[dict[str, Company], dict[str, Company]]:
    """The companies the rows name, by domain and by folded name (the oldest of a name)."""
    by_domain = {
        c.domain: c for c in Company.objects.filter(domain__in={o.lower() for o in owners})
    }
    by_name: dict[str, Company] = {}
    keys = {company_name_key(o) for o in owners}
    for company in Company.objects.filter(name_key__in=keys).order_by("-pk"):
        by_name[company.name_key] = company
    return {k: v for k, v in by_domain.items() if k}, by_name


def _csv_rows(data: bytes) -> list[list[str]]:
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            _("The file is larger than %(n)s MB.") % {"n": MAX_IMPORT_BYTES // (1024 * 1024)},
            field="file",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("The file is not UTF-8 text; save it as CSV UTF-8."), field="file"
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InvalidInput(
            _("The file cannot be read as CSV: %(error)s") % {"error": exc}, field="file"
        ) from None
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise InvalidInput(
            _("A file has at most %(n)s rows.") % {"n": MAX_IMPORT_ROWS}, field="file"
        )
    return rows


@transaction.atomic
def company_networks_import(*, data: bytes, by: Actor) -> NetworkImport:
    """Read ``network,company`` rows (a header row naming both columns first; the company by
    its domain, else its name) and store every valid row in one transaction; each bad row is
    listed with its number and why, and stores nothing."""
    rows = _csv_rows(data)
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "network" not in header or "company" not in header:
        raise InvalidInput(_("The first row must name the columns: network,company."), field="file")
    at_network, at_company = header.index("network"), header.index("company")
    result = NetworkImport()
    wanted: dict[int, list[tuple[int, IPNetwork]]] = {}
    companies: dict[int, Company] = {}
    by_domain, by_name = _companies_named(
        {r[at_company].strip() for r in rows[1:] if len(r) > at_company and r[at_company].strip()}
    )
    claimed: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        owner = cells[at_company].strip()
        try:
            network = network_clean(cells[at_network], field="network")
        except InvalidInput as exc:
            result.errors.append((number, exc.message))
            continue
        company = by_domain.get(owner.lower()) or by_name.get(company_name_key(owner))
        if company is None:
            result.errors.append(
                (
                    number,
                    _("No company has the domain or name '%(company)s'.") % {"company": owner[:200]}
                    if owner
                    else _("The company is missing."),
                )
            )
            continue
        if claimed.setdefault(str(network), company.pk) != company.pk:
            result.errors.append(
                (number, _("%(network)s is given to two companies.") % {"network": network})
            )
            continue
        companies[company.pk] = company
        wanted.setdefault(company.pk, []).append((number, network))
    for company_id, numbered in wanted.items():
        taken = _owned_elsewhere((n for _, n in numbered), company_id)
        numbered_ok = []
        for number, network in numbered:
            if str(network) in taken:
                result.errors.append(
                    (
                        number,
                        _("%(network)s already belongs to %(company)s.")
                        % {"network": network, "company": taken[str(network)]},
                    )
                )
            else:
                numbered_ok.append(network)
        unique = list(dict.fromkeys(numbered_ok))
        added = _store(companies[company_id], unique, by)
        result.added += len(added)
        result.unchanged += len(unique) - len(added)
        if added:
            audit_record(
                actor=by,
                action="company.networks_add",
                target_type="company",
                target_id=company_id,
                detail={"networks": [n.network for n in added], "import": True},
            )
    result.errors.sort()
    return result


# --- reads -------------------------------------------------------------------------------------


def company_network_list(*, company: Company) -> QuerySet[CompanyNetwork]:
    return CompanyNetwork.objects.filter(company=company).order_by("first", "last")


def company_network_get_for(
    viewer: User | ApiKey, company: Company, network_id: int
) -> CompanyNetwork:
    """One of the company's networks (every role sees them), or NotFound."""
    return first_or_not_found(
        CompanyNetwork.objects.filter(company=company, pk=network_id),
        _("no network with id %(id)s") % {"id": network_id},
    )


@dataclass(frozen=True)
class PageCount:
    url: str
    title: str
    views: int


@dataclass(frozen=True)
class Visitor:
    """One visitor of the company: a contact, or an anonymous browser."""

    contact: Contact | None
    visitor_id: str
    views: int
    last_at: datetime


@dataclass(frozen=True)
class CompanyVisits:
    since: datetime
    views: int
    visitors: int
    last_at: datetime | None
    pages: list[PageCount]
    people: list[Visitor]


def company_visits(*, company: Company, days: int = VISITS_DAYS) -> CompanyVisits:
    """Page views of the last ``days`` attributed to the company (from its networks while
    anonymous) or made by its known contacts: totals, the most viewed pages and the latest
    visitors. Every query starts from page views in the window (the type-and-time index)."""
    since = clock.now() - timedelta(days=days)
    members = Contact.objects.filter(company_id=company.pk).values("pk")
    views = Event.objects.filter(type="page_view", occurred_at__gte=since).filter(
        Q(properties__company=company.pk) | Q(contact_id__in=members)
    )
    totals = views.aggregate(
        views=Count("id"),
        browsers=Count("visitor_id", distinct=True, filter=~Q(visitor_id="")),
        contacts=Count("contact_id", distinct=True, filter=Q(visitor_id="")),
        last_at=Max("occurred_at"),
    )
    pages = (
        views.annotate(page=KeyTextTransform("url", "properties"))
        .values("page")
        .annotate(n=Count("id"), title=Max(KeyTextTransform("title", "properties")))
        .order_by("-n", "page")[:TOP_PAGES]
    )
    people = list(
        views.values("visitor_id", "contact_id")
        .annotate(n=Count("id"), last=Max("occurred_at"))
        .order_by("-last")[:TOP_VISITORS]
    )
    contacts = Contact.objects.in_bulk({p["contact_id"] for p in people if p["contact_id"]})
    return CompanyVisits(
        since=since,
        views=totals["views"],
        visitors=totals["browsers"] + totals["contacts"],
        last_at=totals["last_at"],
        pages=[PageCount(p["page"] or "", p["title"] or "", p["n"]) for p in pages],
        people=[
            Visitor(contacts.get(p["contact_id"]), p["visitor_id"], p["n"], p["last"])
            for p in people
        ],
    )

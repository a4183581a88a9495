"""Which company an IP address belongs to: the networks entered on company pages (the most
specific containing network wins, IPv4 and IPv6, one query), then the CSV file of
``TENDRIL_IP_ORGANISATIONS_FILE`` (read once, read again when it changes)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tendril.contacts.models import Company
from tendril.contacts.tests.factories import CompanyFactory, ContactFactory
from tendril.core.services import visitor_identify
from tendril.tracking import organisations
from tendril.tracking.networks import company_networks_add, network_clean
from tendril.tracking.organisations import (
    NETWORKS_ENTERED,
    DatabaseLookup,
    FileLookup,
    address_key,
    network_range,
    networks_entered,
    visit_company,
)

pytestmark = pytest.mark.django_db


def own(company: Company, *networks: str) -> None:
    company_networks_add(company=company, networks=[network_clean(n) for n in networks], by=None)


def test_the_most_specific_network_containing_an_ipv4_address_wins() -> None:
    carrier, office, lab = CompanyFactory(), CompanyFactory(), CompanyFactory()
    own(carrier, "198.51.0.0/16")
    own(office, "198.51.100.0/24")
    own(lab, "198.51.100.128/25", "198.51.100.200")
    lookup = DatabaseLookup()
    assert lookup.company_for("198.51.100.7") == office.pk
    assert lookup.company_for("198.51.100.130") == lab.pk
    assert lookup.company_for("198.51.100.200") == lab.pk
    assert lookup.company_for("198.51.7.1") == carrier.pk
    assert lookup.company_for("::ffff:198.51.100.7") == office.pk  # dual-stack servers say so
    assert lookup.company_for("203.0.113.1") is None
    assert lookup.company_for("not an address") is None
    assert lookup.company_for("") is None


def test_ipv6_networks_are_looked_up_and_never_match_ipv4_addresses() -> None:
    wide, narrow = CompanyFactory(), CompanyFactory()
    own(wide, "2001:db8::/32")
    own(narrow, "2001:db8:abcd::/48")
    lookup = DatabaseLookup()
    assert lookup.company_for("2001:db8:abcd:1::5") == narrow.pk
    assert lookup.company_for("2001:db8:ffff::1") == wide.pk
    assert lookup.company_for("2001:db9::1") is None
    # As numbers, 0.0.0.1 and ::1 are both 1: the version keeps them apart.
    zero = CompanyFactory()
    own(zero, "::/16")
    assert lookup.company_for("::1") == zero.pk
    assert lookup.company_for("0.0.0.1") is None


def test_keys_sort_as_addresses_do_in_the_database() -> None:
    """Text order is address order (the encoding the index relies on), on this database."""
    first, last = network_range(network_clean("10.0.0.0/8"))
    assert (first, last) == (address_key(4, 0x0A000000), address_key(4, 0x0AFFFFFF))
    company = CompanyFactory()
    own(company, "9.255.255.0/24", "10.0.0.0/8", "100.0.0.0/8", "2001:db8::/32")
    ordered = list(company.networks.order_by("first").values_list("network", flat=True))
    assert ordered == ["9.255.255.0/24", "10.0.0.0/8", "100.0.0.0/8", "2001:db8::/32"]


def test_a_lookup_is_one_query_even_with_the_visitor_check() -> None:
    company = CompanyFactory()
    own(company, "198.51.100.0/24")
    networks_entered()  # remembered for 30 s: not asked again on every hit
    with CaptureQueriesContext(connection) as queries:
        assert visit_company(ip="198.51.100.7", visitor_id="anon12345") == company.pk
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert visit_company(ip="203.0.113.9", visitor_id="anon12345") is None
    assert len(queries) == 1


def test_a_known_contacts_visit_is_not_attributed_by_network() -> None:
    company = CompanyFactory()
    own(company, "198.51.100.0/24")
    visitor_identify(visitor_id="known1234", contact_id=ContactFactory().pk)
    assert visit_company(ip="198.51.100.7", visitor_id="known1234") is None
    assert visit_company(ip="198.51.100.7", visitor_id="stranger1") == company.pk


@pytest.fixture
def orgs_file(tmp_path: Path, settings: Any) -> Iterator[Path]:
    path = tmp_path / "orgs.csv"
    settings.IP_ORGANISATIONS_FILE = str(path)
    organisations._files.clear()
    yield path
    organisations._files.clear()


def write(path: Path, text: str, *, bump: int = 0) -> None:
    path.write_text(text, encoding="utf-8")
    if bump:  # a clock that did not move between two writes would hide the change
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump))


def test_the_file_maps_networks_to_companies_by_domain_or_name_most_specific_first(
    orgs_file: Path,
) -> None:
    acme = CompanyFactory(name="Acme", domain="acme.example")
    globex = CompanyFactory(name="Globex Corporation", domain=None)
    write(
        orgs_file,
        "network,company\n"
        "192.0.2.0/24,ACME.example\n"
        "192.0.2.64/26,globex  corporation\n"
        "2001:db8:1::/48,acme.example\n"
        "198.51.100.0/24,Nobody Inc\n"
        "not a network,acme.example\n",
    )
    lookup = FileLookup(str(orgs_file))
    assert lookup.company_for("192.0.2.1") == acme.pk
    assert lookup.company_for("192.0.2.70") == globex.pk
    assert lookup.company_for("2001:db8:1:2::9") == acme.pk
    assert lookup.company_for("198.51.100.1") is None  # no such company
    assert lookup.company_for("203.0.113.1") is None


def test_the_file_is_read_once_and_again_when_it_changes(orgs_file: Path) -> None:
    acme, globex = CompanyFactory(domain="acme.example"), CompanyFactory(domain="globex.example")
    write(orgs_file, "192.0.2.0/24,acme.example\n")
    lookup = FileLookup(str(orgs_file))
    assert lookup.company_for("192.0.2.1") == acme.pk
    with CaptureQueriesContext(connection) as queries:
        assert lookup.company_for("192.0.2.2") == acme.pk
    assert len(queries) == 0  # held in memory
    write(orgs_file, "192.0.2.0/24,globex.example\n", bump=10**9)
    assert lookup.company_for("192.0.2.1") == globex.pk
    orgs_file.unlink()
    assert lookup.company_for("192.0.2.1") is None


def test_entered_networks_answer_before_the_file(orgs_file: Path) -> None:
    entered, listed = CompanyFactory(), CompanyFactory(domain="listed.example")
    own(entered, "192.0.2.0/25")
    write(orgs_file, "192.0.2.0/24,listed.example\n")
    assert visit_company(ip="192.0.2.1", visitor_id="anon12345") == entered.pk
    assert visit_company(ip="192.0.2.200", visitor_id="anon12345") == listed.pk
    assert visit_company(ip="203.0.113.1", visitor_id="anon12345") is None


def test_while_no_company_has_a_network_a_hit_asks_nothing() -> None:
    cache.delete(NETWORKS_ENTERED)
    assert visit_company(ip="198.51.100.7", visitor_id="anon12345") is None
    with CaptureQueriesContext(connection) as queries:
        assert visit_company(ip="198.51.100.7", visitor_id="anon12345") is None
    assert len(queries) == 0
    company = CompanyFactory()
    own(company, "198.51.100.0/24")  # adding a network forgets the remembered "none"
    assert visit_company(ip="198.51.100.7", visitor_id="anon12345") == company.pk

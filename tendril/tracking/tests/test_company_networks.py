"""Account-based marketing: a company's networks (typed on its page, imported from a CSV file or
given through the API) make the anonymous visits from them the company's, and the company page
shows those visits with its contacts' own."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tendril.accounts.models import AuditEntry, User
from tendril.contacts.models import Company
from tendril.contacts.tests.factories import CompanyFactory, ContactFactory
from tendril.core.models import Event
from tendril.core.services import visitor_identify
from tendril.tracking.models import CompanyNetwork, Site
from tendril.tracking.networks import company_networks_add, network_clean
from tendril.tracking.services import site_create

pytestmark = pytest.mark.django_db
ORIGIN = "https://shop.example.com"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


@pytest.fixture
def site() -> Site:
    return site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)


@pytest.fixture
def acme() -> Company:
    company = CompanyFactory(name="Acme", domain="acme.example")
    company_networks_add(company=company, networks=[network_clean("198.51.100.0/24")], by=None)
    return company


def collect(site: Site, visitor: str, ip: str, path: str = "/pricing", title: str = "") -> Any:
    body = {
        "k": site.key,
        "i": secrets.token_hex(8),
        "v": visitor,
        "e": [{"t": "page_view", "u": f"{ORIGIN}{path}", "ti": title}],
    }
    return Client().post(
        "/t/collect",
        json.dumps(body),
        content_type="text/plain",
        HTTP_USER_AGENT=BROWSER,
        HTTP_ORIGIN=ORIGIN,
        REMOTE_ADDR=ip,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- attribution -------------------------------------------------------------------------------


def test_an_anonymous_page_view_from_a_companys_network_is_attributed_to_it(
    site: Site, acme: Company
) -> None:
    assert collect(site, "visitor001", "198.51.100.23").status_code == 204
    assert collect(site, "visitor002", "203.0.113.5").status_code == 204
    inside = Event.objects.get(visitor_id="visitor001")
    outside = Event.objects.get(visitor_id="visitor002")
    assert inside.properties["company"] == acme.pk and inside.contact_id is None
    assert "company" not in outside.properties


def test_a_known_contacts_page_view_is_not_attributed_by_network(site: Site, acme: Company) -> None:
    contact = ContactFactory(company=CompanyFactory())
    visitor_identify(visitor_id="visitor003", contact_id=contact.pk)
    assert collect(site, "visitor003", "198.51.100.23").status_code == 204
    event = Event.objects.get(type="page_view")
    assert event.contact_id == contact.pk and "company" not in event.properties


# --- the company page --------------------------------------------------------------------------


def test_the_company_page_shows_its_networks_and_its_website_visits(
    site: Site, acme: Company, sales_rep: User
) -> None:
    collect(site, "visitor001", "198.51.100.23", "/pricing", "Pricing")
    collect(site, "visitor001", "198.51.100.23", "/pricing", "Pricing")
    collect(site, "visitor002", "198.51.100.24", "/docs", "Docs")
    collect(site, "visitor009", "203.0.113.5", "/elsewhere", "Elsewhere")
    employee = ContactFactory(company=acme, first_name="Minh", last_name="Tran")
    visitor_identify(visitor_id="visitor004", contact_id=employee.pk)
    collect(site, "visitor004", "203.0.113.99", "/careers", "Careers")

    page = signed_in(sales_rep).get(f"/companies/{acme.pk}/").content.decode()
    assert "<code>198.51.100.0/24</code>" in page
    assert "Add networks" not in page  # sales reads only
    assert 'data-figure="page-views">4<' in page
    assert 'data-figure="visitors">3<' in page
    assert "Pricing" in page and "Docs" in page and "Careers" in page
    assert "Elsewhere" not in page
    assert "Minh Tran" in page and "Anonymous visitor visitor0" in page


def test_a_marketer_adds_several_networks_and_removes_one_after_confirming(
    acme: Company, marketer: User
) -> None:
    client = signed_in(marketer)
    response = client.post(
        f"/companies/{acme.pk}/networks/add/",
        {"networks": "192.0.2.0/24, 2001:db8:abcd::/48 192.0.2.7"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/companies/{acme.pk}/#networks"
    assert set(acme.networks.values_list("network", flat=True)) == {
        "198.51.100.0/24",
        "192.0.2.0/24",
        "2001:db8:abcd::/48",
        "192.0.2.7/32",
    }
    network = acme.networks.get(network="192.0.2.0/24")
    url = f"/companies/{acme.pk}/networks/{network.pk}/remove/"
    assert "Remove network" in client.get(url).content.decode()
    assert acme.networks.filter(pk=network.pk).exists()  # a GET only asks
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not acme.networks.filter(pk=network.pk).exists()
    assert AuditEntry.objects.filter(action="company.network_remove").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Give an IP address or network, e.g. 203.0.113.0/24."),
        (
            "192.0.2.0/24, <b>nope</b>",
            "&#x27;&lt;b&gt;nope&lt;/b&gt;&#x27; is not an IP address or network",
        ),
        ("0.0.0.0/0", "0.0.0.0/0 is too wide to be one company&#x27;s"),
        ("198.51.100.0/24", None),  # its own already: nothing to do, no error
    ],
)
def test_a_bad_network_is_refused_with_its_message_and_what_was_typed_kept(
    acme: Company, marketer: User, typed: str, message: str | None
) -> None:
    response = signed_in(marketer).post(f"/companies/{acme.pk}/networks/add/", {"networks": typed})
    if message is None:
        assert response.status_code == 302
        return
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and "<b>nope</b>" not in page
    assert acme.networks.count() == 1


def test_a_network_of_another_company_is_refused_naming_it(acme: Company, marketer: User) -> None:
    other = CompanyFactory(name="Globex")
    response = signed_in(marketer).post(
        f"/companies/{other.pk}/networks/add/", {"networks": "198.51.100.0/24"}
    )
    assert response.status_code == 422
    assert "198.51.100.0/24 already belongs to Acme." in response.content.decode()
    assert not other.networks.exists()


def test_sales_cannot_change_networks(acme: Company, sales_rep: User) -> None:
    client = signed_in(sales_rep)
    network = acme.networks.get()
    assert (
        client.post(f"/companies/{acme.pk}/networks/add/", {"networks": "192.0.2.0/24"}).status_code
        == 403
    )
    remove = f"/companies/{acme.pk}/networks/{network.pk}/remove/"
    assert client.post(remove, {"confirm": "yes"}).status_code == 403
    assert client.get("/companies/networks/import/").status_code == 403
    assert acme.networks.count() == 1


# --- CSV import --------------------------------------------------------------------------------


def upload(client: Client, text: str) -> Any:
    data = SimpleUploadedFile("networks.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post("/companies/networks/import/", {"file": data})


def test_a_csv_import_stores_the_good_rows_and_lists_the_bad_with_their_row_numbers(
    acme: Company, marketer: User
) -> None:
    globex = CompanyFactory(name="Globex Corporation", domain=None)
    response = upload(
        signed_in(marketer),
        "Network,Company\n"
        "192.0.2.0/24,ACME.example\n"  # row 2: by domain
        "203.0.113.0/24,globex  corporation\n"  # row 3: by name
        '"not, a network",acme.example\n'  # row 4
        "2001:db8::/48,<script>alert(1)</script>\n"  # row 5: no such company
        "\n"  # row 6: empty, skipped (a spreadsheet counts it too)
        "198.51.100.0/24,acme.example\n"  # already Acme's
        "192.0.2.0/24,globex corporation\n",  # given to two companies
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert set(acme.networks.values_list("network", flat=True)) == {
        "198.51.100.0/24",
        "192.0.2.0/24",
    }
    assert list(globex.networks.values_list("network", flat=True)) == ["203.0.113.0/24"]
    assert 'data-figure="added">2 networks were added.' in page
    assert "1 was there already." in page
    assert '<td class="num">4</td><td>&#x27;not, a network&#x27; is not an IP address' in page
    assert (
        '<td class="num">5</td><td>No company has the domain or name '
        "&#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;." in page
    )
    assert '<td class="num">8</td><td>192.0.2.0/24 is given to two companies.' in page
    assert "<script>alert(1)</script>" not in page


def test_a_csv_without_the_header_is_refused_as_a_whole(marketer: User) -> None:
    response = upload(signed_in(marketer), "192.0.2.0/24,acme.example\n")
    assert response.status_code == 422
    assert "The first row must name the columns: network,company." in response.content.decode()
    assert not CompanyNetwork.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_the_api_lists_adds_and_deletes_a_companys_networks(
    acme: Company, marketer_api: Client
) -> None:
    url = f"/api/v1/companies/{acme.pk}/networks"
    made = send(marketer_api, "post", url, {"network": "2001:DB8:abcd::1/48"})
    assert made.status_code == 201, made.content
    assert made.json()["network"] == "2001:db8:abcd::/48"
    again = send(marketer_api, "post", url, {"network": "2001:db8:abcd::/48"})
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    listed = marketer_api.get(url).json()
    assert listed["count"] == 2
    assert [n["network"] for n in listed["items"]] == ["198.51.100.0/24", "2001:db8:abcd::/48"]
    gone = send(marketer_api, "delete", f"{url}/{made.json()['id']}")
    assert gone.status_code == 204
    assert marketer_api.get(url).json()["count"] == 1


def test_the_api_lets_sales_read_networks_only(acme: Company, sales_api: Client) -> None:
    url = f"/api/v1/companies/{acme.pk}/networks"
    assert sales_api.get(url).json()["count"] == 1
    assert send(sales_api, "post", url, {"network": "192.0.2.0/24"}).status_code == 403
    network = acme.networks.get()
    assert send(sales_api, "delete", f"{url}/{network.pk}").status_code == 403
    assert acme.networks.count() == 1


def test_the_api_answers_404_for_an_unknown_company_or_network(
    acme: Company, marketer_api: Client
) -> None:
    assert marketer_api.get("/api/v1/companies/999999/networks").status_code == 404
    body = {"network": "192.0.2.0/24"}
    assert send(marketer_api, "post", "/api/v1/companies/999999/networks", body).status_code == 404
    url = f"/api/v1/companies/{acme.pk}/networks/999999"
    assert send(marketer_api, "delete", url).status_code == 404


@pytest.mark.parametrize(
    ("network", "status", "detail"),
    [
        ("nope", 422, "'nope' is not an IP address or network"),
        ("16.0.0.0/4", 422, "16.0.0.0/4 is too wide to be one company's"),
        ("198.51.100.9", 409, "198.51.100.9/32"),
    ],
)
def test_the_api_refuses_a_bad_network_naming_the_field(
    acme: Company, marketer_api: Client, network: str, status: int, detail: str
) -> None:
    other = CompanyFactory()
    if status == 409:
        company_networks_add(company=acme, networks=[network_clean(network)], by=None)
    response = send(
        marketer_api, "post", f"/api/v1/companies/{other.pk}/networks", {"network": network}
    )
    assert response.status_code == status, response.content
    assert response.json()["field"] == "network"
    assert detail in response.json()["detail"]
    assert not other.networks.exists()

"""``POST /t/collect`` and ``GET /t/tendril.js``: what the snippet sends is stored as the site's
anonymous visitor, only for pages of the key's site, and joins the contact once identified;
anything else is refused with a 4xx and stores nothing."""

from __future__ import annotations

import gzip
import json
import secrets
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.test import Client

from tendril.contacts.tests.factories import ContactFactory
from tendril.core.models import Event
from tendril.core.services import visitor_identify
from tendril.tracking.collector import snippet
from tendril.tracking.models import Site
from tendril.tracking.services import MAX_HITS_PER_MINUTE, site_create

pytestmark = pytest.mark.django_db
ORIGIN = "https://shop.example.com"
VISITOR = "a1b2c3d4e5f6a7b8"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


@pytest.fixture
def site() -> Site:
    return site_create(data={"name": "Shop", "domains": ["*.example.com"]}, by=None)


def hit(
    client: Client,
    body: Any,
    *,
    origin: str | None = ORIGIN,
    raw: bytes | None = None,
    **extra: Any,
) -> Any:
    headers = {"HTTP_USER_AGENT": BROWSER, **({"HTTP_ORIGIN": origin} if origin else {})}
    if isinstance(body, dict) and "i" not in body:
        body = {**body, "i": secrets.token_hex(8)}  # as the snippet: each hit its own id
    data = raw if raw is not None else json.dumps(body)
    return client.post("/t/collect", data, content_type="text/plain", **headers, **extra)


def view(site: Site, url: str = f"{ORIGIN}/pricing?utm_source=news&utm_medium=email") -> Any:
    return {
        "k": site.key,
        "i": secrets.token_hex(8),
        "v": VISITOR,
        "e": [{"t": "page_view", "u": url, "ti": "Pricing", "r": "https://www.google.com/"}],
    }


def test_a_page_view_is_stored_as_the_visitor_with_its_utm_and_cors_for_the_page(
    client: Client, site: Site
) -> None:
    response = hit(client, view(site))
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    event = Event.objects.get(type="page_view")
    assert event.visitor_id == VISITOR and event.contact_id is None
    assert event.source == "tracking"
    assert event.properties == {
        "url": f"{ORIGIN}/pricing?utm_source=news&utm_medium=email",
        "site": site.pk,
        "title": "Pricing",
        "referrer": "https://www.google.com/",
        "utm_source": "news",
        "utm_medium": "email",
        "source": "email",
    }


def test_time_on_page_and_outbound_and_download_clicks_are_stored(
    client: Client, site: Site
) -> None:
    body = {
        "k": site.key,
        "v": VISITOR,
        "e": [
            {"t": "page_left", "u": f"{ORIGIN}/a", "s": 42},
            {"t": "link_clicked", "u": f"{ORIGIN}/a", "h": "https://other.org/", "c": "outbound"},
            {"t": "link_clicked", "u": f"{ORIGIN}/a", "h": f"{ORIGIN}/e.pdf", "c": "download"},
        ],
    }
    assert hit(client, body).status_code == 204
    stored = [
        (e.type, e.properties.get("seconds"), e.properties.get("kind"))
        for e in Event.objects.order_by("id")
    ]
    assert stored == [
        ("page_left", 42, None),
        ("link_clicked", None, "outbound"),
        ("link_clicked", None, "download"),
    ]


def test_the_anonymous_views_join_the_contact_when_the_visitor_is_identified(
    client: Client, site: Site
) -> None:
    hit(client, view(site))
    contact = ContactFactory()
    assert visitor_identify(visitor_id=VISITOR, contact_id=contact.pk) == 1
    assert Event.objects.get(type="page_view").contact_id == contact.pk


def test_a_replayed_hit_is_answered_like_the_first_and_stored_once(
    client: Client, site: Site
) -> None:
    body = {**view(site), "i": "0123456789abcdef"}
    assert hit(client, body).status_code == 204
    assert hit(client, body).status_code == 204
    assert hit(client, {**body, "i": "fedcba9876543210"}).status_code == 204
    assert Event.objects.filter(type="page_view").count() == 2


def test_a_hit_without_its_own_id_is_refused_and_nothing_is_stored(
    client: Client, site: Site
) -> None:
    anonymous = {key: value for key, value in view(site).items() if key != "i"}
    response = hit(client, None, raw=json.dumps(anonymous).encode())
    assert response.status_code == 422 and response.json()["field"] == "i"
    assert not Event.objects.exists()


def test_a_wrong_key_or_a_page_of_another_domain_is_refused_and_nothing_is_stored(
    client: Client, site: Site
) -> None:
    wrong_key = {**view(site), "k": "not-a-key"}
    assert hit(client, wrong_key).status_code == 403
    foreign = hit(client, view(site), origin="https://evil.test")
    assert foreign.status_code == 403
    assert "Access-Control-Allow-Origin" not in foreign
    assert hit(client, view(site), origin=None).status_code == 403
    other_page = hit(client, view(site, url="https://evil.test/page"))
    assert other_page.status_code == 422 and other_page.json()["field"] == "e[0].u"
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ([], 422, None),
        ({"v": VISITOR, "e": []}, 422, "k"),
        ({"k": "KEY", "v": "short", "e": [{}]}, 422, "v"),
        ({"k": "KEY", "v": VISITOR, "e": []}, 422, "e"),
        ({"k": "KEY", "v": VISITOR, "i": "x", "e": [{"t": "page_view"}]}, 422, "i"),
        ({"k": "KEY", "v": VISITOR, "e": [{"t": "page_view"}] * 21}, 422, "e"),
        ({"k": "KEY", "v": VISITOR, "e": ["x"]}, 422, "e[0]"),
        ({"k": "KEY", "v": VISITOR, "e": [{"t": "purchase", "u": f"{ORIGIN}/"}]}, 422, "e[0].t"),
        (
            {"k": "KEY", "v": VISITOR, "e": [{"t": "page_left", "u": f"{ORIGIN}/", "s": -1}]},
            422,
            "e[0].s",
        ),
        (
            {"k": "KEY", "v": VISITOR, "e": [{"t": "page_view", "u": "javascript:alert(1)"}]},
            422,
            "e[0].u",
        ),
        (
            {
                "k": "KEY",
                "v": VISITOR,
                "e": [{"t": "link_clicked", "u": f"{ORIGIN}/", "h": "javascript:x"}],
            },
            422,
            "e[0].h",
        ),
    ],
)
def test_malformed_hits_get_a_clear_4xx_naming_the_part(
    client: Client, site: Site, body: Any, status: int, field: str | None
) -> None:
    if isinstance(body, dict) and body.get("k") == "KEY":
        body = {**body, "k": site.key}
    response = hit(client, body)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    assert not Event.objects.exists()


def test_a_body_that_is_not_json_or_too_large_is_refused(client: Client, site: Site) -> None:
    assert hit(client, None, raw=b"\xff{").status_code == 400
    huge = json.dumps({**view(site), "pad": "x" * 20_000}).encode()
    assert hit(client, None, raw=huge).status_code == 413
    assert not Event.objects.exists()


def test_hostile_text_is_stored_as_text(client: Client, site: Site) -> None:
    body = view(site)
    body["e"][0]["ti"] = "<script>alert(1)</script>'; DROP TABLE core_event;--"
    assert hit(client, body).status_code == 204
    assert Event.objects.get().properties["title"].startswith("<script>")


def test_a_preflight_is_answered_for_the_asking_origin(client: Client) -> None:
    response = client.options("/t/collect", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_the_snippet_is_served_gzipped_cached_and_under_5_kb(client: Client) -> None:
    response = client.get("/t/tendril.js", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Encoding"] == "gzip"
    assert "max-age" in response["Cache-Control"]
    assert gzip.decompress(response.content) == snippet()[0]
    assert len(response.content) < 5 * 1024
    plain = client.get("/t/tendril.js")
    assert b"data-site" in plain.content and "Content-Encoding" not in plain


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_at_a_live_server_are_all_stored_once_with_no_5xx(live_server: Any) -> None:
    site = site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        body = {
            "k": site.key,
            "i": f"hit{n:05d}",
            "v": f"visitor{n:04d}",
            "e": [{"t": "page_view", "u": f"{ORIGIN}/p{n}"}] * 3,
        }
        request = urllib.request.Request(
            f"{live_server.url}/t/collect",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "text/plain", "Origin": ORIGIN, "User-Agent": BROWSER},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        with lock:
            statuses.append(status)

    # Eight clients at once: the test server's listen queue is Python's default of five.
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(post, range(40)))

    assert statuses == [204] * 40
    assert Event.objects.filter(type="page_view").count() == 120
    assert Event.objects.values("visitor_id").distinct().count() == 40


def test_the_visit_id_is_kept_on_every_event_of_the_hit(client: Client, site: Site) -> None:
    body = {**view(site), "s": "visit0123456789ab"}
    body["e"].append({"t": "page_left", "u": f"{ORIGIN}/pricing", "s": 3})
    assert hit(client, body).status_code == 204
    assert {e.properties["session"] for e in Event.objects.all()} == {"visit0123456789ab"}
    assert hit(client, {**view(site), "s": "no spaces!"}).json()["field"] == "s"


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0 Safari/537.36",
        "python-requests/2.32",
        "curl/8.5.0",
    ],
)
def test_robots_are_answered_like_people_and_nothing_is_stored(
    client: Client, site: Site, agent: str
) -> None:
    response = client.post(
        "/t/collect",
        json.dumps(view(site)),
        content_type="text/plain",
        HTTP_ORIGIN=ORIGIN,
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 204
    assert not Event.objects.exists()


def test_visits_from_the_sites_internal_networks_are_not_recorded(
    client: Client, site: Site, settings: Any
) -> None:
    site.internal_ips = ["203.0.113.0/24"]
    site.save()
    inside = hit(client, view(site), REMOTE_ADDR="203.0.113.9")
    assert inside.status_code == 204 and not Event.objects.exists()
    assert hit(client, view(site), REMOTE_ADDR="198.51.100.7").status_code == 204
    assert Event.objects.count() == 1
    # Behind one proxy, the address it appends is the visitor's; what the client claims is not.
    settings.TRUSTED_PROXY_HOPS = 1
    hit(client, view(site), HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.20")
    hit(client, view(site), HTTP_X_FORWARDED_FOR="203.0.113.20, 198.51.100.1")
    assert Event.objects.count() == 2


def test_a_visitor_sending_more_than_a_person_could_is_left_out(client: Client, site: Site) -> None:
    for _ in range(MAX_HITS_PER_MINUTE + 5):
        assert hit(client, view(site)).status_code == 204
    assert Event.objects.count() == MAX_HITS_PER_MINUTE


def test_a_nul_in_a_title_is_dropped_and_the_view_stored(client: Client, site: Site) -> None:
    body = view(site)
    body["e"][0]["ti"] = "Pri\x00cing"
    assert hit(client, body).status_code == 204
    assert Event.objects.get(type="page_view").properties["title"] == "Pricing"

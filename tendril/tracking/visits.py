"""What a tracking hit says about the visit beyond its events: the visitor's IP address, whether a
robot sent it, and where the visit came from (its source: email, paid, social, search, referral,
direct). Pure functions of the request and the page, so the collector decides per hit without
reading the database."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Crawlers, link checkers, monitoring, headless browsers and HTTP libraries say so in their user
# agent; people's browsers never do.
ROBOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|mediapartners|facebookexternalhit|embedly|quora link|"
    r"headless|phantomjs|puppeteer|playwright|selenium|lighthouse|pagespeed|pingdom|uptime|"
    r"monitor|python-requests|python-urllib|aiohttp|httpx|curl/|wget/|go-http-client|java/|"
    r"okhttp|libwww|scrapy|axios/|node-fetch|preview",
    re.IGNORECASE,
)
SEARCH = (
    "google.",
    "bing.com",
    "coccoc.com",
    "yahoo.",
    "duckduckgo.com",
    "baidu.com",
    "yandex.",
    "naver.com",
    "ecosia.org",
    "search.brave.com",
    "sogou.com",
    "seznam.cz",
)
SOCIAL = (
    "facebook.com",
    "fb.com",
    "instagram.com",
    "linkedin.com",
    "lnkd.in",
    "twitter.com",
    "t.co",
    "x.com",
    "youtube.com",
    "tiktok.com",
    "zalo.me",
    "line.me",
    "pinterest.",
    "reddit.com",
    "threads.net",
    "messenger.com",
    "whatsapp.com",
    "telegram.org",
    "t.me",
)
PAID_MEDIUMS = {
    "cpc",
    "ppc",
    "paid",
    "paidsearch",
    "paid_search",
    "paid-social",
    "paid_social",
    "paidsocial",
    "display",
    "banner",
    "cpm",
    "retargeting",
    "ads",
    "ad",
}
EMAIL_MEDIUMS = {"email", "e-mail", "newsletter", "mail"}
SOCIAL_MEDIUMS = {"social", "social-network", "social_media", "sm", "organic_social"}
SOURCES = ("email", "paid", "social", "search", "referral", "direct")


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: the connection's, or, behind ``TRUSTED_PROXY_HOPS`` proxies, the
    X-Forwarded-For entry they vouch for (entries further left are the client's own claims)."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        chain = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",")]
        chain = [p for p in chain if p]
        if len(chain) >= hops:
            return chain[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


def is_robot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(ROBOT.search(user_agent))


def ip_in(ip: str, networks: list[IPNetwork]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _host_matches(host: str, names: tuple[str, ...]) -> bool:
    host = host.removeprefix("www.").removeprefix("m.")
    return any(host == n or host.startswith(n) or host.endswith("." + n) for n in names)


def source_of(url: str, referrer: str, *, internal: bool) -> str:
    """The source of a page view: from its UTM medium when it has one, else from the referrer's
    site; ``internal`` when the referrer is a page of the same site (the visit goes on)."""
    query = dict(parse_qsl(urlsplit(url).query))
    medium = query.get("utm_medium", "").strip().lower()
    if medium in EMAIL_MEDIUMS:
        return "email"
    # Google's and Microsoft's ad click ids mark a paid click even without UTM parameters.
    if medium in PAID_MEDIUMS or query.get("gclid") or query.get("msclkid"):
        return "paid"
    if medium in SOCIAL_MEDIUMS:
        return "social"
    host = (urlsplit(referrer).hostname or "").lower() if referrer else ""
    if internal:
        return "internal"
    if not host:
        return "direct" if not query.get("utm_source") else "referral"
    if _host_matches(host, SEARCH):
        return "search"
    if _host_matches(host, SOCIAL):
        return "social"
    return "referral"

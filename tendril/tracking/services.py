"""Writes of web tracking: sites (name, domains, public key) and what their pages collect.

A hit from the snippet (``POST /t/collect``) is checked against its site before anything is
stored: the key must name a site, the page asking must be served from one of its domains, and
so must every page an event is about; the events then go through the same ingest as the API,
as the browser's anonymous visitor (``visitor_id``), so an identification later joins them to
the contact.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.models import Contact
from tendril.core import clock
from tendril.core.errors import Forbidden, InvalidInput
from tendril.core.limits import over_per_minute, seen_before
from tendril.core.models import EventSource
from tendril.core.naming import name_clean, name_free, saved_or_conflict
from tendril.core.services import event_record, visitor_identify
from tendril.tracking.events import LINK_CLICKED, PAGE_LEFT
from tendril.tracking.identity import (
    MAX_TOKEN,
    Click,
    contact_from_token,
    with_contact_token,
)
from tendril.tracking.models import Site
from tendril.tracking.organisations import visit_company
from tendril.tracking.selectors import site_forget
from tendril.tracking.visits import ip_in, is_robot, source_of
from tendril.tracking.writer import events_write

MAX_NAME = 200
MAX_DOMAINS = 50
MAX_NETWORKS = 100
# One hit carries the events of one moment on one page: a view, a leave, a few clicks.
MAX_EVENTS = 20
MAX_URL = 2000
# A person's browsing sends a few hits a minute; a robot posing as a browser, hundreds.
MAX_HITS_PER_MINUTE = 120
# A hit replayed later than this is taken as new; its copies still count towards the pace above.
REPLAY_WINDOW = 3600
MAX_TEXT = 500
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"^(\*\.)?{_LABEL}(\.{_LABEL})*$")
VISITOR = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _name_clean(raw: object, *, site_id: int | None) -> str:
    name = name_clean(
        raw,
        empty=_("Give the site a name."),
        too_long=_("A site's name is at most 200 characters."),
        limit=MAX_NAME,
    )
    name_free(Site.objects.all(), name, pk=site_id, taken=_site_taken(name))
    return name


def _site_taken(name: object) -> str:
    return _("There is already a site named '%(name)s'.") % {"name": name}


def domain_clean(raw: object, *, field: str) -> str:
    """A host name as browsers send it in ``Origin``: lower case, international names in their
    ASCII form; a leading ``*.`` covers every subdomain. A pasted address keeps its host only."""
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.rstrip(".")
    wildcard = text.startswith("*.")
    host = text[2:] if wildcard else text
    try:
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        ascii_host = ""
    domain = ("*." if wildcard else "") + ascii_host
    if not ascii_host or len(domain) > 253 or not _HOST.match(domain):
        raise InvalidInput(
            _("'%(domain)s' is not a domain name, e.g. example.com or *.example.com")
            % {"domain": str(raw)[:100]},
            field=field,
        )
    return domain


def _domains_clean(raw: object) -> list[str]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(_("Give at least one domain the site is served from."), field="domains")
    if len(raw) > MAX_DOMAINS:
        raise InvalidInput(
            _("A site has at most %(n)s domains.") % {"n": MAX_DOMAINS}, field="domains"
        )
    cleaned = [domain_clean(d, field=f"domains[{i}]") for i, d in enumerate(raw)]
    return list(dict.fromkeys(cleaned))


def _networks_clean(raw: object) -> list[str]:
    """Internal networks as CIDR (``10.0.0.0/8``, ``2001:db8::/32``; a lone address is its own
    network), each once."""
    if not isinstance(raw, list):
        raise InvalidInput(_("Give the internal networks as a list."), field="internal_ips")
    if len(raw) > MAX_NETWORKS:
        raise InvalidInput(
            _("A site has at most %(n)s internal networks.") % {"n": MAX_NETWORKS},
            field="internal_ips",
        )
    cleaned = []
    for i, value in enumerate(raw):
        try:
            if not isinstance(value, str):
                raise ValueError
            cleaned.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            raise InvalidInput(
                _("'%(value)s' is not an IP address or network, e.g. 203.0.113.0/24")
                % {"value": str(value)[:100]},
                field=f"internal_ips[{i}]",
            ) from None
    return list(dict.fromkeys(cleaned))


def site_serves(site: Site, host: str | None) -> bool:
    """Whether a page on ``host`` belongs to ``site`` (``*.example.com`` covers ``a.example.com``
    and ``example.com`` itself)."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    for domain in site.domains:
        if domain.startswith("*."):
            if host == domain[2:] or host.endswith(domain[1:]):
                return True
        elif host == domain:
            return True
    return False


@transaction.atomic
def site_create(*, data: Mapping[str, Any], by: Actor) -> Site:
    """A new site with a fresh public key; ``name`` and ``domains`` are required."""
    now = clock.now()
    with saved_or_conflict(_site_taken(data.get("name")), field="name"):
        site = Site.objects.create(
            name=_name_clean(data.get("name"), site_id=None),
            domains=_domains_clean(data.get("domains")),
            internal_ips=_networks_clean(data.get("internal_ips") or []),
            key=secrets.token_urlsafe(18),
            created_by=by if isinstance(by, User) else None,
            created_at=now,
            updated_at=now,
        )
    audit_record(
        actor=by,
        action="site.create",
        target_type="site",
        target_id=site.pk,
        detail={"name": site.name, "domains": site.domains},
    )
    return site


@transaction.atomic
def site_update(*, site: Site, data: Mapping[str, Any], by: Actor) -> Site:
    """The given fields (``name``, ``domains``) changed; with ``new_key``, a new public key
    (the old one stops working at once: for a key copied where it should not be)."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    if data.get("name") is not None:
        site.name = _name_clean(data["name"], site_id=site.pk)
    if data.get("domains") is not None:
        site.domains = _domains_clean(data["domains"])
    if data.get("internal_ips") is not None:
        site.internal_ips = _networks_clean(data["internal_ips"])
    if data.get("new_key"):
        site_forget(site.key)
        site.key = secrets.token_urlsafe(18)
    site.updated_at = clock.now()
    with saved_or_conflict(_site_taken(site.name), field="name"):
        site.save()
    audit_record(
        actor=by,
        action="site.update",
        target_type="site",
        target_id=site.pk,
        detail={"name": site.name, "domains": site.domains, "new_key": bool(data.get("new_key"))},
    )
    return site


@transaction.atomic
def site_delete(*, site: Site, by: Actor) -> None:
    """The site goes, and its key stops working; what it collected stays on the event log."""
    audit_record(
        actor=by,
        action="site.delete",
        target_type="site",
        target_id=site.pk,
        detail={"name": site.name, "domains": site.domains},
    )
    site_forget(site.key)
    site.delete()


# --- what the snippet collects -----------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One ``POST /t/collect``, parsed: the site's key, the browser's visitor id, its events."""

    key: str
    visitor: str
    events: list[dict[str, Any]]
    # The snippet's visit: page views less than 30 minutes apart share it.
    session: str = ""
    # The hit's own random id: a second hit with it is a replay.
    id: str = ""
    # A contact's signed token the page was reached with from an email (tracking.identity).
    contact_token: str = ""


def _text(value: object, limit: int) -> str:
    # A NUL cannot be stored (PostgreSQL's text and jsonb refuse it): no page's text needs one.
    return value[:limit].replace("\x00", "") if isinstance(value, str) else ""


def _page_url(site: Site, raw: object, *, field: str) -> str:
    url = _text(raw, MAX_URL + 1)
    parts = urlsplit(url) if url else None
    if (
        parts is None
        or len(url) > MAX_URL
        or parts.scheme not in ("http", "https")
        or not site_serves(site, parts.hostname)
    ):
        raise InvalidInput(_("The page is not on one of the site's domains."), field=field)
    return url


def _utm(url: str) -> dict[str, str]:
    query = dict(parse_qsl(urlsplit(url).query))
    return {key: query[key][:MAX_TEXT] for key in UTM_KEYS if query.get(key)}


def _event(site: Site, raw: object, index: int, session: str) -> tuple[str, dict[str, Any]]:
    """The stored type and properties of one collected event; InvalidInput when it is not
    something the snippet sends. A page view says where the visit came from (``source``)."""
    if not isinstance(raw, dict):
        raise InvalidInput(_("An event is an object."), field=f"e[{index}]")
    kind = raw.get("t")
    url = _page_url(site, raw.get("u"), field=f"e[{index}].u")
    base: dict[str, Any] = {
        "url": url,
        "site": site.pk,
        **({"session": session} if session else {}),
    }
    if kind == "page_view":
        referrer = _text(raw.get("r"), MAX_URL)
        referrer = referrer if referrer.startswith(("http://", "https://")) else ""
        return "page_view", {
            **base,
            "title": _text(raw.get("ti"), MAX_TEXT),
            "referrer": referrer,
            "source": source_of(
                url, referrer, internal=site_serves(site, urlsplit(referrer).hostname)
            ),
            **_utm(url),
        }
    if kind == PAGE_LEFT:
        seconds = raw.get("s")
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not 0 <= seconds <= 86400:
            raise InvalidInput(_("Seconds on the page are 0 to 86,400."), field=f"e[{index}].s")
        return PAGE_LEFT, {**base, "seconds": seconds}
    if kind == LINK_CLICKED:
        href = _text(raw.get("h"), MAX_URL + 1)
        if len(href) > MAX_URL or not href.startswith(("http://", "https://")):
            raise InvalidInput(_("A link is an http or https address."), field=f"e[{index}].h")
        click = "download" if raw.get("c") == "download" else "outbound"
        return LINK_CLICKED, {**base, "href": href, "kind": click}
    raise InvalidInput(_("Unknown event."), field=f"e[{index}].t")


def hit_parse(body: object) -> Hit:
    """The hit's parts, or InvalidInput naming what is wrong (the site is checked after)."""
    if not isinstance(body, dict):
        raise InvalidInput(_("The body is a JSON object."), field=None)
    key, visitor, events = body.get("k"), body.get("v"), body.get("e")
    if not isinstance(key, str) or not key or len(key) > 40:
        raise InvalidInput(_("The site key is missing."), field="k")
    if not isinstance(visitor, str) or not VISITOR.match(visitor):
        raise InvalidInput(_("The visitor id is missing or malformed."), field="v")
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise InvalidInput(_("A hit carries 1 to %(n)s events.") % {"n": MAX_EVENTS}, field="e")
    session = body.get("s", "")
    if session != "" and (not isinstance(session, str) or not VISITOR.match(session)):
        raise InvalidInput(_("The visit id is malformed."), field="s")
    hit_id = body.get("i")
    if not isinstance(hit_id, str) or not VISITOR.match(hit_id):
        raise InvalidInput(_("The hit id is missing or malformed."), field="i")
    contact_token = body.get("c", "")
    if not isinstance(contact_token, str) or len(contact_token) > MAX_TOKEN:
        raise InvalidInput(_("The contact token is malformed."), field="c")
    return Hit(
        key=key,
        visitor=visitor,
        events=events,
        session=session,
        id=hit_id,
        contact_token=contact_token,
    )


def _identify(visitor: str, token: str) -> None:
    """Join the browser to the contact an email's link named; a forged, changed or old token, or
    a contact since erased, identifies no one (and the hit is stored as usual)."""
    contact_id = contact_from_token(token)
    if contact_id is not None and Contact.objects.filter(pk=contact_id).exists():
        visitor_identify(visitor_id=visitor, contact_id=contact_id)


def email_click(*, click: Click, user_agent: str) -> str:
    """Record a person's click on an email's link (``email_clicked {email, url}``) and return
    where their browser goes: the link's address with the contact's token, for the snippet on
    that page to identify the browser. Link scanners and previews (robots by user agent), and
    clicks for a contact since erased, go to the address as it is and record nothing."""
    if is_robot(user_agent) or not Contact.objects.filter(pk=click.contact_id).exists():
        return click.url
    event_record(
        contact_id=click.contact_id,
        type="email_clicked",
        properties={"email": click.email, "url": click.url},
        source=EventSource.TRACKING,
    )
    return with_contact_token(click.url, click.contact_id)


def hit_record(
    *, site: Site, hit: Hit, origin_host: str | None, ip: str = "", user_agent: str = ""
) -> int:
    """Store a hit's events as the site's anonymous visitor; returns how many. The page asking
    must be one of the site's (``Origin``), and so must every page an event is about: a key
    copied onto another site writes nothing. Robots (by user agent, or by a pace no person
    keeps), the site's own people (its internal networks) and replays (a hit id seen before) are
    checked, then left out: nothing is stored and the answer is the same, so none learns to
    hide."""
    if not site_serves(site, origin_host):
        raise Forbidden(
            _("This site's key is not for pages on %(host)s.") % {"host": origin_host or "?"}
        )
    described = [_event(site, raw, i, hit.session) for i, raw in enumerate(hit.events)]
    if (
        is_robot(user_agent)
        or ip_in(ip, site.internal_networks())
        or over_per_minute(f"hits:{site.pk}:{hit.visitor}", MAX_HITS_PER_MINUTE)
        or seen_before(f"hit:{site.pk}:{hit.id}", REPLAY_WINDOW)
    ):
        return 0
    if hit.contact_token:
        _identify(hit.visitor, hit.contact_token)
    # Account-based marketing: an anonymous visitor's hits from a company's network are its.
    company = visit_company(ip=ip, visitor_id=hit.visitor)
    if company is not None:
        described = [(kind, {**properties, "company": company}) for kind, properties in described]
    events_write(
        [(hit.visitor, kind, properties) for kind, properties in described],
        source=EventSource.TRACKING,
    )
    return len(described)

"""Who clicked: a link in an email to a contact goes through ``/t/c/<signed>`` (the click
redirect), which records ``email_clicked`` and sends the browser on to the page with the
contact's signed token in its address (``tendril_c``). The snippet on that page hands the token
to the collector with its next hit and takes it out of the address bar; the collector joins the
browser's visitor to the contact (``visitor_identified``), so its earlier anonymous visits become
the contact's and its later ones are theirs at once.

A click token cannot be made without the secret key: a tampered link gets 400, and the redirect
only ever leads to the address that was signed into it (never an open redirect). The contact
token in the address expires after 30 days, so an old bookmarked or forwarded address stops
identifying anyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core import signing
from django.urls import reverse

CLICK_SALT = "tendril.tracking.click"
CONTACT_SALT = "tendril.tracking.contact"
PARAM = "tendril_c"
CONTACT_TOKEN_AGE = timedelta(days=30)
MAX_TOKEN = 300


@dataclass(frozen=True)
class Click:
    """What a click link was signed with: whose it is, where it leads, from which email."""

    contact_id: int
    url: str
    email: str = ""


def click_url(*, contact_id: int, url: str, email: str = "") -> str:
    """The tracked address (a path on Tendril) of ``url`` in an email to ``contact_id``."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("only http and https addresses are tracked")
    token = signing.dumps({"c": contact_id, "u": url, "e": email}, salt=CLICK_SALT, compress=True)
    return reverse("tracking:click", kwargs={"token": token})


def click_read(token: str) -> Click | None:
    """The click a token was signed for; None when it was not made here or was changed."""
    try:
        data = signing.loads(token, salt=CLICK_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    contact_id, url, email = data.get("c"), data.get("u"), data.get("e", "")
    if not isinstance(contact_id, int) or not isinstance(url, str) or not isinstance(email, str):
        return None
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return Click(contact_id=contact_id, url=url, email=email)


def contact_token(contact_id: int) -> str:
    return signing.dumps(contact_id, salt=CONTACT_SALT)


def contact_from_token(token: str) -> int | None:
    """The contact a ``tendril_c`` token names; None when forged, changed or too old."""
    if len(token) > MAX_TOKEN:
        return None
    try:
        contact_id = signing.loads(token, salt=CONTACT_SALT, max_age=CONTACT_TOKEN_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return contact_id if isinstance(contact_id, int) else None


def with_contact_token(url: str, contact_id: int) -> str:
    """``url`` with the contact's token added to its query (any earlier one replaced)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    query.append((PARAM, contact_token(contact_id)))
    return urlunsplit(parts._replace(query=urlencode(query)))

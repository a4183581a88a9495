"""Shared set-up of the personalisation tests: a site, a form, and a visitor's visits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client

from tendril.core import clock
from tendril.core.models import Event
from tendril.personalisation.decisions import config_forget
from tendril.tracking.models import Site
from tendril.tracking.services import site_create
from tendril.web.models import Form
from tendril.web.services import form_create

ORIGIN = "https://shop.example.com"
PAGE = f"{ORIGIN}/pricing"
VISITOR = "visitor0000000001"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


def make_site() -> Site:
    config_forget()
    return site_create(data={"name": "Shop", "domains": ["shop.example.com"]}, by=None)


def make_form(name: str = "Newsletter") -> Form:
    return form_create(data={"name": name, "fields": [{"key": "email", "label": "Email"}]}, by=None)


def visited(visitor: str, *sessions: str, contact_id: int | None = None) -> None:
    """Page views of the visitor, one per visit id given (oldest first)."""
    now = clock.now()
    for n, session in enumerate(sessions):
        at = now - timedelta(days=len(sessions) - n)
        Event.objects.create(
            visitor_id=visitor,
            contact_id=contact_id,
            type="page_view",
            properties={"url": PAGE, "session": session},
            occurred_at=at,
            received_at=at,
            source="tracking",
        )


def decide(
    client: Client,
    site: Site,
    *,
    visitor: str = VISITOR,
    session: str = "visitnow00000001",
    slots: str = "",
    url: str = PAGE,
    origin: str | None = ORIGIN,
    **extra: Any,
) -> Any:
    params = {"k": site.key, "v": visitor, "s": session, "u": url}
    if slots:
        params["sl"] = slots
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.get("/t/decide", {**params, **extra}, **headers)

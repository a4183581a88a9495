"""What the landing page tests share: a form's fields, a gated file, a page of every kind of
block, and a browser post of a form as a visitor sends it from a page."""

from __future__ import annotations

import io
from typing import Any

import time_machine
from django.test import Client

from tendril.core import clock
from tendril.web.assets import asset_create
from tendril.web.models import Asset, Form, LandingPage
from tendril.web.services import render_token

FORM_FIELDS = [
    {"key": "email", "label": "Work email"},
    {"key": "first_name", "label": "First name", "required": True},
]
PDF = b"%PDF-1.4 an ebook\n%%EOF"
# Headless chromium and test clients say so in their user agent; a person's browser does not.
PERSON = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


def make_asset(name: str = "Ebook") -> Asset:
    return asset_create(name=name, file_name="ebook.pdf", data=io.BytesIO(PDF), by=None)


def shown_earlier() -> str:
    """A form's timing token as if its page was shown a minute ago."""
    with time_machine.travel(clock.now().timestamp() - 60, tick=False):
        return render_token()


def post_from_page(
    client: Client, form: Form, page: LandingPage, visitor: str, **values: Any
) -> Any:
    body = {
        "_t": shown_earlier(),
        "_v": visitor,
        "_page": f"http://testserver/p/{page.slug}",
        "_lp": page.slug,
        **values,
    }
    return client.post(f"/f/{form.key}", body, HTTP_USER_AGENT=PERSON)

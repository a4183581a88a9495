"""Panels that apps above contacts add to the contact page (scoring's "Why this score?"):
contacts cannot import them, so each registers a function that renders its panel's HTML for
one contact and one viewer, from its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from tendril.contacts.models import Contact

ContactPanel = Callable[[HttpRequest, Contact], SafeString]

_panels: dict[str, ContactPanel] = {}


def contact_panel(key: str, render: ContactPanel) -> None:
    """Add (or, with the same key, replace) a panel of the contact page."""
    _panels[key] = render


def contact_panels(request: HttpRequest, contact: Contact) -> list[SafeString]:
    """Every registered panel rendered for this contact, in the order they were registered."""
    return [render(request, contact) for render in _panels.values()]

"""Panels that apps above contacts add to the contact page (scoring's "Why this score?") and to
the company page (tracking's networks and website visits): contacts cannot import them, so each
registers a function that renders its panel's HTML for one contact or company and one viewer,
from its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from tendril.contacts.models import Company, Contact

ContactPanel = Callable[[HttpRequest, Contact], SafeString]
CompanyPanel = Callable[[HttpRequest, Company], SafeString]

_panels: dict[str, ContactPanel] = {}
_company_panels: dict[str, CompanyPanel] = {}


def contact_panel(key: str, render: ContactPanel) -> None:
    """Add (or, with the same key, replace) a panel of the contact page."""
    _panels[key] = render


def contact_panels(request: HttpRequest, contact: Contact) -> list[SafeString]:
    """Every registered panel rendered for this contact, in the order they were registered."""
    return [render(request, contact) for render in _panels.values()]


def company_panel(key: str, render: CompanyPanel) -> None:
    """Add (or, with the same key, replace) a panel of the company page."""
    _company_panels[key] = render


def company_panels(request: HttpRequest, company: Company) -> list[SafeString]:
    """Every registered panel rendered for this company, in the order they were registered."""
    return [render(request, company) for render in _company_panels.values()]

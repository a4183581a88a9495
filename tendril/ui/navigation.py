"""The main menu: one entry per capability; later capabilities show a "coming" page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    active: bool
    coming: bool


# (key, label, url name, coming?, who may see it: None = everyone)
MENU = [
    ("dashboard", _("Dashboard"), "ui:home", False),
    ("contacts", _("Contacts"), "ui:contact_list", False),
    ("companies", _("Companies"), "ui:company_list", False),
    ("segments", _("Segments"), "ui:coming", True),
    ("scoring", _("Scoring"), "ui:coming", True),
    ("emails", _("Emails"), "ui:coming", True),
    ("journeys", _("Journeys"), "ui:coming", True),
    ("web", _("Forms & pages"), "ui:coming", True),
    ("sales", _("Sales"), "ui:coming", True),
    ("reports", _("Reports"), "ui:coming", True),
    ("settings", _("Settings"), "ui:settings", False),
]


def nav_items(request: HttpRequest) -> list[NavItem]:
    path = request.path
    items = []
    for key, label, url_name, coming in MENU:
        url = reverse(url_name, kwargs={"capability": key}) if coming else reverse(url_name)
        active = path.startswith(url) if url != "/" else path == "/"
        items.append(NavItem(key, str(label), url, active, coming))
    return items

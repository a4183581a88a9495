"""Every screen for the three roles: the exact status each one gets, and the menu, Settings
cards and action buttons each one is shown, every link of which opens for that role."""

from __future__ import annotations

import re
from html import unescape as html_unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tendril.accounts.models import User
from tendril.accounts.services import apikey_create
from tendril.contacts.importer import import_job_create
from tendril.contacts.services import contact_create, custom_field_create

pytestmark = pytest.mark.django_db

ROLES = ("admin", "marketer", "sales")
EVERYONE = (200, 200, 200)
MARKETING = (200, 200, 403)
ADMINS = (200, 403, 403)

# (path, status for admin, marketer, sales); {contact} and the like are filled in per test.
PAGES = [
    ("/", EVERYONE),
    ("/contacts/", EVERYONE),
    ("/contacts/new/", EVERYONE),
    ("/contacts/{contact}/", EVERYONE),
    ("/contacts/{contact}/timeline/", EVERYONE),
    ("/contacts/{contact}/personal-data.json", EVERYONE),
    ("/contacts/{contact}/consent/", (405, 405, 405)),
    ("/contacts/{contact}/erase/", MARKETING),
    ("/contacts/{contact}/merge/", MARKETING),
    ("/contacts/999999/", (404, 404, 404)),
    ("/contacts/import/", MARKETING),
    ("/contacts/import/{job}/", MARKETING),
    ("/contacts/import/{job}/status/", MARKETING),
    ("/contacts/import/{job}/undo/", (302, 302, 403)),  # waiting: nothing to undo yet
    ("/contacts/import/999999/", (404, 404, 403)),
    ("/contacts/export.csv", MARKETING),
    ("/contacts/views/", (405, 405, 405)),
    ("/contacts/views/999999/delete/", (404, 404, 404)),
    ("/contacts/bulk/", (405, 405, 403)),
    ("/contacts/bulk/999999/", (404, 404, 403)),
    ("/contacts/bulk/999999/export.csv", (404, 404, 403)),
    ("/companies/", EVERYONE),
    ("/companies/{company}/", EVERYONE),
    ("/companies/new/", EVERYONE),
    ("/companies/{company}/edit/", EVERYONE),
    ("/companies/999999/edit/", (404, 404, 404)),
    ("/companies/suggest/", EVERYONE),
    ("/segments/", EVERYONE),
    ("/segments/new/", MARKETING),
    ("/segments/new-static/", MARKETING),
    ("/segments/preview/", (405, 405, 403)),
    ("/segments/999999/", (404, 404, 404)),
    ("/segments/999999/edit/", (404, 404, 403)),
    ("/segments/999999/delete/", (404, 404, 403)),
    ("/personas/", EVERYONE),
    ("/personas/new/", MARKETING),
    ("/personas/999999/", (404, 404, 404)),
    ("/personas/999999/edit/", (404, 404, 403)),
    ("/personas/999999/delete/", (404, 404, 403)),
    ("/buying-stages/", EVERYONE),
    ("/buying-stages/new/", (405, 405, 403)),
    ("/buying-stages/999999/", (404, 404, 404)),
    ("/contacts/{contact}/buying-stages/999999/", (405, 405, 405)),
    ("/settings/", EVERYONE),
    ("/settings/fields/", MARKETING),
    ("/settings/fields/{field}/delete/", MARKETING),
    ("/settings/fields/999999/delete/", (404, 404, 403)),
    ("/settings/users/", ADMINS),
    ("/settings/users/{user}/", ADMINS),
    ("/settings/users/{user}/deactivate/", ADMINS),
    ("/settings/users/{user}/reactivate/", (405, 403, 403)),
    ("/settings/users/999999/", (404, 403, 403)),
    ("/settings/api-keys/", ADMINS),
    ("/settings/api-keys/{key}/revoke/", ADMINS),
    ("/settings/api-keys/999999/revoke/", (404, 403, 403)),
    ("/settings/audit/", ADMINS),
    ("/settings/stages/", ADMINS),
    ("/settings/stages/lead/delete/", ADMINS),
    ("/settings/stages/no-such-stage/delete/", (404, 403, 403)),
    ("/settings/stages/lead/hide/", (405, 403, 403)),
    ("/lifecycle/", EVERYONE),
    ("/lifecycle/rules/new/", MARKETING),
    ("/lifecycle/rules/999999/", (404, 404, 403)),
    ("/lifecycle/rules/999999/delete/", (404, 404, 403)),
    ("/lifecycle/rules/999999/apply/", (405, 405, 403)),
    ("/system/", ADMINS),
    ("/healthz", EVERYONE),
    ("/password/", EVERYONE),
    ("/login/", (302, 302, 302)),
    ("/logout/", (405, 405, 405)),
    ("/forms/", EVERYONE),
    ("/forms/new/", MARKETING),
    ("/forms/pages/", EVERYONE),
    ("/forms/pages/new/", MARKETING),
    ("/settings/topics/", EVERYONE),
    ("/settings/topics/new/", MARKETING),
    ("/sites/", EVERYONE),
    ("/sites/new/", MARKETING),
    ("/personalisation/", MARKETING),
    ("/personalisation/slots/new/", MARKETING),
    ("/personalisation/popups/", MARKETING),
    ("/personalisation/popups/new/", MARKETING),
    ("/emails/", EVERYONE),
    ("/emails/new/", MARKETING),
    *((f"/coming/{key}/", EVERYONE) for key in ("journeys", "sales", "reports")),
]

MENU = [
    "Dashboard",
    "Contacts",
    "Companies",
    "Segments",
    "Personas",
    "Scoring",
    "Lifecycle",
    "Emails",
    "Journeys",
    "Forms & pages",
    "Personalisation",
    "Sites",
    "Sales",
    "Reports",
    "Settings",
]
MENU_ADMIN_ONLY = ["System"]
MENU_MARKETING_ONLY = ["Personalisation"]
SETTINGS_CARDS = {
    "admin": [
        "/password/",
        "/settings/fields/",
        "/settings/preferences/",
        "/settings/topics/",
        "/settings/stages/",
        "/settings/users/",
        "/settings/api-keys/",
        "/settings/audit/",
    ],
    "marketer": [
        "/password/",
        "/settings/fields/",
        "/settings/preferences/",
        "/settings/topics/",
    ],
    "sales": ["/password/", "/settings/preferences/", "/settings/topics/"],
}
# The head of the contact list; its Export link sits with the results, carrying their query.
LIST_ACTIONS = {
    "admin": ["/contacts/new/", "/contacts/import/"],
    "marketer": ["/contacts/new/", "/contacts/import/"],
    "sales": ["/contacts/new/"],
}


@pytest.fixture
def ids(settings: Any, tmp_path: Path, admin_user: User) -> dict[str, int]:
    """One of each record the pages show, made through the services."""
    settings.VAR_DIR = tmp_path
    contact = contact_create(
        data={"email": "ana@acme-logistics.com", "company": {"name": "Acme Logistics"}}, by=None
    )
    upload = SimpleUploadedFile("people.csv", b"Email\nbo@beta.io\n")
    return {
        "contact": contact.pk,
        "company": contact.company_id or 0,
        "job": import_job_create(upload=upload, by=admin_user).pk,
        "field": custom_field_create(key="plan", label="Plan", type="text", by=None).pk,
        "user": admin_user.pk,
        "key": apikey_create(name="CRM sync", role="sales", by=None)[0].pk,
    }


@pytest.fixture
def users(admin_user: User, marketer: User, sales_rep: User) -> dict[str, User]:
    return {"admin": admin_user, "marketer": marketer, "sales": sales_rep}


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _section(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def _links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_status_it_should_on_every_page(
    role: str, users: dict[str, User], ids: dict[str, int]
) -> None:
    client = _signed_in(users[role])
    expected = {path.format(**ids): statuses[ROLES.index(role)] for path, statuses in PAGES}

    got = {path: client.get(path).status_code for path in expected}

    assert got == expected


@pytest.mark.parametrize("role", ROLES)
def test_a_refused_page_says_why_inside_the_layout(
    role: str, users: dict[str, User], ids: dict[str, int]
) -> None:
    refused = [path.format(**ids) for path, statuses in PAGES if statuses[ROLES.index(role)] == 403]

    for path in refused:
        response = _signed_in(users[role]).get(path)
        body = response.content.decode()
        assert "Your role does not give access to this page." in body, path
        assert "Sign out" in body, path


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_has_the_same_entries_in_the_same_order_for_every_role_and_system_for_admins(
    role: str, users: dict[str, User]
) -> None:
    html = _signed_in(users[role]).get("/").content.decode()

    menu = _section(html, '<ul class="nav">', "</ul>")

    expected = [e for e in MENU if role != "sales" or e not in MENU_MARKETING_ONLY]
    expected += MENU_ADMIN_ONLY if role == "admin" else []
    assert [html_unescape(label) for label in re.findall(r"<span>([^<]+)</span>", menu)] == expected


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_shown_only_the_settings_and_actions_it_may_use(
    role: str, users: dict[str, User], ids: dict[str, int]
) -> None:
    client = _signed_in(users[role])
    settings_page = _section(client.get("/settings/").content.decode(), "<main", "</main>")
    contacts = client.get("/contacts/").content.decode()
    actions = _section(contacts, '<div class="page-head">', "<form")
    contact = client.get(f"/contacts/{ids['contact']}/").content.decode()

    assert _links(settings_page) == SETTINGS_CARDS[role]
    assert _links(actions) == LIST_ACTIONS[role]
    assert ('href="/contacts/export.csv?' in contacts) is (role != "sales")
    assert ("Erase this person" in contact) is (role != "sales")


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_is_shown_opens_for_it(
    role: str, users: dict[str, User], ids: dict[str, int]
) -> None:
    client = _signed_in(users[role])
    pages = ["/", "/contacts/", f"/contacts/{ids['contact']}/", "/companies/", "/settings/"]
    shown = {link for page in pages for link in _links(client.get(page).content.decode())}
    # Links within the page (anchors, page numbers) are not screens of their own.
    screens = sorted(link for link in shown if link.startswith("/"))

    refused = {link: client.get(link).status_code for link in screens}

    assert {link: status for link, status in refused.items() if status != 200} == {}

"""The navigation shell as a registry: the main menu, the cards of the Settings page and the
links of the account box (under the signed-in user's name).

ui draws the menu but knows no app: each app registers its own entries from its
``navigation.py``, which ``tendril.core.plugins.autodiscover()`` imports at start-up::

    nav_entry("contacts", _("Contacts"), "contacts:contact_list", order=20)
    settings_entry(
        "users", _("Users"), _("who can sign in, and their roles"), "accounts:users",
        order=20, visible=is_admin,
    )
    account_entry("preferences", _("Preferences"), "accounts:preferences", order=10)

Entries are shown by ``order`` (then key). The menu keeps its order in steps of ten: Dashboard
10, Contacts 20, Companies 30, Segments 40, Scoring 50, Emails 60, Journeys 70, Forms & pages 80,
Sales 90, Reports 100, Settings 200; an app that adds an entry picks a free number.
``visible(user)`` says who may see an entry (None: everyone signed in); it should hold exactly
when the page behind the entry lets that user in, so nobody is shown a link to a 403.

Capabilities that do not exist yet are registered here as "coming" entries, greyed out and
leading to a page that says what they will do. When an app for one of them is installed, its
``nav_entry`` with the same key replaces the coming one; two real entries with one key stop
start-up, since one of them would silently vanish from the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# ui knows no app's user model: each app's predicates take its own user type.
UserCheck = Callable[[Any], bool]
Text = str | Promise


@dataclass(frozen=True, kw_only=True)
class Entry:
    key: str
    label: Text
    url_name: str
    order: int
    visible: UserCheck | None = None

    def shown_to(self, user: Any) -> bool:
        return self.visible is None or self.visible(user)

    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True, kw_only=True)
class MenuEntry(Entry):
    # Set only on ui's placeholders for capabilities still to come.
    coming_text: Text | None = None

    @property
    def coming(self) -> bool:
        return self.coming_text is not None

    def url(self) -> str:
        if self.coming:
            return reverse(self.url_name, kwargs={"capability": self.key})
        return super().url()


@dataclass(frozen=True, kw_only=True)
class SettingsEntry(Entry):
    description: Text


@dataclass(frozen=True)
class NavItem:
    """One menu link as the layout draws it for the current request."""

    key: str
    label: str
    url: str
    active: bool
    coming: bool


@dataclass(frozen=True)
class SettingsItem:
    key: str
    label: str
    description: str
    url: str


@dataclass(frozen=True)
class AccountItem:
    key: str
    label: str
    url: str


_menu: dict[str, MenuEntry] = {}
_settings: dict[str, SettingsEntry] = {}
_account: dict[str, Entry] = {}

E = TypeVar("E", MenuEntry, SettingsEntry, Entry)


def _register(registry: dict[str, E], entry: E) -> None:
    current = registry.get(entry.key)
    if current is not None and not (isinstance(current, MenuEntry) and current.coming):
        raise ImproperlyConfigured(f"two navigation entries use the key {entry.key!r}")
    registry[entry.key] = entry


def nav_entry(
    key: str, label: Text, url_name: str, *, order: int, visible: UserCheck | None = None
) -> None:
    """Add a link to the main menu (replacing the coming entry with the same key, if any)."""
    _register(
        _menu, MenuEntry(key=key, label=label, url_name=url_name, order=order, visible=visible)
    )


def settings_entry(
    key: str,
    label: Text,
    description: Text,
    url_name: str,
    *,
    order: int,
    visible: UserCheck | None = None,
) -> None:
    """Add a card to the Settings page."""
    _register(
        _settings,
        SettingsEntry(
            key=key,
            label=label,
            description=description,
            url_name=url_name,
            order=order,
            visible=visible,
        ),
    )


def account_entry(
    key: str, label: Text, url_name: str, *, order: int, visible: UserCheck | None = None
) -> None:
    """Add a link to the account box, for what each person sets for themselves."""
    _register(
        _account, Entry(key=key, label=label, url_name=url_name, order=order, visible=visible)
    )


def _coming_entry(key: str, label: Text, text: Text, *, order: int) -> None:
    _register(
        _menu, MenuEntry(key=key, label=label, url_name="ui:coming", order=order, coming_text=text)
    )


def _in_order(entries: list[E]) -> list[E]:
    return sorted(entries, key=lambda e: (e.order, e.key))


def nav_items(request: HttpRequest) -> list[NavItem]:
    """The menu for the signed-in user of ``request``, with the current page's entry active."""
    path = request.path
    items = []
    for entry in _in_order(list(_menu.values())):
        if not entry.shown_to(request.user):
            continue
        url = entry.url()
        active = path.startswith(url) if url != "/" else path == "/"
        items.append(NavItem(entry.key, str(entry.label), url, active, entry.coming))
    return items


def settings_items(user: Any) -> list[SettingsItem]:
    """The Settings page's cards that ``user`` may open."""
    return [
        SettingsItem(e.key, str(e.label), str(e.description), e.url())
        for e in _in_order(list(_settings.values()))
        if e.shown_to(user)
    ]


def account_items(user: Any) -> list[AccountItem]:
    """The account box's links for ``user``."""
    return [
        AccountItem(e.key, str(e.label), e.url())
        for e in _in_order(list(_account.values()))
        if e.shown_to(user)
    ]


def coming_capability(key: str) -> MenuEntry | None:
    """The coming entry for ``key``, or None once an app provides it (or if there is none)."""
    entry = _menu.get(key)
    return entry if entry is not None and entry.coming else None


# --- ui's own entries -----------------------------------------------------------------------

_coming_entry(
    "segments",
    _("Segments"),
    _(
        "Segments will group contacts by who they are and what they did, for example "
        "“visited the pricing page three times this month and works at a company of fewer "
        "than 100 people”. Lists stay up to date on their own, and emails and journeys "
        "will be sent to them."
    ),
    order=40,
)
_coming_entry(
    "scoring",
    _("Scoring"),
    _(
        "Scoring will give each contact points for what they do (a download, a visit to "
        "the pricing page, an opened email), let points fade over time, grade people hot, "
        "warm or cold, and move them along the lifecycle stages from lead to customer."
    ),
    order=50,
)
_coming_entry(
    "emails",
    _("Emails"),
    _(
        "Emails will let you write personalised messages, send them to a segment now or "
        "later, test two subject lines against each other, and see who opened and clicked. "
        "Nobody without consent or who unsubscribed is ever mailed."
    ),
    order=60,
)
_coming_entry(
    "journeys",
    _("Journeys"),
    _(
        "Journeys will run multi-step programmes on their own: wait three days, send an "
        "email, check whether the person clicked, add points, hand them to sales. You will "
        "see where each person is, and can try a journey out before it goes live."
    ),
    order=70,
)
_coming_entry(
    "sales",
    _("Sales"),
    _(
        "Sales will hand hot leads to the right salesperson automatically, alert them at "
        "the right moment, and keep their tasks, reminders and notes next to each contact."
    ),
    order=90,
)
_coming_entry(
    "reports",
    _("Reports"),
    _(
        "Reports will show how people arrive, engage and convert: email results, the "
        "funnel from lead to customer, journey performance, and progress toward the goals "
        "(KGI and KPI) you set."
    ),
    order=100,
)
nav_entry("settings", _("Settings"), "ui:settings", order=200)
settings_entry(
    "password",
    _("Change your password"),
    _("the one you sign in with"),
    "ui:password_change",
    order=0,
)
account_entry("password", _("Change password"), "ui:password_change", order=20)

"""The navigation registry: the menu's order, who sees which entry, the Settings page's cards,
and the capabilities still to come with their pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from tendril.ui import navigation
from tendril.ui.navigation import nav_entry, nav_items, settings_entry

pytestmark = pytest.mark.django_db

# Segments, scoring, forms (web) and emails (messaging) have their apps now (their
# navigation.py).
COMING = {
    "journeys": "multi-step",
    "sales": "hot leads",
    "reports": "funnel",
}


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Registries the test may add to; the real ones come back afterwards."""
    monkeypatch.setattr(navigation, "_menu", dict(navigation._menu))
    monkeypatch.setattr(navigation, "_settings", dict(navigation._settings))
    yield


def _admins_only(user: Any) -> bool:
    return user.role == "admin"


def _menu(user: AbstractUser, path: str = "/settings/") -> list[tuple[str, str, bool, bool]]:
    request = RequestFactory().get(path)
    request.user = user
    return [(i.label, i.url, i.active, i.coming) for i in nav_items(request)]


def test_entries_are_shown_by_their_order_not_by_when_they_were_registered(
    registry: None, marketer: AbstractUser
) -> None:
    nav_entry("late", "After settings", "ui:password_change", order=210)
    nav_entry("early", "Before everything", "ui:password_change", order=1)

    labels = [label for label, *_ in _menu(marketer)]

    assert labels[0] == "Before everything"
    assert labels[-2:] == ["Settings", "After settings"]


def test_an_entry_is_shown_only_to_users_its_check_lets_in(
    registry: None, admin_user: AbstractUser, sales_rep: AbstractUser
) -> None:
    nav_entry("secret", "Admins only", "ui:password_change", order=150, visible=_admins_only)

    assert "Admins only" in [label for label, *_ in _menu(admin_user)]
    assert "Admins only" not in [label for label, *_ in _menu(sales_rep)]


def test_the_entry_of_the_current_page_is_marked_active(marketer: AbstractUser) -> None:
    menu = _menu(marketer, path="/settings/users/")

    assert [label for label, _, active, _ in menu if active] == ["Settings"]


def test_an_app_entry_replaces_the_coming_one_and_its_coming_page(
    registry: None, client: Client, marketer: AbstractUser
) -> None:
    nav_entry("reports", "Reports", "ui:password_change", order=100)
    client.force_login(marketer)

    menu = {label: (url, coming) for label, url, _, coming in _menu(marketer)}

    assert menu["Reports"] == ("/password/", False)
    assert menu["Journeys"] == ("/coming/journeys/", True)
    assert client.get("/coming/reports/").status_code == 404
    assert client.get("/coming/journeys/").status_code == 200


def test_two_app_entries_with_one_key_are_refused(registry: None) -> None:
    nav_entry("twice", "Once", "ui:password_change", order=150)
    settings_entry("twice", "Once", "a card", "ui:password_change", order=150)

    with pytest.raises(ImproperlyConfigured, match="twice"):
        nav_entry("twice", "Again", "ui:password_change", order=160)
    with pytest.raises(ImproperlyConfigured, match="twice"):
        settings_entry("twice", "Again", "a card", "ui:password_change", order=160)


def test_the_settings_page_shows_the_cards_the_user_may_open_in_order(
    registry: None, client: Client, sales_rep: AbstractUser
) -> None:
    settings_entry("open", "Open card", "for everyone", "ui:password_change", order=1)
    settings_entry(
        "secret", "Secret card", "admins", "ui:password_change", order=2, visible=_admins_only
    )
    client.force_login(sales_rep)

    html = client.get("/settings/").content.decode()

    assert "Secret card" not in html
    assert html.index("Change your password") < html.index("Open card")
    assert '<a href="/password/">Open card</a> — <span class="muted">for everyone</span>' in html


def test_coming_capabilities_are_greyed_out_in_the_menu(
    client: Client, marketer: AbstractUser
) -> None:
    client.force_login(marketer)

    html = client.get("/settings/").content.decode()

    for key in COMING:
        assert f'href="/coming/{key}/" class=" coming"' in html
    assert html.count('class="badge coming"') == len(COMING)


def test_each_coming_capability_has_a_page_saying_what_it_will_do(
    client: Client, marketer: AbstractUser
) -> None:
    client.force_login(marketer)
    for key, words in COMING.items():
        response = client.get(f"/coming/{key}/")
        assert response.status_code == 200
        assert words in response.content.decode()


def test_an_unknown_capability_is_not_found(client: Client, marketer: AbstractUser) -> None:
    client.force_login(marketer)

    assert client.get("/coming/teleport/").status_code == 404

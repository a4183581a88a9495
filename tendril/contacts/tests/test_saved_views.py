"""Saved views of the contact list: saving the list as shown, the picker (mine and the team's),
applying, updating and deleting (owner; admins for shared ones), and a taken name said on the
name field, never a server error."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry, User
from tendril.contacts.models import SavedView
from tendril.contacts.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_list_for,
    saved_view_query,
    saved_view_update,
)
from tendril.contacts.selectors import ContactFilters
from tendril.contacts.services import contact_create
from tendril.core.errors import Forbidden, InvalidInput

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _view(owner: User, name: str = "Hot leads", *, shared: bool = False) -> SavedView:
    return saved_view_create(
        name=name,
        shared=shared,
        filters=ContactFilters(grade="hot", stage="mql"),
        columns=["email", "score"],
        order="-score",
        page_size=100,
        by=owner,
    )


def test_a_view_keeps_filters_columns_sort_and_page_size(marketer: User) -> None:
    view = _view(marketer)

    assert (view.filters, view.columns, view.order, view.page_size) == (
        {"stage": "mql", "grade": "hot"},
        ["email", "score"],
        "-score",
        100,
    )
    assert saved_view_query(view) == (
        f"stage=mql&grade=hot&order=-score&page_size=100&columns=email&columns=score&view={view.pk}"
    )


def test_the_picker_lists_my_views_and_the_shared_ones_only(
    marketer: User, sales_rep: User, admin_user: User
) -> None:
    mine = _view(marketer, "Mine")
    shared = _view(sales_rep, "Team pipeline", shared=True)
    _view(sales_rep, "Private to sales")
    _view(admin_user, "Admin's own")

    assert list(saved_view_list_for(marketer)) == [mine, shared]


def test_the_same_name_twice_for_one_person_is_refused_on_the_name_field(
    marketer: User, sales_rep: User
) -> None:
    _view(marketer, "Hot leads")

    with pytest.raises(InvalidInput) as refused:
        _view(marketer, "  Hot   leads ")
    other = _view(sales_rep, "Hot leads")

    assert refused.value.field == "name"
    assert "Hot leads" in refused.value.message
    assert other.name == "Hot leads"
    assert SavedView.objects.filter(name="Hot leads").count() == 2


def test_a_bad_order_page_size_or_column_is_refused_on_its_field(marketer: User) -> None:
    def refused(**shape: object) -> str | None:
        with pytest.raises(InvalidInput) as caught:
            saved_view_create(
                name="x", shared=False, filters=ContactFilters(), by=marketer, **shape
            )  # type: ignore[arg-type]
        return caught.value.field

    assert refused(order="shoe_size") == "order"
    assert refused(page_size=7) == "page_size"
    assert refused(columns=["fields.nothing"]) == "columns"
    with pytest.raises(InvalidInput) as nameless:
        saved_view_create(name="   ", shared=False, filters=ContactFilters(), by=marketer)
    assert nameless.value.field == "name"


def test_only_the_owner_updates_a_view(marketer: User, admin_user: User) -> None:
    view = _view(marketer, shared=True)

    saved_view_update(view=view, filters=ContactFilters(q="nguyen"), order="name", by=marketer)
    with pytest.raises(Forbidden):
        saved_view_update(view=view, filters=ContactFilters(), by=admin_user)

    view.refresh_from_db()
    assert (view.filters, view.order, view.columns, view.page_size) == (
        {"q": "nguyen"},
        "name",
        [],
        50,
    )


def test_admins_may_delete_a_shared_view_audited_but_not_change_it(
    marketer: User, sales_rep: User, admin_user: User
) -> None:
    shared = _view(marketer, "Team", shared=True)
    private = _view(marketer, "Mine")

    with pytest.raises(Forbidden):
        saved_view_delete(view=shared, by=sales_rep)
    with pytest.raises(Forbidden):
        saved_view_delete(view=private, by=admin_user)
    saved_view_delete(view=shared, by=admin_user)
    saved_view_delete(view=private, by=marketer)

    assert not SavedView.objects.exists()
    audit = AuditEntry.objects.get(action="saved_view.delete")
    assert (audit.actor, audit.detail) == (
        admin_user.email,
        {"name": "Team", "owner": marketer.email},
    )


# --- the screens ----------------------------------------------------------------------------


def _state(**extra: object) -> dict[str, object]:
    """What the list's save form posts: the list's hidden fields, plus the form's own."""
    return {
        "q": "globex",
        "stage": "lead",
        "order": "-score",
        "columns": ["email", "score"],
        **extra,
    }


def test_saving_the_list_shows_it_again_under_the_views_name(sales_rep: User) -> None:
    contact_create(data={"email": "ana@gmail.com", "company": {"name": "Globex"}}, by=None)
    client = _signed_in(sales_rep)

    saved = client.post("/contacts/views/", _state(name="Globex leads", shared="on"))
    view = SavedView.objects.get()
    shown = client.get(saved["Location"]).content.decode()

    assert saved.status_code == 302
    assert saved["Location"] == "/contacts/?" + saved_view_query(view)
    assert (view.owner, view.shared, view.filters, view.order, view.columns) == (
        sales_rep,
        True,
        {"q": "globex", "stage": "lead"},
        "-score",
        ["email", "score"],
    )
    assert "The view “Globex leads” was saved." in shown
    assert "View: Globex leads" in shown
    assert 'aria-sort="descending" data-column="score"' in shown
    assert f'<input type="hidden" name="view" value="{view.pk}" form="contact-filters">' in shown


def test_a_taken_name_is_shown_on_the_name_field_with_the_list_as_it_was(
    marketer: User,
) -> None:
    _view(marketer, "Globex leads")

    response = _signed_in(marketer).post("/contacts/views/", _state(name="Globex leads"))
    html = response.content.decode()

    assert response.status_code == 422
    field = html[html.index('name="name"') :]
    assert "You already have a view named “Globex leads”" in unescape(field[:600])
    assert '<details class="menu save-view" open>' in html
    assert 'value="globex"' in html
    assert SavedView.objects.count() == 1


def test_the_update_button_saves_what_the_list_shows_now(marketer: User, sales_rep: User) -> None:
    view = _view(marketer)
    client = _signed_in(marketer)
    html = client.get("/contacts/" + "?" + saved_view_query(view)).content.decode()
    assert f'action="/contacts/views/{view.pk}/update/"' in html

    response = client.post(f"/contacts/views/{view.pk}/update/", {"grade": "warm", "order": "name"})
    refused = _signed_in(sales_rep).post(f"/contacts/views/{view.pk}/update/", {"grade": "cold"})

    view.refresh_from_db()
    assert response.status_code == 302
    assert (view.filters, view.order) == ({"grade": "warm"}, "name")
    assert refused.status_code == 404  # a private view of someone else is not there for them


def test_others_see_a_shared_view_but_no_update_or_delete_button(
    marketer: User, sales_rep: User
) -> None:
    view = _view(marketer, shared=True)

    html = _signed_in(sales_rep).get("/contacts/?" + saved_view_query(view)).content.decode()
    refused = _signed_in(sales_rep).post(f"/contacts/views/{view.pk}/update/", {"q": "x"})

    assert re.search(r"shared by Marketer Tester", html)
    assert f"/contacts/views/{view.pk}/update/" not in html
    assert f"/contacts/views/{view.pk}/delete/" not in html
    assert refused.status_code == 403


def test_deleting_a_view_asks_first_then_deletes_it(marketer: User) -> None:
    view = _view(marketer)
    client = _signed_in(marketer)

    asked = client.get(f"/contacts/views/{view.pk}/delete/")
    deleted = client.post(f"/contacts/views/{view.pk}/delete/", {"confirm": "yes"})

    assert "Delete the view “Hot leads”?" in asked.content.decode()
    assert deleted.status_code == 302
    assert not SavedView.objects.exists()

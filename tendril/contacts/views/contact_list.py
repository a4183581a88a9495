"""The contact list screen: search and filters, sort, page size, columns (custom fields too),
saved views, the bulk bar and the Export link.

Everything the list shows lives in its URL (``ListState``), so a link, the Back button, a saved
view, a bulk action over "every contact matching" and the export all mean the same list. The
forms that act on the list (save a view, a bulk action) post the same parameters as hidden
fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from tendril.accounts import selectors as account_selectors
from tendril.accounts.models import User
from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts import selectors
from tendril.contacts.forms import ContactFilterForm, SavedViewForm
from tendril.contacts.listing import (
    DEFAULT_COLUMNS,
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    Column,
    column_choices,
    columns_pick,
    filters_dump,
    list_params,
    list_query,
)
from tendril.contacts.models import BulkAction, CustomField, SavedView
from tendril.contacts.saved_views import (
    saved_view_list_for,
    saved_view_may_change,
    saved_view_may_delete,
    saved_view_query,
)
from tendril.contacts.selectors import CONTACT_ORDERS, DEFAULT_ORDER, ContactFilters
from tendril.contacts.stages import stages
from tendril.ui.views import is_htmx, paginate

# The list counts its matches up to this many ("more than 10,000"): see CappedPaginator.
LIST_COUNT_CAP = 10_000


def owners() -> list[User]:
    return list(account_selectors.user_list(active_only=True))


@dataclass
class ListState:
    """One view of the contact list, read from its query parameters (or a form posting them)."""

    form: ContactFilterForm
    filters: ContactFilters
    order: str
    page_size: int
    # The columns as asked for (none: the default ones), and the ones shown.
    column_keys: list[str]
    columns: list[Column]
    definitions: list[CustomField]
    view: int | None
    # The active users the filter form offers, offered again by the bulk bar's owner choice.
    owners: list[User]

    def view_params(self, **changes: Any) -> dict[str, Any]:
        """What ``list_params`` takes for this view, with ``changes``."""
        view = {
            "filters": filters_dump(self.filters),
            "order": self.order,
            "page_size": self.page_size,
            "columns": self.column_keys,
            "view": self.view,
        }
        return {**view, **changes}

    def query(self, **changes: Any) -> str:
        return list_query(**self.view_params(**changes))

    def fields(self) -> list[tuple[str, object]]:
        """The hidden fields that make a form post this view (saved views, bulk actions)."""
        return list_params(**self.view_params(view=None))


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


def list_state(data: QueryDict) -> ListState:
    """The list ``data`` asks for; a value the list does not know is ignored (the default
    applies), as a filter the form refuses is."""
    active = owners()
    form = ContactFilterForm(data, owners=active, sources=selectors.contact_source_list())
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    filters = ContactFilters(
        q=cleaned.get("q") or None,
        stage=cleaned.get("stage") or None,
        grade=cleaned.get("grade") or None,
        owner=cleaned.get("owner"),
        source=cleaned.get("source") or None,
        segment=cleaned.get("segment"),
    )
    order = data.get("order", "")
    page_size = _number(data.get("page_size"))
    definitions = list(selectors.custom_field_list())
    known = {c.key for c in column_choices(definitions)}
    keys = [k for k in dict.fromkeys(data.getlist("columns")) if k in known]
    columns = columns_pick(keys, definitions)
    if [c.key for c in columns] == list(DEFAULT_COLUMNS):
        keys = []  # the default columns, as the column chooser sends them: no need to say so
    return ListState(
        form=form,
        filters=filters,
        order=order if order in CONTACT_ORDERS else DEFAULT_ORDER,
        page_size=page_size if page_size in PAGE_SIZES else DEFAULT_PAGE_SIZE,
        column_keys=keys,
        columns=columns,
        definitions=definitions,
        view=_number(data.get("view")),
        owners=active,
    )


def _headers(state: ListState) -> list[dict[str, Any]]:
    """Each column's header: sortable ones link to their order, or its reverse when the list
    is sorted by them already."""
    headers = []
    for column in state.columns:
        direction = None
        url = None
        if column.order:
            if state.order.lstrip("-") == column.sort_key:
                direction = "descending" if state.order.startswith("-") else "ascending"
                next_order = column.sort_key if direction == "descending" else f"-{column.sort_key}"
            else:
                next_order = column.order
            url = "?" + state.query(order=next_order)
        headers.append({"column": column, "url": url, "direction": direction})
    return headers


def _current_view(state: ListState, user: User, views: list[SavedView]) -> dict[str, Any] | None:
    view = next((v for v in views if v.pk == state.view), None)
    if view is None:
        return None
    return {
        "view": view,
        "may_change": saved_view_may_change(view, user),
        "may_delete": saved_view_may_delete(view, user),
    }


def list_page(
    request: AuthedRequest,
    state: ListState,
    *,
    save_form: SavedViewForm | None = None,
    bulk_errors: dict[str, str] | None = None,
    bulk_chosen: dict[str, str] | None = None,
    selected: set[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The list page (or, for htmx, its results) for ``state``; the forms posting to it re-show
    it with their errors."""
    contacts = selectors.contact_list(filters=state.filters, order=state.order)
    page = paginate(request, contacts, per_page=state.page_size, count_cap=LIST_COUNT_CAP)
    views = list(saved_view_list_for(request.user))
    chosen = {c.key for c in state.columns}
    context = {
        "form": state.form,
        "state": state,
        "page": page,
        "headers": _headers(state),
        "column_choices": [(c, c.key in chosen) for c in column_choices(state.definitions)],
        "page_sizes": PAGE_SIZES,
        "state_fields": state.fields(),
        "saved_views": [(v, saved_view_url(v)) for v in views],
        "current": _current_view(state, request.user, views),
        "save_form": save_form or SavedViewForm(),
        "can_bulk": is_marketing(request.user),
        "bulk_actions": BulkAction.choices,
        "bulk_errors": bulk_errors or {},
        # What the bar had chosen when it was refused, chosen again.
        "bulk_chosen": bulk_chosen or {},
        "selected": selected or set(),
        "owners": state.owners,
        "stages": stages(),
        # The export is of this very list: its filters, its order and the columns shown.
        "export_url": reverse("contacts:export")
        + "?"
        + state.query(view=None, columns=[c.key for c in state.columns]),
    }
    fragment = is_htmx(request) and request.method == "GET"
    template = "contacts/_contact_results.html" if fragment else "contacts/contact_list.html"
    response = render(request, template, context, status=status)
    if fragment:
        # The address bar shows the list's short address, not every input the form sent.
        response["HX-Push-Url"] = list_url(state)
    # The same URL answers a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def contact_list(request: AuthedRequest) -> HttpResponse:
    return list_page(request, list_state(request.GET))


def saved_view_url(view: SavedView) -> str:
    """The list showing ``view``."""
    return reverse("contacts:contact_list") + "?" + saved_view_query(view)


def list_url(state: ListState, **changes: Any) -> str:
    """The list's address showing ``state`` (with ``changes``)."""
    query = state.query(**changes)
    return reverse("contacts:contact_list") + (f"?{query}" if query else "")

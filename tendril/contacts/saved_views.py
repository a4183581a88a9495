"""Saved views of the contact list: a name for filters, columns, sort and page size, kept private
or shared with the team. Reads and writes both live here (the model is small and only the list
screen uses it).

Anyone signed in may save views; only the owner changes one, and a shared view may also be
deleted by an admin (audited), so a team is not stuck with a stale one.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import audit_record
from tendril.contacts.listing import (
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    columns_unknown,
    filters_dump,
    list_query,
)
from tendril.contacts.models import SavedView
from tendril.contacts.selectors import (
    DEFAULT_ORDER,
    ContactFilters,
    contact_order_check,
    custom_field_list,
)
from tendril.core import clock
from tendril.core.errors import Forbidden, InvalidInput, first_or_not_found

NAME_MAX = SavedView._meta.get_field("name").max_length or 100


def saved_view_list_for(user: User) -> QuerySet[SavedView]:
    """The views ``user`` may apply: their own and the ones shared with the team, by name."""
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


def saved_view_get_for(user: User, view_id: int) -> SavedView:
    """A view ``user`` may apply; 404 for another person's private view, as for a missing one."""
    return first_or_not_found(
        saved_view_list_for(user).filter(pk=view_id), _("There is no such saved view.")
    )


def saved_view_may_change(view: SavedView, user: User) -> bool:
    return view.owner_id == user.pk


def saved_view_may_delete(view: SavedView, user: User) -> bool:
    return saved_view_may_change(view, user) or (view.shared and user.is_admin)


def _name_clean(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the view a name."), field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(
            _("A view name has at most %(max)s characters.") % {"max": NAME_MAX}, field="name"
        )
    return name


def _taken(name: str) -> InvalidInput:
    return InvalidInput(
        _("You already have a view named “%(name)s”. Choose another name.") % {"name": name},
        field="name",
    )


def _save(view: SavedView) -> SavedView:
    """Save; the unique (owner, name) constraint decides a name two requests claim at once, and
    the loser hears it on the name field, never as a server error."""
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        if SavedView.objects.filter(owner_id=view.owner_id, name=view.name).exists():
            raise _taken(view.name) from None
        raise
    return view


def _shape(
    view: SavedView, *, filters: ContactFilters, columns: Sequence[str], order: str, page_size: int
) -> None:
    """Check what the view is to show and copy it onto ``view`` (unsaved)."""
    contact_order_check(order)
    if page_size not in PAGE_SIZES:
        sizes = ", ".join(str(s) for s in PAGE_SIZES)
        raise InvalidInput(
            _("The page size must be one of %(sizes)s.") % {"sizes": sizes}, field="page_size"
        )
    unknown = columns_unknown(columns, custom_field_list())
    if unknown:
        raise InvalidInput(
            _("The list has no column “%(name)s”.") % {"name": unknown[0]}, field="columns"
        )
    view.filters = filters_dump(filters)
    view.columns = list(dict.fromkeys(columns))
    view.order = order
    view.page_size = page_size


def saved_view_create(
    *,
    name: str,
    shared: bool,
    filters: ContactFilters,
    columns: Sequence[str] = (),
    order: str = DEFAULT_ORDER,
    page_size: int = DEFAULT_PAGE_SIZE,
    by: User,
) -> SavedView:
    now = clock.now()
    view = SavedView(
        name=_name_clean(name), owner=by, shared=shared, created_at=now, updated_at=now
    )
    _shape(view, filters=filters, columns=columns, order=order, page_size=page_size)
    return _save(view)


def saved_view_update(
    *,
    view: SavedView,
    filters: ContactFilters,
    columns: Sequence[str] = (),
    order: str = DEFAULT_ORDER,
    page_size: int = DEFAULT_PAGE_SIZE,
    name: str | None = None,
    shared: bool | None = None,
    by: User,
) -> SavedView:
    """Make ``view`` show what the list shows now (and rename or (un)share it); owner only."""
    if not saved_view_may_change(view, by):
        raise Forbidden(_("Only the person who saved this view can change it."))
    if name is not None:
        view.name = _name_clean(name)
    if shared is not None:
        view.shared = shared
    _shape(view, filters=filters, columns=columns, order=order, page_size=page_size)
    view.updated_at = clock.now()
    return _save(view)


def saved_view_delete(*, view: SavedView, by: User) -> None:
    """Delete ``view``: its owner may, and an admin may delete a shared one (audited)."""
    if not saved_view_may_delete(view, by):
        raise Forbidden(_("Only the person who saved this view, or an admin, can delete it."))
    with transaction.atomic():
        if view.shared:
            audit_record(
                actor=by,
                action="saved_view.delete",
                target_type="saved_view",
                target_id=view.pk,
                detail={"name": view.name, "owner": view.owner.email},
            )
        view.delete()


def saved_view_query(view: SavedView) -> str:
    """The contact list's querystring that shows ``view`` (with ``view=<id>``, so the list
    can offer to update it)."""
    return list_query(
        filters=view.filters,
        order=view.order or DEFAULT_ORDER,
        page_size=view.page_size,
        columns=view.columns,
        view=view.pk,
    )

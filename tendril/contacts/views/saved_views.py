"""Saved views of the contact list: save the list as shown under a name, update it with what the
list shows now, delete it. Applying one is a plain link to the list (``saved_view_query``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest
from tendril.contacts.forms import SavedViewForm
from tendril.contacts.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_get_for,
    saved_view_may_delete,
    saved_view_update,
)
from tendril.contacts.views.contact_list import list_page, list_state, list_url, saved_view_url
from tendril.core.errors import DomainError, Forbidden
from tendril.ui.views import confirm_page, confirmed, forbidden, form_error, found


@login_required
@require_POST
def saved_view_save(request: AuthedRequest) -> HttpResponse:
    """Save the list as the form's hidden fields describe it; a taken name is said on the name
    field, with the list as it was."""
    state = list_state(request.POST)
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = saved_view_create(
                name=form.cleaned_data["name"],
                shared=form.cleaned_data["shared"],
                filters=state.filters,
                columns=state.column_keys,
                order=state.order,
                page_size=state.page_size,
                by=request.user,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
            return redirect(saved_view_url(view))
    return list_page(request, state, save_form=form, status=422)


@login_required
@require_POST
def saved_view_change(request: AuthedRequest, pk: int) -> HttpResponse:
    """Make a saved view show what the list shows now (its owner only)."""
    view = found(saved_view_get_for, request.user, pk)
    state = list_state(request.POST)
    try:
        saved_view_update(
            view=view,
            filters=state.filters,
            columns=state.column_keys,
            order=state.order,
            page_size=state.page_size,
            by=request.user,
        )
    except Forbidden:
        return forbidden(request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(list_url(state, view=view.pk))
    messages.success(request, _("The view “%(name)s” was updated.") % {"name": view.name})
    return redirect(saved_view_url(view))


@login_required
def saved_view_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    view = found(saved_view_get_for, request.user, pk)
    if confirmed(request):
        try:
            saved_view_delete(view=view, by=request.user)
        except Forbidden:
            return forbidden(request)
        messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
        return redirect("contacts:contact_list")
    if not saved_view_may_delete(view, request.user):
        return forbidden(request)
    text = _("Nobody will be able to apply this view any more; the contacts are not touched.")
    if view.shared:
        text = _(
            "The view is shared: nobody in the team will be able to apply it any more. The "
            "contacts are not touched."
        )
    return confirm_page(
        request,
        title=_("Delete the view “%(name)s”?") % {"name": view.name},
        text=text,
        button=_("Delete the view"),
        cancel_url=saved_view_url(view),
    )

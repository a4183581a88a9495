"""Settings → Custom fields: the extra fields every contact has (marketing's to change)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts import selectors, services
from tendril.contacts.forms import CustomFieldForm
from tendril.core.errors import DomainError
from tendril.ui.views import confirm_page, confirmed, form_error, form_page, found, role_required


@role_required(is_marketing)
def custom_fields(request: AuthedRequest) -> HttpResponse:
    template = "contacts/custom_fields.html"
    form = CustomFieldForm(request.POST or None)
    context = {"fields": selectors.custom_field_list()}
    if request.method != "POST":
        return render(request, template, {"form": form, **context})
    if form.is_valid():
        try:
            definition = services.custom_field_create(
                key=form.cleaned_data["key"],
                label=form.cleaned_data["label"],
                type=form.cleaned_data["type"],
                choices=form.choice_list(),
                by=request.user,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("The field “%(label)s” was added.") % {"label": definition.label}
            )
            return redirect("contacts:custom_fields")
    return form_page(request, template, form, **context)


@role_required(is_marketing)
def custom_field_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    definition = found(selectors.custom_field_get_for, request.user, pk)
    if confirmed(request):
        count = services.custom_field_delete(definition=definition, by=request.user)
        messages.success(
            request,
            _("The field “%(label)s” was deleted, with its value on %(count)s contacts.")
            % {"label": definition.label, "count": count},
        )
        return redirect("contacts:custom_fields")
    return confirm_page(
        request,
        title=_("Delete the field “%(label)s”?") % {"label": definition.label},
        text=_(
            "Its value is removed from every contact that has one. Imports and API calls that "
            "send this field will be refused. This cannot be undone."
        ),
        button=_("Delete the field"),
        cancel_url=reverse("contacts:custom_fields"),
    )

"""Settings: custom fields (marketing), users, API keys and the audit log (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts import services as account_services
from tendril.accounts.models import ApiKey, AuditEntry, User
from tendril.contacts import selectors as contact_selectors
from tendril.contacts import services as contact_services
from tendril.contacts.models import CustomField
from tendril.core.errors import DomainError
from tendril.ui.forms import (
    ApiKeyCreateForm,
    ConfirmForm,
    CustomFieldForm,
    UserCreateForm,
    UserRoleForm,
)
from tendril.ui.views import (
    AuthedRequest,
    form_page,
    is_admin,
    is_marketing,
    paginate,
    role_required,
)


def _confirm(
    request: HttpRequest, *, title: str, text: str, button: str, cancel_url: str
) -> HttpResponse:
    context = {"title": title, "text": text, "button": button, "cancel_url": cancel_url}
    return render(request, "ui/confirm.html", context)


def _confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and ConfirmForm(request.POST).is_valid()


@login_required
def settings_index(request: AuthedRequest) -> HttpResponse:
    return render(request, "ui/settings/index.html")


# --- custom fields --------------------------------------------------------------------------


@role_required(is_marketing)
def custom_fields(request: AuthedRequest) -> HttpResponse:
    template = "ui/settings/custom_fields.html"
    form = CustomFieldForm(request.POST or None)
    context = {"fields": contact_selectors.custom_field_list()}
    if request.method != "POST":
        return render(request, template, {"form": form, **context})
    if form.is_valid():
        try:
            definition = contact_services.custom_field_create(
                key=form.cleaned_data["key"],
                label=form.cleaned_data["label"],
                type=form.cleaned_data["type"],
                choices=form.choice_list(),
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("The field “%(label)s” was added.") % {"label": definition.label}
            )
            return redirect("ui:custom_fields")
    return form_page(request, template, form, **context)


@role_required(is_marketing)
def custom_field_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    definition = get_object_or_404(CustomField, pk=pk)
    if _confirmed(request):
        count = contact_services.custom_field_delete(definition=definition, by=request.user)
        messages.success(
            request,
            _("The field “%(label)s” was deleted, with its value on %(count)s contacts.")
            % {"label": definition.label, "count": count},
        )
        return redirect("ui:custom_fields")
    return _confirm(
        request,
        title=_("Delete the field “%(label)s”?") % {"label": definition.label},
        text=_(
            "Its value is removed from every contact that has one. Imports and API calls that "
            "send this field will be refused. This cannot be undone."
        ),
        button=_("Delete the field"),
        cancel_url=reverse("ui:custom_fields"),
    )


# --- users ----------------------------------------------------------------------------------


@role_required(is_admin)
def users(request: AuthedRequest) -> HttpResponse:
    template = "ui/settings/users.html"
    form = UserCreateForm(request.POST or None)
    context = {"users": User.objects.order_by("-is_active", "email")}
    if request.method != "POST":
        return render(request, template, {"form": form, **context})
    if form.is_valid():
        try:
            user = account_services.user_create(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(email)s can now sign in.") % {"email": user.email})
            return redirect("ui:users")
    return form_page(request, template, form, **context)


@role_required(is_admin)
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = UserRoleForm(request.POST or None, initial={"role": user.role})
    context = {"person": user}
    if request.method != "POST":
        return render(request, "ui/settings/user_edit.html", {"form": form, **context})
    if form.is_valid():
        try:
            account_services.user_update(user=user, role=form.cleaned_data["role"], by=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The role of %(email)s was saved.") % {"email": user.email})
            return redirect("ui:users")
    return form_page(request, "ui/settings/user_edit.html", form, **context)


@role_required(is_admin)
def user_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    if _confirmed(request):
        try:
            account_services.user_update(user=user, is_active=False, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(email)s can no longer sign in.") % {"email": user.email})
        return redirect("ui:users")
    return _confirm(
        request,
        title=_("Deactivate %(email)s?") % {"email": user.email},
        text=_(
            "They can no longer sign in. Their contacts keep them as owner until you reassign "
            "them. You can reactivate the account later."
        ),
        button=_("Deactivate"),
        cancel_url=reverse("ui:user_edit", args=[user.pk]),
    )


@role_required(is_admin)
@require_POST
def user_reactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    account_services.user_update(user=user, is_active=True, by=request.user)
    messages.success(request, _("%(email)s can sign in again.") % {"email": user.email})
    return redirect("ui:users")


# --- API keys -------------------------------------------------------------------------------


@role_required(is_admin)
def api_keys(request: AuthedRequest) -> HttpResponse:
    template = "ui/settings/api_keys.html"
    form = ApiKeyCreateForm(request.POST or None)
    context = {"keys": ApiKey.objects.select_related("created_by").order_by("-created_at")}
    if request.method != "POST":
        return render(request, template, {"form": form, **context})
    if form.is_valid():
        try:
            key, secret = account_services.apikey_create(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # The secret exists only in this response: no redirect, and nothing may cache it.
            response = render(
                request, "ui/settings/api_key_created.html", {"key": key, "secret": secret}
            )
            response["Cache-Control"] = "no-store"
            return response
    return form_page(request, template, form, **context)


@role_required(is_admin)
def api_key_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(ApiKey, pk=pk)
    if _confirmed(request):
        account_services.apikey_revoke(key=key, by=request.user)
        messages.success(request, _("The key “%(name)s” was revoked.") % {"name": key.name})
        return redirect("ui:api_keys")
    return _confirm(
        request,
        title=_("Revoke the key “%(name)s”?") % {"name": key.name},
        text=_("Every script or integration using this key stops working at once."),
        button=_("Revoke the key"),
        cancel_url=reverse("ui:api_keys"),
    )


# --- audit log ------------------------------------------------------------------------------


@role_required(is_admin)
def audit_log(request: AuthedRequest) -> HttpResponse:
    page = paginate(request, AuditEntry.objects.all())
    return render(request, "ui/settings/audit_log.html", {"page": page})

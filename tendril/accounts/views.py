"""Account screens: everyone's own preferences and language; under Settings and for admins
only, users, API keys and the audit log."""

from __future__ import annotations

from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from tendril.accounts import selectors, services
from tendril.accounts.forms import ApiKeyCreateForm, PreferencesForm, UserCreateForm, UserRoleForm
from tendril.accounts.middleware import user_language
from tendril.accounts.models import User
from tendril.accounts.permissions import AuthedRequest, is_admin
from tendril.core.errors import DomainError
from tendril.ui.views import (
    confirm_page,
    confirm_then,
    confirmed,
    form_error,
    form_page,
    found,
    paginate,
    role_required,
)

# --- everyone's own language and time zone --------------------------------------------------


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    template = "accounts/preferences.html"
    user = request.user
    initial = {"language": user.language, "time_zone": user.time_zone}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return render(request, template, {"form": form})
    if form.is_valid():
        try:
            services.user_preferences_set(user=user, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            # Said in the language just chosen, which the next page is shown in.
            translation.activate(user_language(request))
            messages.success(request, _("Your preferences were saved."))
            return redirect("accounts:preferences")
    return form_page(request, template, form)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The layout's language switcher. A signed-in user's choice is saved on their account, so
    it follows them to every browser; everyone also gets Django's language cookie, which keeps
    the sign-in page in that language after signing out."""
    user = request.user
    if isinstance(user, User) and user.is_active:
        # Like set_language itself, an unknown language changes nothing.
        with suppress(DomainError):
            services.user_preferences_set(
                user=user, language=request.POST.get("language"), time_zone=user.time_zone
            )
    return set_language(request)


# --- users ----------------------------------------------------------------------------------


@role_required(is_admin)
def users(request: AuthedRequest) -> HttpResponse:
    template = "accounts/users.html"
    form = UserCreateForm(request.POST or None)
    context = {"users": selectors.user_list()}
    if request.method != "POST":
        return render(request, template, {"form": form, **context})
    if form.is_valid():
        try:
            user = services.user_create(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("%(email)s can now sign in.") % {"email": user.email})
            return redirect("accounts:users")
    return form_page(request, template, form, **context)


@role_required(is_admin)
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    template = "accounts/user_edit.html"
    user = found(selectors.user_get_for, request.user, pk)
    form = UserRoleForm(request.POST or None, initial={"role": user.role})
    context = {"person": user}
    if request.method != "POST":
        return render(request, template, {"form": form, **context})
    if form.is_valid():
        try:
            services.user_update(user=user, role=form.cleaned_data["role"], by=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The role of %(email)s was saved.") % {"email": user.email})
            return redirect("accounts:users")
    return form_page(request, template, form, **context)


@role_required(is_admin)
def user_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = found(selectors.user_get_for, request.user, pk)
    if confirmed(request):
        try:
            services.user_update(user=user, is_active=False, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(email)s can no longer sign in.") % {"email": user.email})
        return redirect("accounts:users")
    return confirm_page(
        request,
        title=_("Deactivate %(email)s?") % {"email": user.email},
        text=_(
            "They can no longer sign in. Their contacts keep them as owner until you reassign "
            "them. You can reactivate the account later."
        ),
        button=_("Deactivate"),
        cancel_url=reverse("accounts:user_edit", args=[user.pk]),
    )


@role_required(is_admin)
@require_POST
def user_reactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = found(selectors.user_get_for, request.user, pk)
    services.user_update(user=user, is_active=True, by=request.user)
    messages.success(request, _("%(email)s can sign in again.") % {"email": user.email})
    return redirect("accounts:users")


# --- API keys -------------------------------------------------------------------------------


@role_required(is_admin)
def api_keys(request: AuthedRequest) -> HttpResponse:
    template = "accounts/api_keys.html"
    form = ApiKeyCreateForm(request.POST or None)
    context = {"keys": selectors.apikey_list()}
    if request.method != "POST":
        return render(request, template, {"form": form, **context})
    if form.is_valid():
        try:
            key, secret = services.apikey_create(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            # The secret exists only in this response: no redirect, and nothing may cache it.
            response = render(
                request, "accounts/api_key_created.html", {"key": key, "secret": secret}
            )
            response["Cache-Control"] = "no-store"
            return response
    return form_page(request, template, form, **context)


@role_required(is_admin)
def api_key_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    key = found(selectors.apikey_get_for, request.user, pk)
    return confirm_then(
        request,
        lambda: services.apikey_revoke(key=key, by=request.user),
        done=_("The key “%(name)s” was revoked.") % {"name": key.name},
        then="accounts:api_keys",
        title=_("Revoke the key “%(name)s”?") % {"name": key.name},
        text=_("Every script or integration using this key stops working at once."),
        button=_("Revoke the key"),
        cancel_url=reverse("accounts:api_keys"),
    )


# --- audit log ------------------------------------------------------------------------------


@role_required(is_admin)
def audit_log(request: AuthedRequest) -> HttpResponse:
    page = paginate(request, selectors.audit_list())
    return render(request, "accounts/audit_log.html", {"page": page})

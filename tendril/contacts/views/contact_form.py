"""The "New contact" screen: every field a contact has, custom fields included, saved through the
same service as the API, each refusal shown on the field it is about."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tendril.accounts import selectors as account_selectors
from tendril.accounts.models import Role
from tendril.accounts.permissions import AuthedRequest
from tendril.contacts import selectors, services
from tendril.contacts.forms import ContactCreateForm
from tendril.contacts.models import Contact
from tendril.core.emails import email_fold
from tendril.core.errors import Conflict, DomainError
from tendril.core.models import EventSource


def _refusal(exc: DomainError, email: str) -> str:
    """What to say about a refused contact: for an email another contact has, a link to it."""
    if not (isinstance(exc, Conflict) and exc.field == "email"):
        return exc.message
    existing = selectors.contact_ids_by_email(emails=[email_fold(email)]).get(email_fold(email))
    if existing is None:  # erased since: the plain message is all there is to say
        return exc.message
    return format_html(
        '{} <a href="{}">{}</a>',
        _("A contact with this email already exists."),
        reverse("contacts:contact_detail", args=[existing]),
        _("Open that contact."),
    )


@login_required
def contact_new(request: AuthedRequest) -> HttpResponse:
    # A sales rep's new contacts are theirs unless they choose another owner.
    blank = Contact(owner=request.user if request.user.role == Role.SALES else None)
    form = ContactCreateForm(
        request.POST or None,
        contact=blank,
        definitions=list(selectors.custom_field_list()),
        owners=list(account_selectors.user_list(active_only=True)),
    )
    if request.method != "POST":
        return render(request, "contacts/contact_form.html", {"form": form})
    if form.is_valid():
        try:
            contact = services.contact_create(
                data=form.service_data(), by=request.user, method=EventSource.UI
            )
        except DomainError as exc:
            form.add_service_error(exc.field, _refusal(exc, form.cleaned_data["email"]))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": contact.display_name})
            return redirect("contacts:contact_detail", pk=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form}, status=422)

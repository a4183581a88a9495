"""Merging a duplicate into the contact whose page it starts from: the marketer names the
duplicate by its email, reads what will happen, and confirms."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts import selectors
from tendril.contacts.cleaning import email_clean
from tendril.contacts.forms import MergeForm
from tendril.contacts.merging import contacts_merge, merge_preview
from tendril.contacts.models import Contact
from tendril.core.errors import DomainError
from tendril.ui.views import confirm_page, confirmed, form_error, found, role_required


def _duplicate(form: MergeForm, keep: Contact) -> Contact | None:
    """The contact the form's email names, or None with the reason on the form."""
    try:
        email = email_clean(form.cleaned_data["email"])
    except DomainError as exc:
        form_error(form, exc)
        return None
    gone = Contact.objects.filter(email=email).first()
    if gone is None:
        form.add_error("email", _("No contact has this email address."))
    elif gone.pk == keep.pk:
        form.add_error("email", _("This is the contact you are merging into: give the other one."))
        gone = None
    return gone


@role_required(is_marketing)
def contact_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    """Name the duplicate (GET ``?email=``), read what will happen, confirm (POST)."""
    keep = found(selectors.contact_get_for, request.user, pk)
    if "email" not in request.GET:
        return render(
            request, "contacts/contact_merge.html", {"contact": keep, "form": MergeForm()}
        )
    form = MergeForm(request.GET)
    gone = _duplicate(form, keep) if form.is_valid() else None
    if gone is None:
        context = {"contact": keep, "form": form}
        return render(request, "contacts/contact_merge.html", context, status=422)
    if confirmed(request):
        try:
            contacts_merge(keep=keep, gone=gone, by=request.user, method="ui")
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("contacts:contact_merge", pk=keep.pk)
        messages.success(
            request, _("%(gone)s was merged into this contact.") % {"gone": gone.email}
        )
        return redirect("contacts:contact_detail", pk=keep.pk)
    names = {"gone": gone, "keep": keep, "events": merge_preview(keep=keep, gone=gone)["events"]}
    return confirm_page(
        request,
        title=_("Merge %(gone)s into %(keep)s?") % names,
        text=_(
            "%(gone)s's %(events)s events, score history and memberships move to %(keep)s; "
            "%(keep)s keeps its details and fills the empty ones from %(gone)s; %(gone)s is "
            "deleted. This cannot be undone."
        )
        % names,
        button=_("Merge"),
        cancel_url=reverse("contacts:contact_detail", args=[keep.pk]),
    )

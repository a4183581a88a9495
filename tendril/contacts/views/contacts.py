"""Contact screens: one person's page, consent, timeline and GDPR (the list is in
``contact_list``)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts import selectors, services
from tendril.contacts.forms import ContactEditForm
from tendril.contacts.listing import custom_field_text
from tendril.contacts.models import Channel, Consent, ConsentStatus, Contact
from tendril.contacts.panels import contact_panels
from tendril.contacts.views.contact_list import owners
from tendril.contacts.views.timeline import timeline_context
from tendril.core.errors import DomainError
from tendril.ui.views import confirm_then, found, is_htmx, role_required


def _consent_rows(contact: Contact) -> list[dict[str, Any]]:
    """One row per channel, given or not, so every channel can be granted from the page."""
    given = {c.channel: c for c in selectors.contact_consents(contact)}
    rows = []
    for channel in Channel:
        consent: Consent | None = given.get(channel.value)
        rows.append({"channel": channel.value, "label": channel.label, "consent": consent})
    return rows


def _edit_form(contact: Contact, data: Any = None) -> ContactEditForm:
    definitions = list(selectors.custom_field_list())
    return ContactEditForm(data, contact=contact, definitions=definitions, owners=owners())


def _contact_page(
    request: HttpRequest, contact: Contact, form: ContactEditForm | None = None, status: int = 200
) -> HttpResponse:
    if form is None:
        form = _edit_form(contact)
    custom_values = [
        {"label": d.label, "value": custom_field_text(d, contact.fields[d.key])}
        for d in form.definitions
        if d.key in contact.fields
    ]
    context = {
        "contact": contact,
        "form": form,
        "custom_values": custom_values,
        "consents": _consent_rows(contact),
        "statuses": ConsentStatus.choices,
        "panels": contact_panels(request, contact),
        **timeline_context(request, contact),
    }
    return render(request, "contacts/contact_detail.html", context, status=status)


@login_required
def contact_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = found(selectors.contact_get_for, request.user, pk)
    if request.method != "POST":
        return _contact_page(request, contact)
    form = _edit_form(contact, request.POST)
    if form.is_valid():
        try:
            services.contact_update(
                contact=contact, data=form.service_data(), by=request.user, method="ui"
            )
        except DomainError as exc:
            form.add_service_error(exc.field, exc.message)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("contacts:contact_detail", pk=contact.pk)
    return _contact_page(request, contact, form, status=422)


@login_required
def contact_timeline(request: AuthedRequest, pk: int) -> HttpResponse:
    """The next events of the timeline: a fragment for htmx, else the contact page."""
    contact = found(selectors.contact_get_for, request.user, pk)
    if not is_htmx(request):
        return _contact_page(request, contact)
    return render(
        request,
        "contacts/_timeline.html",
        {"contact": contact, **timeline_context(request, contact)},
    )


@login_required
@require_POST
def contact_consent(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = found(selectors.contact_get_for, request.user, pk)
    channel = request.POST.get("channel", "")
    status = request.POST.get("status", "")
    if channel not in Channel.values or status not in ConsentStatus.values:
        messages.error(request, _("Choose a channel and whether consent is granted or denied."))
        return redirect("contacts:contact_detail", pk=contact.pk)
    try:
        changed = services.consent_set(
            contact=contact, channel=channel, status=status, method="ui", by=request.user
        )
    except services.ConsentWithdrawn as refused:
        messages.error(request, refused.message)
        return redirect("contacts:contact_detail", pk=contact.pk)
    if changed is not None:
        messages.success(
            request,
            _("%(channel)s consent is now %(status)s.")
            % {"channel": Channel(channel).label, "status": ConsentStatus(status).label.lower()},
        )
    return redirect("contacts:contact_detail", pk=contact.pk)


@login_required
def contact_personal_data(request: AuthedRequest, pk: int) -> HttpResponse:
    """The GDPR access request: everything held about the person, as a JSON file."""
    contact = found(selectors.contact_get_for, request.user, pk)
    data = selectors.contact_personal_data(contact=contact)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(is_marketing)
def contact_erase(request: AuthedRequest, pk: int) -> HttpResponse:
    """GDPR erasure, after an explicit confirmation step."""
    contact = found(selectors.contact_get_for, request.user, pk)
    return confirm_then(
        request,
        lambda: services.contact_erase(contact=contact, by=request.user),
        done=_("The person was erased. Their address will not be mailed."),
        then="contacts:contact_list",
        title=_("Erase %(name)s?") % {"name": contact},
        text=_(
            "This removes the person and their details for good. Their activity stays only "
            "as anonymous figures, and their address goes on the suppression list so it is "
            "never mailed again. This cannot be undone."
        ),
        button=_("Erase this person"),
        cancel_url=reverse("contacts:contact_detail", args=[contact.pk]),
    )

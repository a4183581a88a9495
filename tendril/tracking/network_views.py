"""Screens of companies' networks (account-based marketing): the company page's "Networks" and
"Website visits" panels (added through contacts' company panel seam), adding and removing a
company's networks, and importing them from a CSV file.

Everyone signed in reads them; admins and marketers change them (``is_marketing``), as the API
allows.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tendril.accounts.models import User
from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts.models import Company
from tendril.contacts.selectors import company_get_for
from tendril.core.errors import DomainError
from tendril.tracking import networks
from tendril.ui.views import confirm_then, form_error, found, role_required


class NetworksForm(forms.Form):
    networks = forms.CharField(
        label=gettext_lazy("Add networks"),
        required=False,
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocapitalize": "off", "placeholder": "203.0.113.0/24"}
        ),
        help_text=gettext_lazy(
            "IP addresses or networks (CIDR), separated by commas or spaces. Visits from them "
            "are this company's while the visitor is still anonymous."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Two columns with a header row: network,company. The company is found by its "
            "domain, else by its name."
        ),
    )


def _networks_context(request: HttpRequest, company: Company, form: NetworksForm) -> dict[str, Any]:
    user = request.user
    return {
        "company": company,
        "networks": networks.company_network_list(company=company),
        "form": form,
        "can_edit": isinstance(user, User) and is_marketing(user),
    }


def networks_panel(request: HttpRequest, company: Company) -> SafeString:
    """The company page's "Networks": the company's networks, and for marketing a box to add
    more and a way to remove each."""
    context = _networks_context(request, company, NetworksForm())
    return render_to_string("tracking/_company_networks.html", context, request=request)


def visits_panel(request: HttpRequest, company: Company) -> SafeString:
    """The company page's "Website visits": the last 30 days' page views from its networks
    and by its contacts."""
    context = {"company": company, "visits": networks.company_visits(company=company)}
    return render_to_string("tracking/_company_visits.html", context, request=request)


@role_required(is_marketing)
def company_networks_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add what was typed in the panel and go back to the company; refused, the same box on a
    page of its own with the message on it and what was typed kept."""
    company = found(company_get_for, request.user, pk)
    form = NetworksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            parsed = networks.networks_parse(form.cleaned_data["networks"])
            added = networks.company_networks_add(
                company=company, networks=parsed, by=request.user, field="networks"
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if added:
                messages.success(
                    request,
                    ngettext(
                        "%(networks)s was added to %(company)s.",
                        "%(networks)s were added to %(company)s.",
                        len(added),
                    )
                    % {"networks": ", ".join(n.network for n in added), "company": company.name},
                )
            else:
                messages.info(
                    request,
                    _("%(company)s has these networks already.") % {"company": company.name},
                )
            return redirect(reverse("contacts:company_detail", args=[company.pk]) + "#networks")
    status = 422 if form.errors else 200
    context = _networks_context(request, company, form)
    return render(request, "tracking/company_networks.html", context, status=status)


@role_required(is_marketing)
def company_network_remove(request: AuthedRequest, pk: int, network_id: int) -> HttpResponse:
    company = found(company_get_for, request.user, pk)
    network = found(networks.company_network_get_for, request.user, company, network_id)
    back = reverse("contacts:company_detail", args=[company.pk]) + "#networks"
    return confirm_then(
        request,
        lambda: networks.company_network_remove(network=network, by=request.user),
        done=_("%(network)s is no longer %(company)s's.")
        % {"network": network.network, "company": company.name},
        then=back,
        title=_("Remove %(network)s from %(company)s?")
        % {"network": network.network, "company": company.name},
        text=_(
            "Visits from this network stop being attributed to the company. Visits attributed "
            "before stay so."
        ),
        button=_("Remove network"),
        cancel_url=back,
    )


@role_required(is_marketing)
def company_networks_import(request: AuthedRequest) -> HttpResponse:
    """Upload a CSV file of ``network,company`` rows: the valid rows are stored, the bad ones
    listed with their row numbers."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = networks.company_networks_import(
                data=form.cleaned_data["file"].read(networks.MAX_IMPORT_BYTES + 1),
                by=request.user,
            )
        except DomainError as exc:
            form_error(form, exc)
    context = {"form": form, "result": result}
    return render(
        request, "tracking/networks_import.html", context, status=422 if form.errors else 200
    )

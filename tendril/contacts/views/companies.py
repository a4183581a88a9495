"""Company screens: the searchable list, one company with its contacts and their recent
activity, and the forms that create and edit a company."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tendril.accounts.permissions import AuthedRequest
from tendril.contacts import companies, selectors
from tendril.contacts.forms import CompanyForm
from tendril.contacts.models import Company
from tendril.contacts.panels import company_panels
from tendril.contacts.selectors import ContactFilters
from tendril.core.errors import DomainError
from tendril.ui.views import form_error, found, paginate

# How many contacts a company page lists at a time, and how many of their latest events.
CONTACTS_PER_PAGE = 25
RECENT_ACTIVITY = 20
# How many companies the company input of the contact forms suggests as a name is typed.
SUGGESTIONS = 10


@login_required
def company_list(request: AuthedRequest) -> HttpResponse:
    """The companies, by name or (``?order=-score``) by score: the sum of their contacts'."""
    q = request.GET.get("q", "").strip()
    order = request.GET.get("order", "")
    order = order if order in selectors.COMPANY_ORDERS else "name"
    page = paginate(request, selectors.company_list(q=q or None, order=order))
    return render(request, "contacts/company_list.html", {"page": page, "q": q, "order": order})


@login_required
def company_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    company = found(selectors.company_get_for, request.user, pk)
    contacts = selectors.contact_list(filters=ContactFilters(company=company.pk))
    context = {
        "company": company,
        "score": selectors.company_score(company=company),
        "page": paginate(request, contacts, per_page=CONTACTS_PER_PAGE),
        "activity": selectors.company_activity(company=company, limit=RECENT_ACTIVITY),
        "panels": company_panels(request, company),
    }
    return render(request, "contacts/company_detail.html", context)


def _company_form_page(
    request: AuthedRequest,
    form: CompanyForm,
    save: Callable[[dict[str, Any]], Company],
    *,
    company: Company | None,
    done: str,
) -> HttpResponse:
    """Show the company form; on a valid POST save it through ``save`` and go to the company,
    or show the service's refusal on its field."""
    context = {"form": form, "company": company}
    if request.method != "POST":
        return render(request, "contacts/company_form.html", context)
    if form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, done % {"name": saved.name})
            return redirect("contacts:company_detail", pk=saved.pk)
    return render(request, "contacts/company_form.html", context, status=422)


@login_required
def company_new(request: AuthedRequest) -> HttpResponse:
    return _company_form_page(
        request,
        CompanyForm(request.POST or None),
        lambda data: companies.company_create(data=data, by=request.user),
        company=None,
        done=_("The company %(name)s was added."),
    )


@login_required
def company_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    company = found(selectors.company_get_for, request.user, pk)
    initial = {
        "name": company.name,
        "domain": company.domain or "",
        "industry": company.industry,
        "employees": company.employees,
    }
    return _company_form_page(
        request,
        CompanyForm(request.POST or None, initial=initial),
        lambda data: companies.company_update(company=company, data=data, by=request.user),
        company=company,
        done=_("The company %(name)s was saved."),
    )


@login_required
def company_suggest(request: AuthedRequest) -> HttpResponse:
    """The <option>s of the company input's <datalist>: companies matching the typed name."""
    typed = request.GET.get("company", "").strip()
    companies = selectors.company_list(q=typed)[:SUGGESTIONS] if typed else []
    return render(request, "contacts/_company_options.html", {"companies": companies})

"""Company screens: the searchable list and one company with its contacts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from tendril.accounts.permissions import AuthedRequest
from tendril.contacts import selectors
from tendril.contacts.selectors import ContactFilters
from tendril.ui.views import found, paginate


@login_required
def company_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.company_list(q=q or None))
    return render(request, "contacts/company_list.html", {"page": page, "q": q})


@login_required
def company_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    company = found(selectors.company_get_for, request.user, pk)
    contacts = selectors.contact_list(filters=ContactFilters(company=company.pk))
    return render(
        request,
        "contacts/company_detail.html",
        {"company": company, "page": paginate(request, contacts)},
    )

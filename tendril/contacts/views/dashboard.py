"""The home page: what Tendril knows today, in a few figures, until Reports arrives."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from tendril.accounts.permissions import AuthedRequest
from tendril.contacts import selectors


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "contacts/dashboard.html",
        {"figures": selectors.dashboard_figures(), "days": selectors.RECENT_DAYS},
    )

"""The home page: what Tendril knows today and how it moved over the last days, until Reports
arrives."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tendril.accounts.permissions import AuthedRequest
from tendril.contacts import selectors
from tendril.contacts.selectors import DashboardFigures, DayCount


def _days(raw: str | None) -> int:
    """The period asked for (``?days=``), if it is one the page offers."""
    try:
        days = int(raw or "")
    except ValueError:
        return selectors.DEFAULT_PERIOD
    return days if days in selectors.PERIODS else selectors.DEFAULT_PERIOD


def _values(series: list[DayCount]) -> list[int]:
    return [d.count for d in series]


def chart_data(figures: DashboardFigures) -> dict[str, Any]:
    """What the charts draw, as the JSON block the page carries (labels already translated;
    the browser formats the days and numbers in the page's language)."""
    return {
        "days": [d.day.isoformat() for d in figures.new_per_day],
        "series": {
            "contacts_new": {"label": _("New contacts"), "values": _values(figures.new_per_day)},
            "activity": {"label": _("Activity"), "values": _values(figures.activity_per_day)},
        },
    }


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    figures = selectors.dashboard_figures(days=_days(request.GET.get("days")))
    context = {
        "figures": figures,
        "days": figures.days,
        "periods": selectors.PERIODS,
        "chart_data": chart_data(figures),
    }
    return render(request, "contacts/dashboard.html", context)

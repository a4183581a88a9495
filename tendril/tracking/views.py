"""Sites screens: the list, a site's page (its domains, public key and the snippet to paste into
its pages), its form, a new key and deletion, and its analysis (visitors, pages, visits' entry
and exit pages, sources).

Everyone signed in reads them (the key is public: it goes in the page); admins and marketers
add, change and delete sites (``is_marketing``), as the API allows.
"""

from __future__ import annotations

from typing import Any

from babel.dates import format_skeleton
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, to_locale
from django.utils.translation import gettext as _

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.core.errors import DomainError
from tendril.tracking import analysis, selectors, services
from tendril.tracking.forms import SiteForm
from tendril.tracking.models import Site
from tendril.ui.views import confirm_then, form_error, found, role_required


def snippet(site: Site) -> str:
    """The tag to paste into the site's pages. It points at ``TENDRIL_BASE_URL``, the address
    the operator declared public: behind a TLS proxy the request itself may read http:// or an
    inner host, and an http:// script is blocked on an https:// shop."""
    src = settings.BASE_URL + reverse("tracking:tracking-snippet")
    return f'<script async src="{src}" data-site="{site.key}"></script>'


@login_required
def site_list(request: AuthedRequest) -> HttpResponse:
    context = {"sites": selectors.site_list(), "can_edit": is_marketing(request.user)}
    return render(request, "tracking/site_list.html", context)


@login_required
def site_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    site = found(selectors.site_get_for, request.user, pk)
    context = {"site": site, "snippet": snippet(site), "can_edit": is_marketing(request.user)}
    return render(request, "tracking/site_detail.html", context)


def _site_form_page(request: AuthedRequest, form: SiteForm, site: Site | None) -> HttpResponse:
    status = 422 if form.errors else 200
    return render(request, "tracking/site_form.html", {"form": form, "site": site}, status=status)


@role_required(is_marketing)
def site_new(request: AuthedRequest) -> HttpResponse:
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(data=form.service_data(), by=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("The site %(name)s was added: paste its snippet into its pages.")
                % {"name": site},
            )
            return redirect("tracking:site_detail", pk=site.pk)
    return _site_form_page(request, form, None)


@role_required(is_marketing)
def site_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    site = found(selectors.site_get_for, request.user, pk)
    form = SiteForm(request.POST) if request.method == "POST" else SiteForm.for_site(site)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_update(site=site, data=form.service_data(), by=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The site %(name)s was saved.") % {"name": site})
            return redirect("tracking:site_detail", pk=site.pk)
    return _site_form_page(request, form, site)


@role_required(is_marketing)
def site_key(request: AuthedRequest, pk: int) -> HttpResponse:
    site = found(selectors.site_get_for, request.user, pk)
    return confirm_then(
        request,
        lambda: services.site_update(site=site, data={"new_key": True}, by=request.user),
        done=_("%(name)s has a new key: replace the snippet in its pages.") % {"name": site},
        then=reverse("tracking:site_detail", args=[site.pk]),
        title=_("Give %(name)s a new key?") % {"name": site},
        text=_(
            "The old key stops working at once: until the snippet in the site's pages is "
            "replaced with the new one, nothing they send is recorded."
        ),
        button=_("Make a new key"),
        cancel_url=reverse("tracking:site_detail", args=[site.pk]),
    )


@role_required(is_marketing)
def site_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    site = found(selectors.site_get_for, request.user, pk)
    return confirm_then(
        request,
        lambda: services.site_delete(site=site, by=request.user),
        done=_("The site %(name)s was deleted.") % {"name": site},
        then="tracking:site_list",
        title=_("Delete the site %(name)s?") % {"name": site},
        text=_(
            "Its key stops working at once, so its pages send nothing more. What they sent "
            "before is kept."
        ),
        button=_("Delete site"),
        cancel_url=reverse("tracking:site_detail", args=[site.pk]),
    )


# What each visit source means to a marketer (``visits.source_of`` names them).
SOURCE_LABELS = {
    "email": gettext_lazy("Email"),
    "paid": gettext_lazy("Paid ads"),
    "social": gettext_lazy("Social networks"),
    "search": gettext_lazy("Search engines"),
    "referral": gettext_lazy("Other sites"),
    "direct": gettext_lazy("Direct"),
    "internal": gettext_lazy("The site itself"),
    "": gettext_lazy("Not known"),
}


def _days(raw: str | None) -> int:
    """The period asked for (``?days=``), if it is one the page offers."""
    try:
        days = int(raw or "")
    except ValueError:
        return analysis.DEFAULT_PERIOD
    return days if days in analysis.PERIODS else analysis.DEFAULT_PERIOD


def _source_label(source: str) -> str:
    # A source sent by something other than the snippet is shown as it came.
    return str(SOURCE_LABELS.get(source, source))


def _short_day(value: Any) -> str:
    """A day as a chart's axis shows it in the page's language: "Mar 5", "5 thg 3", "5 มี.ค."."""
    return str(format_skeleton("MMMd", value, locale=to_locale(get_language() or "en")))


@login_required
def site_analysis(request: AuthedRequest, pk: int) -> HttpResponse:
    site = found(selectors.site_get_for, request.user, pk)
    figures = analysis.site_analysis(site=site, days=_days(request.GET.get("days")))
    sources = [
        {"label": _source_label(row.source), "sessions": row.sessions, "share": row.share}
        for row in figures.sources
    ]
    context = {
        "site": site,
        "figures": figures,
        "days": figures.days,
        "periods": analysis.PERIODS,
        "sources": sources,
        "max_rows": analysis.MAX_SESSION_ROWS,
        "visitors_chart": {
            "labels": [_short_day(d.day) for d in figures.per_day],
            "label": _("Unique visitors"),
            "values": [d.visitors for d in figures.per_day],
        },
        "sources_chart": {
            "labels": [row["label"] for row in sources],
            "label": _("Visits"),
            "values": [row["sessions"] for row in sources],
        },
    }
    return render(request, "tracking/site_analysis.html", context)

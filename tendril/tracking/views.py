"""Sites screens: the list, a site's page (its domains, public key and the snippet to paste into
its pages), its form, a new key and deletion.

Everyone signed in reads them (the key is public: it goes in the page); admins and marketers
add, change and delete sites (``is_marketing``), as the API allows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.core.errors import DomainError
from tendril.tracking import selectors, services
from tendril.tracking.forms import SiteForm
from tendril.tracking.models import Site
from tendril.ui.views import confirm_page, confirmed, form_error, found, role_required


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
    if confirmed(request):
        services.site_update(site=site, data={"new_key": True}, by=request.user)
        messages.success(
            request,
            _("%(name)s has a new key: replace the snippet in its pages.") % {"name": site},
        )
        return redirect("tracking:site_detail", pk=site.pk)
    return confirm_page(
        request,
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
    if confirmed(request):
        services.site_delete(site=site, by=request.user)
        messages.success(request, _("The site %(name)s was deleted.") % {"name": site})
        return redirect("tracking:site_list")
    return confirm_page(
        request,
        title=_("Delete the site %(name)s?") % {"name": site},
        text=_(
            "Its key stops working at once, so its pages send nothing more. What they sent "
            "before is kept."
        ),
        button=_("Delete site"),
        cancel_url=reverse("tracking:site_detail", args=[site.pk]),
    )

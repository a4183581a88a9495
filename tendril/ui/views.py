"""Screens shared by every capability: sign-in, dashboard, "coming" pages, companies.

Contact screens are in ``views_contacts``, settings in ``views_settings``; the helpers here
(permission checks, pagination, htmx detection) serve all three.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tendril.accounts.models import User
from tendril.contacts import selectors as contact_selectors
from tendril.contacts.selectors import ContactFilters
from tendril.core.errors import NotFound
from tendril.ui import selectors
from tendril.ui.forms import LoginForm

PER_PAGE = 50


class AuthedRequest(HttpRequest):
    """A request behind ``login_required``: its user is a real ``User``."""

    user: User


View = Callable[..., HttpResponse]

# One paragraph per capability still to come (keys match tendril.ui.navigation.MENU).
COMING = {
    "segments": (
        gettext_lazy("Segments"),
        gettext_lazy(
            "Segments will group contacts by who they are and what they did, for example "
            "“visited the pricing page three times this month and works at a company of fewer "
            "than 100 people”. Lists stay up to date on their own, and emails and journeys "
            "will be sent to them."
        ),
    ),
    "scoring": (
        gettext_lazy("Scoring"),
        gettext_lazy(
            "Scoring will give each contact points for what they do (a download, a visit to "
            "the pricing page, an opened email), let points fade over time, grade people hot, "
            "warm or cold, and move them along the lifecycle stages from lead to customer."
        ),
    ),
    "emails": (
        gettext_lazy("Emails"),
        gettext_lazy(
            "Emails will let you write personalised messages, send them to a segment now or "
            "later, test two subject lines against each other, and see who opened and clicked. "
            "Nobody without consent or who unsubscribed is ever mailed."
        ),
    ),
    "journeys": (
        gettext_lazy("Journeys"),
        gettext_lazy(
            "Journeys will run multi-step programmes on their own: wait three days, send an "
            "email, check whether the person clicked, add points, hand them to sales. You will "
            "see where each person is, and can try a journey out before it goes live."
        ),
    ),
    "web": (
        gettext_lazy("Forms & pages"),
        gettext_lazy(
            "Forms & pages will let you build sign-up forms, landing pages and gated downloads "
            "that create contacts directly in Tendril, with content that changes for the "
            "person who is reading it."
        ),
    ),
    "sales": (
        gettext_lazy("Sales"),
        gettext_lazy(
            "Sales will hand hot leads to the right salesperson automatically, alert them at "
            "the right moment, and keep their tasks, reminders and notes next to each contact."
        ),
    ),
    "reports": (
        gettext_lazy("Reports"),
        gettext_lazy(
            "Reports will show how people arrive, engage and convert: email results, the "
            "funnel from lead to customer, journey performance, and progress toward the goals "
            "(KGI and KPI) you set."
        ),
    ),
}


# --- helpers shared by every screen ---------------------------------------------------------


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/403.html", status=403)


def role_required(check: Callable[[User], bool]) -> Callable[[View], View]:
    """Signed-in users for whom ``check`` holds; everyone else gets the 403 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):  # type: ignore[arg-type]
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_marketing(user: User) -> bool:
    return user.can_edit_marketing


def is_admin(user: User) -> bool:
    return user.is_admin


def found(getter: Callable[..., Any], *args: Any) -> Any:
    """Call a ``*_get_for`` selector, turning its NotFound into a 404 page."""
    try:
        return getter(*args)
    except NotFound as exc:
        raise Http404(exc.message) from None


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int = PER_PAGE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def form_page(request: HttpRequest, template: str, form: Form, **context: Any) -> HttpResponse:
    """Re-show a form with its errors; 422 tells scripts and tests the input was refused."""
    return render(request, template, {"form": form, **context}, status=422)


# --- sign-in --------------------------------------------------------------------------------


class TendrilLoginView(LoginView):
    template_name = "ui/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class TendrilPasswordChangeView(PasswordChangeView):
    template_name = "ui/password_change.html"
    success_url = reverse_lazy("ui:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


login_view = TendrilLoginView.as_view()
logout_view = LogoutView.as_view()
password_change = TendrilPasswordChangeView.as_view()


# --- dashboard and coming capabilities ------------------------------------------------------


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "ui/home.html",
        {"figures": selectors.dashboard_figures(), "days": selectors.RECENT_DAYS},
    )


@login_required
def coming(request: AuthedRequest, capability: str) -> HttpResponse:
    if capability not in COMING:
        raise Http404(_("There is no such capability."))
    title, text = COMING[capability]
    return render(request, "ui/coming.html", {"title": title, "text": text})


# --- companies ------------------------------------------------------------------------------


@login_required
def company_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = paginate(request, contact_selectors.company_list(q=q or None))
    return render(request, "ui/company_list.html", {"page": page, "q": q})


@login_required
def company_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    company = found(contact_selectors.company_get_for, request.user, pk)
    contacts = contact_selectors.contact_list(filters=ContactFilters(company=company.pk))
    return render(
        request,
        "ui/company_detail.html",
        {"company": company, "page": paginate(request, contacts)},
    )

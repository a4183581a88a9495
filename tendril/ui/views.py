"""The shell's own screens (sign-in, password, Settings page, "coming" pages) and the helpers
every app's screens use: role checks, 404s from selectors, pagination, htmx, confirmations.

Nothing here knows an app: role checks take the app's own predicate, and the Settings page and
the menu list what apps registered in ``tendril.ui.navigation``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property, wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _

from tendril.core.errors import DomainError, NotFound
from tendril.ui.forms import ConfirmForm, LoginForm, ServiceForm, ServiceRows
from tendril.ui.navigation import UserCheck, coming_capability, settings_items

PER_PAGE = 50

View = Callable[..., HttpResponseBase]


# --- helpers shared by every screen ---------------------------------------------------------


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's own page is technical and English only; this one tells the
    reader, in their language, what happened and what to do."""
    return render(request, "ui/csrf_failure.html", status=403)


def role_required(check: UserCheck) -> Callable[[View], View]:
    """Signed-in users for whom ``check`` holds; everyone else gets the 403 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not check(request.user):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def found(getter: Callable[..., Any], *args: Any) -> Any:
    """Call a ``*_get_for`` selector, turning its NotFound into a 404 page."""
    try:
        return getter(*args)
    except NotFound as exc:
        raise Http404(exc.message) from None


class CappedPaginator(Paginator):
    """A paginator that stops counting after ``cap`` rows.

    Counting every match of a broad search is most of its cost at scale ("nguyen" matches 158K
    of a million contacts: the first page takes under 10 ms, the exact count ~400 ms, because a
    trigram index must recheck every candidate row; bench/contact_search.py). A person reads
    "more than 10,000" just as well; actions over every match count exactly when they run.
    """

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.items = object_list
        self.cap = cap

    @cached_property
    def count(self) -> int:
        # Only the ids, unordered: the joins and the sort of the page are not needed to count.
        return self.items.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number: int | str) -> Page:
        """A full page even where the count stopped short of it."""
        if not self.capped:
            return super().page(number)
        valid = self.validate_number(number)
        bottom = (valid - 1) * self.per_page
        return Page(self.items[bottom : bottom + self.per_page], valid, self)


def paginate(
    request: HttpRequest, items: QuerySet[Any], per_page: int = PER_PAGE, *, count_cap: int = 0
) -> Page:
    """The requested page of ``items``; with ``count_cap``, counted up to that many only."""
    if count_cap:
        paginator: Paginator = CappedPaginator(items, per_page, cap=count_cap)
    else:
        paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def form_page(request: HttpRequest, template: str, form: Form, **context: Any) -> HttpResponse:
    """Re-show a form with its errors; 422 tells scripts and tests the input was refused."""
    return render(request, template, {"form": form, **context}, status=422)


def form_error(form: Form, exc: DomainError) -> None:
    """Put a service's message next to the input it names, or on top of the form. A service
    names JSON paths: ``decay.every`` falls on the field ``decay_every``, a path inside a JSON
    field (``where.url.contains``) on that field (``where``), and one item of a list the form
    takes in one box (``domains[1]``) on that box (``domains``)."""
    field = exc.field or ""
    candidates = (field, field.replace(".", "_"), re.split(r"[.\[]", field, maxsplit=1)[0])
    form.add_error(next((name for name in candidates if name in form.fields), None), exc.message)


T = TypeVar("T")


def form_saved(
    request: HttpRequest, form: Form, save: Callable[[], T], done: Callable[[T], str]
) -> T | None:
    """A posted, valid form saved through its service: what was saved, with ``done(saved)``
    shown as the message; None when nothing was posted yet, the form is invalid, or the service
    refused (its message put on the field it names)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except DomainError as exc:
        form_error(form, exc)
        return None
    messages.success(request, done(saved))
    return saved


def rows_editor(
    request: HttpRequest,
    template: str,
    *,
    settings_form: ServiceForm,
    rows: ServiceRows,
    add: str,
    save: Callable[[dict[str, Any]], tuple[Any, str]],
    done: str,
    context: dict[str, Any],
) -> HttpResponse:
    """An editor of settings and a table of rows (a web form's fields, a slot's variants).

    Unless the post only asked for one more row (``add``), it is handed to ``save`` (the
    settings' data and the rows' items under the rows' prefix), which returns what it saved
    and the success message (``%(name)s`` is its name); then the browser goes to ``done``
    (a URL name taking its pk). A service's message goes on the input or row it names."""
    rows_message = None
    saving = request.method == "POST" and add not in request.POST
    if saving and settings_form.is_valid() and rows.is_valid():
        items, positions = rows.service_items()
        try:
            saved, message = save({**settings_form.service_data(), rows.path: items})
        except DomainError as exc:
            if (exc.field or "").startswith(rows.path):
                rows_message = rows.place_error(positions, exc)
            else:
                form_error(settings_form, exc)
        else:
            messages.success(request, message % {"name": saved.name})
            return redirect(done, pk=saved.pk)
    refused = saving and (
        rows_message or settings_form.errors or any(row.errors for row in rows.forms)
    )
    context = {**context, "settings_form": settings_form, "rows": rows}
    context["rows_message"] = rows_message
    return render(request, template, context, status=422 if refused else 200)


def confirmed(request: HttpRequest) -> bool:
    """Whether a destructive action was confirmed on its ``confirm_page``."""
    return request.method == "POST" and ConfirmForm(request.POST).is_valid()


def confirm_then(
    request: HttpRequest,
    act: Callable[[], object],
    *,
    done: str,
    then: str,
    title: str,
    text: str,
    button: str,
    cancel_url: str,
) -> HttpResponse:
    """Ask on the confirm page; once confirmed, ``act()`` runs, ``done`` is said, and the
    browser goes to ``then`` (a URL, or the name of one taking no arguments)."""
    if confirmed(request):
        act()
        messages.success(request, done)
        return redirect(then)
    return confirm_page(request, title=title, text=text, button=button, cancel_url=cancel_url)


def confirm_page(
    request: HttpRequest, *, title: str, text: str, button: str, cancel_url: str
) -> HttpResponse:
    """The one page that asks before anything is deleted, erased or revoked."""
    context = {"title": title, "text": text, "button": button, "cancel_url": cancel_url}
    return render(request, "ui/confirm.html", context)


# --- sign-in --------------------------------------------------------------------------------


class TendrilLoginView(LoginView):
    template_name = "ui/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class TendrilPasswordChangeView(PasswordChangeView):
    template_name = "ui/password_change.html"

    def get_success_url(self) -> str:
        # Back where signing in lands: the project chooses that page, not the shell.
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


login_view = TendrilLoginView.as_view()
logout_view = LogoutView.as_view()
password_change = TendrilPasswordChangeView.as_view()


# --- settings and coming capabilities -------------------------------------------------------


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/settings.html", {"entries": settings_items(request.user)})


@login_required
def coming(request: HttpRequest, capability: str) -> HttpResponse:
    entry = coming_capability(capability)
    if entry is None:
        raise Http404(_("There is no such capability."))
    return render(request, "ui/coming.html", {"title": entry.label, "text": entry.coming_text})

"""Forms screens (the form builder): the list with each form's submissions of the last 30 days,
a form's page (its fields, consent, the public link, the tags to paste into a site, and its
latest submissions), its builder for new and changed forms, and deletion.

Everyone signed in reads them; admins and marketers make, change and delete forms
(``is_marketing``), as the API allows.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts.models import CustomField
from tendril.core import clock
from tendril.core.errors import Conflict
from tendril.ui.forms import ServiceRows
from tendril.ui.views import confirm_page, confirmed, found, paginate, role_required, rows_editor
from tendril.web import selectors, services
from tendril.web.forms import (
    EXTRA_ROWS,
    TYPE_LABELS,
    FormSettings,
    field_rows,
    key_label,
)
from tendril.web.landing_views import in_use_page
from tendril.web.models import Form
from tendril.web.public import embed_snippet

# The window the list and a form's page count submissions over.
RECENT_DAYS = 30
RECENT_SHOWN = 10


def _since() -> Any:
    return clock.now() - timedelta(days=RECENT_DAYS)


def _public_url(form: Form) -> str:
    """The form's page at ``TENDRIL_BASE_URL``, the address the operator declared public (the
    request may read an inner host behind a proxy)."""
    return settings.BASE_URL + reverse("web:form_page", args=[form.key])


def iframe_tag(form: Form) -> str:
    """The tag for a site that runs no script of ours: the form's page in a frame (without the
    visitor's history and campaign, which only the script passes along)."""
    # A plain string (the page escapes it again to show it as text), its values escaped as
    # attributes for the page it is pasted into.
    src, title = escape(_public_url(form)), escape(form.name)
    size = 'width="100%" height="520" style="border:0"'
    return f'<iframe src="{src}" title="{title}" {size}></iframe>'


@login_required
def form_list(request: AuthedRequest) -> HttpResponse:
    page = paginate(request, selectors.form_list())
    counts = selectors.form_submission_counts(forms=page.object_list, since=_since())
    rows = [{"form": form, "submissions": counts.get(form.pk, 0)} for form in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "days": RECENT_DAYS,
        "can_edit": is_marketing(request.user),
    }
    return render(request, "web/form_list.html", context)


@login_required
def form_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    form = found(selectors.form_get_for, request.user, pk)
    since = _since()
    custom = dict(CustomField.objects.values_list("key", "label"))
    fields = [
        {
            **field,
            "name": key_label(field["key"], custom),
            "type_label": TYPE_LABELS.get(field["type"], field["type"]),
        }
        for field in form.fields
    ]
    context = {
        "form": form,
        "fields": fields,
        "public_url": _public_url(form),
        "snippet": embed_snippet(form, settings.BASE_URL),
        "iframe": iframe_tag(form),
        "days": RECENT_DAYS,
        "submission_count": selectors.form_submission_count(form=form, since=since),
        "submissions": selectors.form_submissions_recent(form=form, limit=RECENT_SHOWN),
        "can_edit": is_marketing(request.user),
    }
    return render(request, "web/form_detail.html", context)


def _builder(
    request: AuthedRequest, form: Form | None, settings_form: FormSettings, rows: ServiceRows
) -> HttpResponse:
    """Save the form if that was asked and the services accept it; else show the builder."""

    def save(data: dict[str, Any]) -> tuple[Form, str]:
        if form is None:
            made = services.form_create(data=data, by=request.user)
            return made, _("The form %(name)s was made: put it on your site with its tag.")
        return services.form_update(form=form, data=data, by=request.user), _(
            "The form %(name)s was saved."
        )

    return rows_editor(
        request,
        "web/form_form.html",
        settings_form=settings_form,
        rows=rows,
        add="add_field",
        save=save,
        done="web:form_detail",
        context={"form": form},
    )


def _posted(request: AuthedRequest) -> tuple[FormSettings, ServiceRows]:
    """The builder as posted; one more empty row when "Add a field" was pressed."""
    extra = 1 if "add_field" in request.POST else 0
    return FormSettings(request.POST), field_rows(request.POST, extra=extra)


@role_required(is_marketing)
def form_new(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        settings_form, rows = _posted(request)
    else:
        settings_form = FormSettings()
        email = {"key": "email", "label": _("Email"), "type": "email", "required": True}
        rows = field_rows(fields=[email], extra=EXTRA_ROWS)
    return _builder(request, None, settings_form, rows)


@role_required(is_marketing)
def form_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    form = found(selectors.form_get_for, request.user, pk)
    if request.method == "POST":
        settings_form, rows = _posted(request)
    else:
        settings_form = FormSettings.for_form(form)
        rows = field_rows(fields=form.fields, extra=EXTRA_ROWS)
    return _builder(request, form, settings_form, rows)


@role_required(is_marketing)
def form_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    form = found(selectors.form_get_for, request.user, pk)
    pages = selectors.pages_using(form=form)
    if confirmed(request) and not pages:
        try:
            services.form_delete(form=form, by=request.user)
        except Conflict:
            pages = selectors.pages_using(form=form)  # a page took it up meanwhile
        else:
            messages.success(request, _("The form %(name)s was deleted.") % {"name": form.name})
            return redirect("web:form_list")
    if pages:
        return in_use_page(
            request,
            title=_("The form %(name)s cannot be deleted") % {"name": form.name},
            message=services.form_in_use_message(pages),
            pages=pages,
            back_url=reverse("web:form_detail", args=[form.pk]),
            status=409 if request.method == "POST" else 200,
        )
    return confirm_page(
        request,
        title=_("Delete the form %(name)s?") % {"name": form.name},
        text=_(
            "Its page and tag stop working at once, wherever it was put. The contacts it made "
            "and what they sent are kept."
        ),
        button=_("Delete form"),
        cancel_url=reverse("web:form_detail", args=[form.pk]),
    )

"""Forms screens (the form builder): the list with each form's submissions of the last 30 days,
a form's page (its fields, consent, the public link, the tags to paste into a site, and its
latest submissions), its builder for new and changed forms, and deletion.

Everyone signed in reads them; admins and marketers make, change and delete forms
(``is_marketing``), as the API allows.
"""

from __future__ import annotations

import re
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
from tendril.core.errors import DomainError
from tendril.ui.views import confirm_page, confirmed, form_error, found, paginate, role_required
from tendril.web import selectors, services
from tendril.web.forms import (
    EXTRA_ROWS,
    TYPE_LABELS,
    BaseFieldRows,
    FormSettings,
    field_rows,
    key_label,
)
from tendril.web.models import Form
from tendril.web.public import embed_snippet

# The window the list and a form's page count submissions over.
RECENT_DAYS = 30
RECENT_SHOWN = 10
_ROW_PATH = re.compile(r"^fields\[(\d+)\](?:\.(\w+))?")


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


def fields_error(rows: BaseFieldRows, positions: list[int], exc: DomainError) -> str | None:
    """Put a service's message about ``fields[i]`` (or ``fields[i].label``...) on the builder's
    row it came from, in that column when the row has one; the message about the fields as a
    whole (``fields``) is returned for the top of the table."""
    match = _ROW_PATH.match(exc.field or "")
    if match is None or int(match[1]) >= len(positions):
        return exc.message
    row = rows.forms[positions[int(match[1])]]
    row.add_error(match[2] if match[2] in row.fields else None, exc.message)
    return None


def _builder(
    request: AuthedRequest, form: Form | None, settings_form: FormSettings, rows: BaseFieldRows
) -> HttpResponse:
    """Save the form if that was asked and the services accept it; else show the builder."""
    fields_message = None
    saving = request.method == "POST" and "add_field" not in request.POST
    if saving and settings_form.is_valid() and rows.is_valid():
        fields, positions = rows.service_fields()
        data = {**settings_form.service_data(), "fields": fields}
        try:
            if form is None:
                form = services.form_create(data=data, by=request.user)
                done = _("The form %(name)s was made: put it on your site with its tag.")
            else:
                form = services.form_update(form=form, data=data, by=request.user)
                done = _("The form %(name)s was saved.")
        except DomainError as exc:
            if (exc.field or "").startswith("fields"):
                fields_message = fields_error(rows, positions, exc)
            else:
                form_error(settings_form, exc)
        else:
            messages.success(request, done % {"name": form.name})
            return redirect("web:form_detail", pk=form.pk)
    context = {
        "form": form,
        "settings_form": settings_form,
        "rows": rows,
        "fields_message": fields_message,
    }
    refused = saving and (
        fields_message or settings_form.errors or any(row.errors for row in rows.forms)
    )
    return render(request, "web/form_form.html", context, status=422 if refused else 200)


def _posted(request: AuthedRequest) -> tuple[FormSettings, BaseFieldRows]:
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
    if confirmed(request):
        services.form_delete(form=form, by=request.user)
        messages.success(request, _("The form %(name)s was deleted.") % {"name": form.name})
        return redirect("web:form_list")
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

"""Segment screens: the searchable list, one segment (its filter in words, its members and
their number over time), the builder that makes and edits a dynamic segment with a live
preview, a static list's creation and its members added by email or by a CSV file, removed by
ticking or by a file, and delete.

Everyone signed in reads segments; admins and marketers change them (``is_marketing``), as the
API allows.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts.selectors import contact_ids_by_email
from tendril.core.errors import DomainError
from tendril.segments import builder, selectors, services
from tendril.segments.describe import describe
from tendril.segments.forms import AddEmailsForm, SegmentForm, StaticSegmentForm, UploadForm
from tendril.segments.models import Segment
from tendril.segments.panels import segment_panels
from tendril.segments.uploads import UploadReport, segment_contacts_upload
from tendril.ui.views import confirm_page, confirmed, form_error, found, paginate, role_required

MEMBERS_PER_PAGE = 25
# How many of an upload's unmatched and unreadable rows the page lists (the API gives all).
REPORT_ROWS = 100


@login_required
def segment_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    segments = selectors.segment_list(q=q or None).select_related("created_by")
    context = {"page": paginate(request, segments), "q": q, "can_edit": is_marketing(request.user)}
    return render(request, "segments/segment_list.html", context)


def _history_days(raw: str | None) -> int:
    """The period asked for (``?days=``), if it is one the page offers."""
    periods = selectors.HISTORY_PERIODS
    return next((p for p in periods if str(p) == raw), periods[0])


def _history_chart(segment: Segment, days: int) -> dict[str, object]:
    """What the "members over time" charts draw: the days (the browser formats them in the
    page's language) and each series with its translated label."""
    history = selectors.membership_history(segment=segment, days=days)
    return {
        "days": [d.day.isoformat() for d in history],
        "members": {"label": _("Members"), "values": [d.members for d in history]},
        "entered": {"label": _("Entered"), "values": [d.entered for d in history]},
        "exited": {"label": _("Left"), "values": [d.exited for d in history]},
    }


def _detail_context(request: AuthedRequest, segment: Segment) -> dict[str, object]:
    days = _history_days(request.GET.get("days"))
    return {
        "segment": segment,
        "words": "" if segment.static else describe(segment.filter),
        "page": paginate(request, selectors.segment_contacts(segment=segment), MEMBERS_PER_PAGE),
        "can_edit": is_marketing(request.user),
        "add_form": AddEmailsForm(),
        "panels": segment_panels(request, segment),
        "upload_form": UploadForm(),
        "days": days,
        "periods": selectors.HISTORY_PERIODS,
        "history": _history_chart(segment, days),
    }


@login_required
def segment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = found(selectors.segment_get_for, request.user, pk)
    return render(request, "segments/segment_detail.html", _detail_context(request, segment))


@role_required(is_marketing)
def segment_new_static(request: AuthedRequest) -> HttpResponse:
    form = StaticSegmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            segment = services.segment_create(
                name=form.cleaned_data["name"], static=True, by=request.user
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The segment %(name)s was added.") % {"name": segment.name})
            return redirect("segments:segment_detail", pk=segment.pk)
    status = 422 if form.errors else 200
    return render(request, "segments/segment_static_form.html", {"form": form}, status=status)


@role_required(is_marketing)
@require_POST
def segment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Contacts added to a static segment by their emails; an unknown email is shown on the
    field, and nothing is added, so the marketer can correct the list and send it again."""
    segment = found(selectors.segment_get_for, request.user, pk)
    form = AddEmailsForm(request.POST)
    if form.is_valid():
        emails = form.cleaned_data["emails"]
        ids = contact_ids_by_email(emails=emails)
        unknown = [e for e in emails if e not in ids]
        if unknown:
            form.add_error(
                "emails",
                _("There is no contact with the email %(email)s.") % {"email": unknown[0]},
            )
        else:
            try:
                added = services.segment_add_contacts(
                    segment=segment, ids=ids.values(), by=request.user
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Contacts added: %(n)s.") % {"n": added})
                return redirect("segments:segment_detail", pk=segment.pk)
    context = _detail_context(request, segment) | {"add_form": form}
    return render(request, "segments/segment_detail.html", context, status=422)


@role_required(is_marketing)
@require_POST
def segment_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """A CSV file's contacts added to (or removed from) a static list; the page then shows what
    happened to every row: matched, added or removed, already so, not found, unreadable."""
    segment = found(selectors.segment_get_for, request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    report: UploadReport | None = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = segment_contacts_upload(
                segment=segment,
                file=upload,
                size=upload.size or 0,
                column=form.cleaned_data["column"] or None,
                remove=form.cleaned_data["action"] == "remove",
                by=request.user,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            segment = selectors.segment_get_for(request.user, pk)  # its new member count
    context = _detail_context(request, segment) | {
        "upload_form": UploadForm() if report else form,
        "report": report,
        "report_rows": REPORT_ROWS,
    }
    status = 422 if form.errors else 200
    return render(request, "segments/segment_detail.html", context, status=status)


@role_required(is_marketing)
@require_POST
def segment_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = found(selectors.segment_get_for, request.user, pk)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit() and len(v) < 19]
    try:
        removed = services.segment_remove_contacts(segment=segment, ids=ids, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Contacts removed: %(n)s.") % {"n": removed})
    return redirect("segments:segment_detail", pk=segment.pk)


@role_required(is_marketing)
def segment_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = found(selectors.segment_get_for, request.user, pk)
    if confirmed(request):
        try:
            services.segment_delete(segment=segment, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("segments:segment_detail", pk=segment.pk)
        messages.success(request, _("The segment %(name)s was deleted.") % {"name": segment.name})
        return redirect("segments:segment_list")
    return confirm_page(
        request,
        title=_("Delete the segment %(name)s?") % {"name": segment.name},
        text=_("The segment and its list of members are deleted. The contacts themselves stay."),
        button=_("Delete segment"),
        cancel_url=reverse("segments:segment_detail", args=[segment.pk]),
    )


# --- the builder ------------------------------------------------------------------------------


def _builder_page(
    request: AuthedRequest, form: SegmentForm, segment: Segment | None
) -> HttpResponse:
    """Show the builder; on a valid POST save through the service and go to the segment. A
    refused filter part is shown at its condition: the page hands the service's JSON path to
    the builder script (``data-error-path``), which finds the condition's element."""
    error_path = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if segment is None:
                saved = services.segment_create(
                    name=data["name"], filter=data["filter"], by=request.user
                )
            else:
                saved = services.segment_update(
                    segment=segment, name=data["name"], filter=data["filter"], by=request.user
                )
        except DomainError as exc:
            if exc.field == "name":
                form.add_error("name", exc.message)
            else:
                form.add_error("filter", exc.message)
                error_path = exc.field or ""
        else:
            done = _("The segment %(name)s was saved.") % {"name": saved.name}
            messages.success(request, done)
            return redirect("segments:segment_detail", pk=saved.pk)
    context = {
        "form": form,
        "segment": segment,
        "catalogue": builder.catalogue(),
        "error_path": error_path,
    }
    status = 422 if form.errors else 200
    return render(request, "segments/segment_builder.html", context, status=status)


@role_required(is_marketing)
def segment_new(request: AuthedRequest) -> HttpResponse:
    return _builder_page(request, SegmentForm(request.POST or None), None)


@role_required(is_marketing)
def segment_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = found(selectors.segment_get_for, request.user, pk)
    if segment.static:
        return redirect("segments:segment_detail", pk=segment.pk)
    initial = {"name": segment.name, "filter": json.dumps(segment.filter)}
    return _builder_page(request, SegmentForm(request.POST or None, initial=initial), segment)


@role_required(is_marketing)
@require_POST
def segment_preview(request: AuthedRequest) -> HttpResponse:
    """The builder's live count and sample (htmx), nothing saved; a refused part comes back
    with its JSON path for the script to show at its condition."""
    form = SegmentForm(request.POST)
    form.is_valid()  # only the filter matters here: the name may not be typed yet
    filter = form.cleaned_data.get("filter")
    context: dict[str, object] = {}
    if not filter:
        context["error"] = form.errors.get("filter", [_("Add a condition to see who matches.")])[0]
    else:
        try:
            context["preview"] = selectors.segment_preview(filter=filter)
        except DomainError as exc:
            context |= {"error": exc.message, "error_path": exc.field or ""}
    return render(request, "segments/_preview.html", context)

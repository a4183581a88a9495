"""The CSV import (upload, column mapping, progress, undo) and export screens."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.accounts.services import audit_record
from tendril.contacts import selectors
from tendril.contacts.exporter import export_rows
from tendril.contacts.forms import UploadForm
from tendril.contacts.importer import (
    UNDO_DAYS,
    ImportPreview,
    import_job_create,
    import_job_created_count,
    import_job_start,
    import_job_undo,
    import_job_undo_until,
    import_job_undoable,
    import_preview,
    mapping_choices,
)
from tendril.contacts.importer.jobs import import_upload_expires_at, import_uploads_expire
from tendril.contacts.listing import export_columns, filters_dump
from tendril.contacts.models import ImportJob, ImportStatus
from tendril.contacts.views.contact_list import list_state
from tendril.core import clock
from tendril.core.errors import DomainError, InvalidInput
from tendril.ui.formatting import number
from tendril.ui.forms import TypedConfirmForm
from tendril.ui.views import form_error, found, is_htmx, role_required

DELIMITERS = {
    ",": gettext_lazy("Columns separated by commas."),
    ";": gettext_lazy("Columns separated by semicolons."),
    "\t": gettext_lazy("Columns separated by tabs."),
}


@role_required(is_marketing)
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(upload=form.cleaned_data["file"], by=request.user)
        return redirect("contacts:import_preview", pk=job.pk)
    status = 422 if request.method == "POST" else 200
    recent = selectors.import_job_list()[:10]
    context = {"form": form, "recent": recent, "undo_days": UNDO_DAYS}
    return render(request, "contacts/import_upload.html", context, status=status)


@role_required(is_marketing)
def import_preview_page(request: AuthedRequest, pk: int) -> HttpResponse:
    job = found(selectors.import_job_get_for, request.user, pk)
    if import_uploads_expire(job=job):  # a day old: expired now, not at the next periodic pass
        job.refresh_from_db()
    if job.status != ImportStatus.PENDING:
        return redirect("contacts:import_status", pk=job.pk)
    context: dict[str, Any] = {
        "job": job,
        "choices": mapping_choices(),
        "expires_at": import_upload_expires_at(job),
    }
    try:
        preview = import_preview(path=job.file_path)
    except (InvalidInput, OSError) as exc:
        context["error"] = getattr(exc, "message", _("the uploaded file cannot be read"))
        return render(request, "contacts/import_preview.html", context, status=422)
    headers = preview["headers"]
    if request.method == "POST":
        chosen = {i: request.POST.get(f"column-{i}", "") for i in range(len(headers))}
    else:
        chosen = {i: preview["suggested_mapping"].get(h) or "" for i, h in enumerate(headers)}
    context.update(
        preview=preview,
        columns=_columns(preview, chosen),
        delimiter=DELIMITERS[preview["delimiter"]],
    )
    if request.method == "POST":
        unchosen = [h for i, h in enumerate(headers) if h and not chosen[i]]
        try:
            if unchosen:
                raise InvalidInput(
                    _("Choose a field, or Ignore, for: %(names)s") % {"names": ", ".join(unchosen)}
                )
            mapping = {h: chosen[i] for i, h in enumerate(headers) if h}
            import_job_start(job=job, mapping=mapping)
        except InvalidInput as exc:
            context["error"] = exc.message
            return render(request, "contacts/import_preview.html", context, status=422)
        return redirect("contacts:import_status", pk=job.pk)
    return render(request, "contacts/import_preview.html", context)


def _columns(preview: ImportPreview, chosen: dict[int, str]) -> list[dict[str, Any]]:
    """One entry per file column: its header, the chosen field and its values in the sample."""
    return [
        {
            "index": i,
            "header": header,
            "chosen": chosen[i],
            "samples": [row[i] if i < len(row) else "" for row in preview["rows"]],
        }
        for i, header in enumerate(preview["headers"])
        if header
    ]


@role_required(is_marketing)
def import_status(request: AuthedRequest, pk: int) -> HttpResponse:
    job = found(selectors.import_job_get_for, request.user, pk)
    running = job.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
    template = (
        "contacts/_import_progress.html" if is_htmx(request) else "contacts/import_status.html"
    )
    context = {"job": job, "running": running, "undo": None if running else _undo_offer(job)}
    return render(request, template, context)


def _undo_offer(job: ImportJob) -> dict[str, Any] | None:
    """What the status page offers to undo: the contacts to delete and until when, if any."""
    if not import_job_undoable(job):
        return None
    count = import_job_created_count(job)
    return {"count": count, "until": import_job_undo_until(job)} if count else None


@role_required(is_marketing)
def import_undo(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete the contacts an import created, once the person has typed how many."""
    job = found(selectors.import_job_get_for, request.user, pk)
    offer = _undo_offer(job)
    if offer is None:  # already undone, too old or nothing left: the status page says which
        return redirect("contacts:import_status", pk=job.pk)
    form = TypedConfirmForm(request.POST or None, expected=number(offer["count"]))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_undo(job=job, by=request.user)
        except DomainError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            deleted = ngettext(
                "Deleted the %(count)s contact this import created.",
                "Deleted the %(count)s contacts this import created.",
                job.undone_count,
            ) % {"count": number(job.undone_count)}
            messages.success(request, deleted)
            return redirect("contacts:import_status", pk=job.pk)
    elif request.method == "POST":
        status = 422
    context = {"job": job, "form": form, **offer}
    return render(request, "contacts/import_undo.html", context, status=status)


class _Echo:
    """A file-like object whose ``write`` hands the line back, so csv.writer can stream."""

    def write(self, value: str) -> str:
        return value


@role_required(is_marketing)
def export_csv(request: AuthedRequest) -> HttpResponse | StreamingHttpResponse:
    """The contacts the list shows, as CSV, streamed: the list's search, filters and order come
    in the query (the Export link carries them), and its columns when the link names them
    (every column otherwise, which imports back). A BOM first so spreadsheets read the file as
    UTF-8. ``segment`` filters through ``contact_list``: that segment's stored members."""
    raw = request.GET.get("segment", "").strip()
    if raw and not raw.isdigit():
        return HttpResponseBadRequest(_("segment must be a segment id"))
    state = list_state(request.GET)
    filters = replace(state.filters, segment=int(raw) if raw else None)
    columns = export_columns(state.columns) if "columns" in request.GET else None
    audit_record(
        actor=request.user,
        action="contacts.export",
        detail={"filters": filters_dump(filters), "order": state.order, "columns": columns},
    )
    contacts = selectors.contact_list(filters=filters, order=state.order)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in export_rows(contacts=contacts, columns=columns):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"contacts-{clock.now():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

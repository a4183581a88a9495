"""Bulk actions from the contact list: start one on the rows chosen or on every contact matching
the list (an erasure first asks the person to type how many), follow its progress, and fetch
an export's CSV."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts.bulk import (
    bulk_job_create,
    bulk_job_file,
    bulk_job_file_available,
    bulk_job_get_for,
    bulk_selection,
)
from tendril.contacts.listing import export_columns
from tendril.contacts.models import BulkAction, BulkStatus
from tendril.contacts.views.contact_list import ListState, list_page, list_state, list_url
from tendril.core import clock
from tendril.core.errors import DomainError, InvalidInput, NotFound
from tendril.ui.formatting import number
from tendril.ui.forms import TypedConfirmForm
from tendril.ui.views import form_error, found, is_htmx, role_required

# The bulk bar's inputs for what the service checks; the list's own filters use "owner" and
# "stage", so the bar's are named apart.
BAR_FIELDS = {"owner": "new_owner", "stage": "new_stage", "ids": "ids", "action": "action"}


def _chosen(request: AuthedRequest) -> list[int] | None:
    """The ids ticked, or None when the person chose every contact matching the list."""
    if request.POST.get("scope") == "all":
        return None
    return [int(v) for v in request.POST.getlist("ids") if v.isdigit() and len(v) < 19]


def _params(request: AuthedRequest, state: ListState) -> dict[str, Any]:
    owner = request.POST.get("new_owner", "")
    return {
        "owner": int(owner) if owner.isdigit() and len(owner) < 19 else None,
        "stage": request.POST.get("new_stage") or None,
        # An export holds the columns the list shows, in its order.
        "columns": export_columns(state.columns),
        "order": state.order,
    }


def _refused(
    request: AuthedRequest, state: ListState, ids: list[int] | None, exc: DomainError
) -> HttpResponse:
    """The list again, the bar's problem on its input, the rows still ticked."""
    field = BAR_FIELDS.get(exc.field or "", "action")
    return list_page(
        request,
        state,
        bulk_errors={field: exc.message},
        bulk_chosen={name: request.POST.get(name, "") for name in BAR_FIELDS.values()},
        selected=set(ids or ()),
        status=exc.status,
    )


@role_required(is_marketing)
@require_POST
def bulk_start(request: AuthedRequest) -> HttpResponse:
    state = list_state(request.POST)
    ids = _chosen(request)
    action = request.POST.get("action", "")
    if action == BulkAction.ERASE:
        return _erase(request, state, ids)
    try:
        job = bulk_job_create(
            action=action,
            by=request.user,
            ids=ids,
            filters=state.filters if ids is None else None,
            params=_params(request, state),
        )
    except DomainError as exc:
        return _refused(request, state, ids, exc)
    return redirect("contacts:bulk_job", pk=job.pk)


def _erase(request: AuthedRequest, state: ListState, ids: list[int] | None) -> HttpResponse:
    """Erasing many people: the person types how many first (the page shows the number)."""
    filters = state.filters if ids is None else None
    total = bulk_selection(ids=ids, filters=filters).count()
    if not total:
        return _refused(
            request, state, ids, InvalidInput(_("Select at least one contact."), field="ids")
        )
    typed = "typed" in request.POST
    form = TypedConfirmForm(request.POST if typed else None, expected=number(total))
    status = 422 if typed else 200
    if typed and form.is_valid():
        try:
            job = bulk_job_create(
                action=BulkAction.ERASE,
                by=request.user,
                ids=ids,
                filters=filters,
                confirmed_total=total,
            )
        except DomainError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            return redirect("contacts:bulk_job", pk=job.pk)
    context = {
        "form": form,
        "total": total,
        "state_fields": state.fields(),
        "ids": ids,
        "cancel_url": list_url(state),
    }
    return render(request, "contacts/bulk_erase.html", context, status=status)


@role_required(is_marketing)
def bulk_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """A job's progress: the page, or for htmx the part that polls itself until the job ends."""
    job = found(bulk_job_get_for, request.user, pk)
    context = {
        "job": job,
        "running": job.status in (BulkStatus.PENDING, BulkStatus.RUNNING),
        "percent": min(100, round(100 * job.done / job.total)) if job.total else 100,
        "download": bulk_job_file_available(job, request.user),
    }
    template = "contacts/_bulk_progress.html" if is_htmx(request) else "contacts/bulk_job.html"
    return render(request, template, context)


@role_required(is_marketing)
def bulk_job_download(request: AuthedRequest, pk: int) -> FileResponse:
    """An export's CSV, for the person who asked for it."""
    job = found(bulk_job_get_for, request.user, pk)
    try:
        path = bulk_job_file(job, request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    name = f"contacts-{clock.now():%Y-%m-%d}-{job.pk}.csv"
    file = open(path, "rb")  # noqa: SIM115 (FileResponse closes it once it is sent)
    response = FileResponse(file, as_attachment=True, filename=name, content_type="text/csv")
    response["Cache-Control"] = "no-store"
    return response

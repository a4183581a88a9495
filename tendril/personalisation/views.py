"""Personalisation screens: slots (list; new and edit with their variants as rows of
conditions and content; delete) and pop-ups (list with visitors shown, conversions and the
conversion rate; new and edit; delete). Marketing's work: admins and marketers only; sales reps
are refused, as the API refuses them."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts.models import Grade
from tendril.contacts.stages import stage_labels
from tendril.core.errors import DomainError
from tendril.personalisation import selectors, services
from tendril.personalisation.forms import (
    EXTRA_ROWS,
    BaseVariantRows,
    PopupSettings,
    SlotSettings,
    variant_rows,
)
from tendril.personalisation.models import Known, Popup, Slot, Trigger, VisitNumber
from tendril.segments.models import Segment
from tendril.ui.views import confirm_page, confirmed, form_error, found, paginate, role_required

_ROW_PATH = re.compile(r"^variants\[(\d+)\](?:\.(\w+))?")


# --- slots -------------------------------------------------------------------------------------


def variant_words(slot: Slot) -> list[dict[str, Any]]:
    """Each variant's conditions in words, for the slot's page."""
    segments = dict(Segment.objects.values_list("pk", "name"))
    stages = stage_labels()
    described = []
    for variant in slot.variants.all():
        words = []
        if variant.visit:
            words.append(str(VisitNumber(variant.visit).label))
        if variant.known:
            words.append(str(Known(variant.known).label))
        if variant.segment_id is not None:
            name = segments.get(variant.segment_id, _("a deleted segment"))
            words.append(_("in %(segment)s") % {"segment": name})
        if variant.grade:
            words.append(str(Grade(variant.grade).label))
        if variant.stage:
            words.append(stages.get(variant.stage, variant.stage))
        described.append({"variant": variant, "conditions": words})
    return described


@role_required(is_marketing)
def slot_list(request: AuthedRequest) -> HttpResponse:
    page = paginate(request, selectors.slot_list())
    return render(request, "personalisation/slot_list.html", {"page": page, "tab": "slots"})


@role_required(is_marketing)
def slot_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    slot = found(selectors.slot_get_for, request.user, pk)
    context = {"slot": slot, "variants": variant_words(slot), "tab": "slots"}
    return render(request, "personalisation/slot_detail.html", context)


def _rows_error(rows: BaseVariantRows, positions: list[int], exc: DomainError) -> str | None:
    """Put a service's message about ``variants[i]`` on the row it came from; the message
    about the variants as a whole is returned for the top of the table."""
    match = _ROW_PATH.match(exc.field or "")
    if match is None or int(match[1]) >= len(positions):
        return exc.message
    row = rows.forms[positions[int(match[1])]]
    row.add_error(match[2] if match[2] in row.fields else None, exc.message)
    return None


def _slot_editor(
    request: AuthedRequest, slot: Slot | None, settings_form: SlotSettings, rows: BaseVariantRows
) -> HttpResponse:
    rows_message = None
    saving = request.method == "POST" and "add_variant" not in request.POST
    if saving and settings_form.is_valid() and rows.is_valid():
        variants, positions = rows.service_variants()
        data = {**settings_form.service_data(), "variants": variants}
        try:
            if slot is None:
                slot = services.slot_create(data=data, by=request.user)
                done = _("The slot %(name)s was made: put its tag where it goes.")
            else:
                slot = services.slot_update(slot=slot, data=data, by=request.user)
                done = _("The slot %(name)s was saved.")
        except DomainError as exc:
            if (exc.field or "").startswith("variants"):
                rows_message = _rows_error(rows, positions, exc)
            else:
                form_error(settings_form, exc)
        else:
            messages.success(request, done % {"name": slot.name})
            return redirect("personalisation:slot_detail", pk=slot.pk)
    refused = saving and (
        rows_message or settings_form.errors or any(row.errors for row in rows.forms)
    )
    context = {
        "slot": slot,
        "settings_form": settings_form,
        "rows": rows,
        "rows_message": rows_message,
        "tab": "slots",
    }
    return render(
        request, "personalisation/slot_form.html", context, status=422 if refused else 200
    )


def _posted_slot(request: AuthedRequest) -> tuple[SlotSettings, BaseVariantRows]:
    extra = 1 if "add_variant" in request.POST else 0
    return SlotSettings(request.POST), variant_rows(request.POST, extra=extra)


@role_required(is_marketing)
def slot_new(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        settings_form, rows = _posted_slot(request)
    else:
        settings_form, rows = SlotSettings(), variant_rows(extra=EXTRA_ROWS)
    return _slot_editor(request, None, settings_form, rows)


@role_required(is_marketing)
def slot_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    slot = found(selectors.slot_get_for, request.user, pk)
    if request.method == "POST":
        settings_form, rows = _posted_slot(request)
    else:
        settings_form = SlotSettings.for_slot(slot)
        rows = variant_rows(slot=slot, extra=EXTRA_ROWS)
    return _slot_editor(request, slot, settings_form, rows)


@role_required(is_marketing)
def slot_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    slot = found(selectors.slot_get_for, request.user, pk)
    if confirmed(request):
        services.slot_delete(slot=slot, by=request.user)
        messages.success(request, _("The slot %(name)s was deleted.") % {"name": slot.name})
        return redirect("personalisation:slot_list")
    return confirm_page(
        request,
        title=_("Delete the slot %(name)s?") % {"name": slot.name},
        text=_("Pages that hold it keep showing the content written in them."),
        button=_("Delete slot"),
        cancel_url=reverse("personalisation:slot_detail", args=[slot.pk]),
    )


# --- pop-ups -----------------------------------------------------------------------------------


@role_required(is_marketing)
def popup_list(request: AuthedRequest) -> HttpResponse:
    page = paginate(request, selectors.popup_list())
    figures = selectors.popup_figures(popups=page.object_list)
    rows = [{"popup": p, "figures": figures.get(p.pk)} for p in page.object_list]
    context = {"page": page, "rows": rows, "tab": "popups", "triggers": dict(Trigger.choices)}
    return render(request, "personalisation/popup_list.html", context)


def _popup_editor(
    request: AuthedRequest, popup: Popup | None, settings_form: PopupSettings
) -> HttpResponse:
    if request.method == "POST" and settings_form.is_valid():
        try:
            if popup is None:
                popup = services.popup_create(data=settings_form.service_data(), by=request.user)
                done = _("The pop-up %(name)s was made.")
            else:
                popup = services.popup_update(
                    popup=popup, data=settings_form.service_data(), by=request.user
                )
                done = _("The pop-up %(name)s was saved.")
        except DomainError as exc:
            form_error(settings_form, exc)
        else:
            messages.success(request, done % {"name": popup.name})
            return redirect("personalisation:popup_list")
    context = {"popup": popup, "settings_form": settings_form, "tab": "popups"}
    status = 422 if request.method == "POST" else 200
    return render(request, "personalisation/popup_form.html", context, status=status)


@role_required(is_marketing)
def popup_new(request: AuthedRequest) -> HttpResponse:
    form = PopupSettings(request.POST) if request.method == "POST" else PopupSettings()
    return _popup_editor(request, None, form)


@role_required(is_marketing)
def popup_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    popup = found(selectors.popup_get_for, request.user, pk)
    form = (
        PopupSettings(request.POST) if request.method == "POST" else PopupSettings.for_popup(popup)
    )
    return _popup_editor(request, popup, form)


@role_required(is_marketing)
def popup_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    popup = found(selectors.popup_get_for, request.user, pk)
    if confirmed(request):
        services.popup_delete(popup=popup, by=request.user)
        messages.success(request, _("The pop-up %(name)s was deleted.") % {"name": popup.name})
        return redirect("personalisation:popup_list")
    return confirm_page(
        request,
        title=_("Delete the pop-up %(name)s?") % {"name": popup.name},
        text=_("It stops showing at once. Its form and the contacts it made are kept."),
        button=_("Delete pop-up"),
        cancel_url=reverse("personalisation:popup_edit", args=[popup.pk]),
    )

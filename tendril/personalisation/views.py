"""Personalisation screens: slots (list; new and edit with their variants as rows of
conditions and content; delete) and pop-ups (list with visitors shown, conversions and the
conversion rate; new and edit; delete). Marketing's work: admins and marketers only; sales reps
are refused, as the API refuses them."""

from __future__ import annotations

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
    PopupSettings,
    SlotSettings,
    variant_rows,
)
from tendril.personalisation.models import Known, Popup, Slot, Trigger, VisitNumber
from tendril.segments.models import Segment
from tendril.ui.forms import ServiceRows
from tendril.ui.views import confirm_then, form_error, found, paginate, role_required, rows_editor

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


def _slot_editor(
    request: AuthedRequest, slot: Slot | None, settings_form: SlotSettings, rows: ServiceRows
) -> HttpResponse:
    def save(data: dict[str, Any]) -> tuple[Slot, str]:
        if slot is None:
            made = services.slot_create(data=data, by=request.user)
            return made, _("The slot %(name)s was made: put its tag where it goes.")
        return services.slot_update(slot=slot, data=data, by=request.user), _(
            "The slot %(name)s was saved."
        )

    return rows_editor(
        request,
        "personalisation/slot_form.html",
        settings_form=settings_form,
        rows=rows,
        add="add_variant",
        save=save,
        done="personalisation:slot_detail",
        context={"slot": slot, "tab": "slots"},
    )


def _posted_slot(request: AuthedRequest) -> tuple[SlotSettings, ServiceRows]:
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
    return confirm_then(
        request,
        lambda: services.slot_delete(slot=slot, by=request.user),
        done=_("The slot %(name)s was deleted.") % {"name": slot.name},
        then="personalisation:slot_list",
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
    return confirm_then(
        request,
        lambda: services.popup_delete(popup=popup, by=request.user),
        done=_("The pop-up %(name)s was deleted.") % {"name": popup.name},
        then="personalisation:popup_list",
        title=_("Delete the pop-up %(name)s?") % {"name": popup.name},
        text=_("It stops showing at once. Its form and the contacts it made are kept."),
        button=_("Delete pop-up"),
        cancel_url=reverse("personalisation:popup_edit", args=[popup.pk]),
    )

"""Personas screens: the list, a persona's page (its stages chart), its form and deletion; the
buying-stage dimensions and their stages (rename, reorder, add, remove); and the contact
page's "Buying stage" panel, which moves a contact along each dimension.

Everyone signed in reads them and may move a contact (as anyone may change a contact's
lifecycle stage); admins and marketers change personas and dimensions (``is_marketing``), as
the API allows.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts.models import Contact
from tendril.contacts.selectors import contact_get_for
from tendril.core.errors import DomainError
from tendril.core.models import EventSource
from tendril.personas import selectors, services
from tendril.personas.forms import (
    ContactStageForm,
    DimensionForm,
    DimensionNameForm,
    PersonaForm,
    StageForm,
)
from tendril.personas.models import BuyingStageDimension, Persona
from tendril.ui.views import confirm_page, confirm_then, confirmed, form_error, found, role_required

# --- personas -----------------------------------------------------------------------------------


@login_required
def persona_list(request: AuthedRequest) -> HttpResponse:
    context = {"personas": selectors.persona_list(), "can_edit": is_marketing(request.user)}
    return render(request, "personas/persona_list.html", context)


@login_required
def persona_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    persona = found(selectors.persona_get_for, request.user, pk)
    along = selectors.persona_stages(persona=persona)
    context = {
        "persona": persona,
        "along": along,
        "can_edit": is_marketing(request.user),
        "chart_data": {
            "label": _("Contacts"),
            "labels": [row.stage.display_label for row in along.stages],
            "values": [row.contacts for row in along.stages],
        },
    }
    return render(request, "personas/persona_detail.html", context)


def _persona_form_page(
    request: AuthedRequest, form: PersonaForm, persona: Persona | None
) -> HttpResponse:
    status = 422 if form.errors else 200
    context = {"form": form, "persona": persona}
    return render(request, "personas/persona_form.html", context, status=status)


@role_required(is_marketing)
def persona_new(request: AuthedRequest) -> HttpResponse:
    form = PersonaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            persona = services.persona_create(data=form.service_data(), by=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The persona %(name)s was added.") % {"name": persona})
            return redirect("personas:persona_detail", pk=persona.pk)
    return _persona_form_page(request, form, None)


@role_required(is_marketing)
def persona_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    persona = found(selectors.persona_get_for, request.user, pk)
    form = (
        PersonaForm(request.POST) if request.method == "POST" else PersonaForm.for_persona(persona)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.persona_update(persona=persona, data=form.service_data(), by=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The persona %(name)s was saved.") % {"name": persona})
            return redirect("personas:persona_detail", pk=persona.pk)
    return _persona_form_page(request, form, persona)


@role_required(is_marketing)
def persona_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    persona = found(selectors.persona_get_for, request.user, pk)
    return confirm_then(
        request,
        lambda: services.persona_delete(persona=persona, by=request.user),
        done=_("The persona %(name)s was deleted.") % {"name": persona},
        then="personas:persona_list",
        title=_("Delete the persona %(name)s?") % {"name": persona},
        text=_("The persona is deleted. Its segments, their contacts and their stages stay."),
        button=_("Delete persona"),
        cancel_url=reverse("personas:persona_detail", args=[persona.pk]),
    )


# --- dimensions and stages ----------------------------------------------------------------------


@login_required
def dimension_list(request: AuthedRequest) -> HttpResponse:
    return _dimensions_page(request, DimensionForm())


def _dimensions_page(request: AuthedRequest, form: DimensionForm) -> HttpResponse:
    context = {
        "dimensions": selectors.dimension_list(),
        "form": form,
        "can_edit": is_marketing(request.user),
    }
    return render(
        request, "personas/dimension_list.html", context, status=422 if form.errors else 200
    )


@role_required(is_marketing)
@require_POST
def dimension_new(request: AuthedRequest) -> HttpResponse:
    form = DimensionForm(request.POST)
    if form.is_valid():
        try:
            dimension = services.dimension_create(
                name=form.cleaned_data["name"], kind=form.cleaned_data["kind"], by=request.user
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("The dimension %(name)s was added; now give it stages.") % {"name": dimension},
            )
            return redirect("personas:dimension_detail", pk=dimension.pk)
    return _dimensions_page(request, form)


def _dimension_page(
    request: AuthedRequest,
    dimension: BuyingStageDimension,
    *,
    name_form: DimensionNameForm | None = None,
    add_form: StageForm | None = None,
    failed_stage: tuple[int, StageForm] | None = None,
) -> HttpResponse:
    """The dimension with one form per stage (the one that failed keeps what was typed)."""
    stages = [
        {
            "stage": stage,
            "form": failed_stage[1]
            if failed_stage and failed_stage[0] == stage.pk
            else StageForm(
                initial={"label": stage.display_label, "description": stage.display_description},
                prefix=f"stage-{stage.pk}",
            ),
        }
        for stage in dimension.stages.all()
    ]
    failed = name_form is not None or add_form is not None or failed_stage is not None
    context = {
        "dimension": dimension,
        "stages": stages,
        "name_form": name_form or DimensionNameForm(initial={"name": dimension.display_name}),
        "add_form": add_form or StageForm(prefix="new"),
        "can_edit": is_marketing(request.user),
    }
    return render(request, "personas/dimension_detail.html", context, status=422 if failed else 200)


@login_required
def dimension_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _dimension_page(request, found(selectors.dimension_get_for, request.user, pk))


def _back(dimension: BuyingStageDimension) -> HttpResponse:
    return redirect("personas:dimension_detail", pk=dimension.pk)


@role_required(is_marketing)
@require_POST
def dimension_rename(request: AuthedRequest, pk: int) -> HttpResponse:
    dimension = found(selectors.dimension_get_for, request.user, pk)
    form = DimensionNameForm(request.POST)
    if form.is_valid():
        try:
            services.dimension_rename(
                dimension=dimension, name=form.cleaned_data["name"], by=request.user
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The dimension was renamed."))
            return _back(dimension)
    return _dimension_page(request, dimension, name_form=form)


@role_required(is_marketing)
@require_POST
def stage_add(request: AuthedRequest, pk: int) -> HttpResponse:
    dimension = found(selectors.dimension_get_for, request.user, pk)
    form = StageForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            stage = services.stage_add(
                dimension=dimension,
                label=form.cleaned_data["label"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The stage %(label)s was added.") % {"label": stage})
            return _back(dimension)
    return _dimension_page(request, dimension, add_form=form)


@role_required(is_marketing)
@require_POST
def stage_save(request: AuthedRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = found(selectors.stage_get_for, request.user, pk, stage_pk)
    form = StageForm(request.POST, prefix=f"stage-{stage.pk}")
    if form.is_valid():
        try:
            services.stage_update(
                stage=stage,
                label=form.cleaned_data["label"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The stage was saved."))
            return _back(stage.dimension)
    dimension = found(selectors.dimension_get_for, request.user, pk)
    return _dimension_page(request, dimension, failed_stage=(stage.pk, form))


@role_required(is_marketing)
@require_POST
def stage_move(request: AuthedRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = found(selectors.stage_get_for, request.user, pk, stage_pk)
    services.stage_move(
        stage=stage, step=-1 if request.POST.get("to") == "up" else 1, by=request.user
    )
    return _back(stage.dimension)


@role_required(is_marketing)
def stage_remove(request: AuthedRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = found(selectors.stage_get_for, request.user, pk, stage_pk)
    if confirmed(request):
        try:
            services.stage_remove(stage=stage, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The stage %(label)s was removed.") % {"label": stage})
        return _back(stage.dimension)
    return confirm_page(
        request,
        title=_("Remove the stage %(label)s?") % {"label": stage},
        text=_("Only a stage nobody stands at can be removed. The other stages keep their order."),
        button=_("Remove stage"),
        cancel_url=reverse("personas:dimension_detail", args=[pk]),
    )


# --- the contact page ---------------------------------------------------------------------------


def contact_panel(request: HttpRequest, contact: Contact) -> SafeString:
    """The contact page's "Buying stage": each dimension with the stage the contact stands at,
    as a choice that moves them."""
    placed = selectors.contact_buying_stages(contact_id=contact.pk)
    rows = [
        {"dimension": dimension, "placed": placed.get(dimension.pk)}
        for dimension in selectors.dimension_list()
    ]
    context = {"contact": contact, "rows": rows}
    return render_to_string("personas/_contact_panel.html", context, request=request)


@login_required
@require_POST
def contact_stage_set(request: AuthedRequest, contact_pk: int, pk: int) -> HttpResponse:
    contact = found(contact_get_for, request.user, contact_pk)
    dimension = found(selectors.dimension_get_for, request.user, pk)
    form = ContactStageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage from the list."))
    else:
        try:
            services.contact_buying_stage_set(
                contact=contact,
                dimension=dimension,
                stage=form.cleaned_data["stage"],
                by=request.user,
                method=EventSource.UI,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The buying stage was saved."))
    return redirect(reverse("contacts:contact_detail", args=[contact.pk]) + "#buying-stages")

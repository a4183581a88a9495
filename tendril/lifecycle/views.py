"""Lifecycle screens: the stage rules (list, form, deletion), Settings → Lifecycle stages
(rename, reorder, add, hide, delete), and the contact page's stage history panel.

Everyone signed in reads the rules; admins and marketers change them (``is_marketing``), as the
API allows. The stages are the admin's (``is_admin``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest, is_admin, is_marketing
from tendril.contacts.models import Contact
from tendril.contacts.stages import stage_label
from tendril.core.conditions import where_editor, where_words
from tendril.core.errors import DomainError
from tendril.core.events import actor_phrase, event_types
from tendril.lifecycle import selectors, services
from tendril.lifecycle.forms import StageAddForm, StageNameForm, StageRuleForm
from tendril.lifecycle.models import StageRule, Trigger
from tendril.ui.views import (
    confirm_page,
    confirm_then,
    confirmed,
    form_error,
    form_saved,
    found,
    role_required,
)


def rule_words(rule: StageRule) -> str:
    """What sets the rule off, as a marketer says it."""
    if rule.trigger == Trigger.SCORE:
        return _("the score reaches %(score)s") % {"score": rule.score}
    if rule.trigger == Trigger.SEGMENT:
        name = rule.segment.name if rule.segment else ""
        return _("the contact enters the segment “%(segment)s”") % {"segment": name}
    words = where_words(rule.where)
    if words:
        return _("%(event)s happens, %(where)s") % {"event": rule.event, "where": words}
    return _("%(event)s happens") % {"event": rule.event}


@login_required
def rules_page(request: AuthedRequest) -> HttpResponse:
    rules = [
        {"rule": rule, "when": rule_words(rule), "stage": stage_label(rule.stage)}
        for rule in selectors.stage_rule_list()
    ]
    context = {"rules": rules, "can_edit": is_marketing(request.user)}
    return render(request, "lifecycle/rules.html", context)


def _rule_form_page(
    request: AuthedRequest, form: StageRuleForm, rule: StageRule | None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "rule": rule,
        "event_types": sorted(event_types()),
        # "Only when" is clicked together like a scoring rule's (where-editor.js).
        "where_editor": where_editor(),
    }
    return render(request, "lifecycle/rule_form.html", context, status=status)


@role_required(is_marketing)
def rule_new(request: AuthedRequest) -> HttpResponse:
    form = StageRuleForm(request.POST or None)
    if form_saved(
        request,
        form,
        lambda: services.stage_rule_create(data=form.service_data(), by=request.user),
        lambda rule: _("The rule %(name)s was added.") % {"name": rule.name},
    ):
        return redirect("lifecycle:rules")
    return _rule_form_page(request, form, None, status=422 if form.errors else 200)


@role_required(is_marketing)
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = found(selectors.stage_rule_get, pk)
    form = StageRuleForm(request.POST) if request.method == "POST" else StageRuleForm.for_rule(rule)
    if form_saved(
        request,
        form,
        lambda: services.stage_rule_update(rule=rule, data=form.service_data(), by=request.user),
        lambda saved: _("The rule %(name)s was saved.") % {"name": saved.name},
    ):
        return redirect("lifecycle:rules")
    return _rule_form_page(request, form, rule, status=422 if form.errors else 200)


@role_required(is_marketing)
@require_POST
def rule_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = found(selectors.stage_rule_get, pk)
    services.stage_rule_apply(rule=rule, by=request.user)
    messages.success(
        request,
        _(
            "The rule %(name)s is being applied to the contacts who meet it now; their stages "
            "change in the next minutes."
        )
        % {"name": rule.name},
    )
    return redirect("lifecycle:rules")


@role_required(is_marketing)
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = found(selectors.stage_rule_get, pk)
    return confirm_then(
        request,
        lambda: services.stage_rule_delete(rule=rule, by=request.user),
        done=_("The rule %(name)s was deleted.") % {"name": rule.name},
        then="lifecycle:rules",
        title=_("Delete the rule %(name)s?") % {"name": rule.name},
        text=_(
            "The rule moves no more contacts. The stages it already set stay, and the contact "
            "page still says it set them."
        ),
        button=_("Delete rule"),
        cancel_url=reverse("lifecycle:rules"),
    )


# --- Settings → Lifecycle stages ----------------------------------------------------------


def _stages_page(request: AuthedRequest, form: StageAddForm, status: int = 200) -> HttpResponse:
    context = {"stages": selectors.stage_uses(), "form": form}
    return render(request, "lifecycle/stages.html", context, status=status)


@role_required(is_admin)
def stages_page(request: AuthedRequest) -> HttpResponse:
    form = StageAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stage = services.stage_add(
                key=form.cleaned_data["key"], label=form.cleaned_data["label"], by=request.user
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The stage %(name)s was added.") % {"name": stage.label})
            return redirect("lifecycle:stages")
    return _stages_page(request, form, status=422 if form.errors else 200)


# The stages screen's arrows: one place earlier or later along the funnel.
STEPS = {"earlier": -1, "later": 1}


def _done(request: AuthedRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("lifecycle:stages")


def _refused(request: AuthedRequest, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("lifecycle:stages")


@role_required(is_admin)
@require_POST
def stage_rename(request: AuthedRequest, key: str) -> HttpResponse:
    stage = found(selectors.lifecycle_stage_get, key)
    form = StageNameForm(request.POST)
    label = form.cleaned_data["label"] if form.is_valid() else ""
    try:
        stage = services.stage_rename(stage=stage, label=label, by=request.user)
    except DomainError as exc:
        return _refused(request, exc)
    return _done(request, _("The stage is now called %(name)s.") % {"name": stage_label(key)})


@role_required(is_admin)
@require_POST
def stage_move(request: AuthedRequest, key: str, step: str) -> HttpResponse:
    stage = found(selectors.lifecycle_stage_get, key)
    if step not in STEPS:
        raise Http404
    services.stage_move(stage=stage, step=STEPS[step], by=request.user)
    return redirect("lifecycle:stages")


@role_required(is_admin)
@require_POST
def stage_hide(request: AuthedRequest, key: str) -> HttpResponse:
    stage = found(selectors.lifecycle_stage_get, key)
    try:
        services.stage_hide(stage=stage, by=request.user)
    except DomainError as exc:
        return _refused(request, exc)
    return _done(request, _("The stage %(name)s is hidden.") % {"name": stage_label(key)})


@role_required(is_admin)
@require_POST
def stage_show(request: AuthedRequest, key: str) -> HttpResponse:
    stage = found(selectors.lifecycle_stage_get, key)
    services.stage_show(stage=stage, by=request.user)
    return _done(request, _("The stage %(name)s is offered again.") % {"name": stage_label(key)})


@role_required(is_admin)
def stage_delete(request: AuthedRequest, key: str) -> HttpResponse:
    stage = found(selectors.lifecycle_stage_get, key)
    name = stage_label(key)
    if confirmed(request):
        try:
            services.stage_delete(stage=stage, by=request.user)
        except DomainError as exc:
            return _refused(request, exc)
        return _done(request, _("The stage %(name)s was deleted.") % {"name": name})
    return confirm_page(
        request,
        title=_("Delete the stage %(name)s?") % {"name": name},
        text=_("Contact histories still name it. This cannot be undone."),
        button=_("Delete the stage"),
        cancel_url=reverse("lifecycle:stages"),
    )


# --- the contact page -----------------------------------------------------------------------


def _named(key: object) -> str:
    return stage_label(key) if key else ""


def contact_panel(request: HttpRequest, contact: Contact) -> SafeString:
    """The contact page's "Stage history": each change of stage, from and to, when, and who or
    which rule made it, newest first."""
    rows = [
        {
            "at": event.occurred_at,
            "from": _named(event.properties.get("from")),
            "to": _named(event.properties.get("to")),
            "who": actor_phrase(event.properties) or "",
        }
        for event in selectors.stage_history(contact_id=contact.pk)
    ]
    return render_to_string("lifecycle/_contact_panel.html", {"stages": rows}, request=request)

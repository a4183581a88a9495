"""Scoring screens: the scoring page (the band chart, the rules in words, the grade
thresholds), a rule's form and its deletion, and the contact page's "Why this score?" panel.

Everyone signed in reads them; admins and marketers change rules and thresholds
(``is_marketing``), as the API allows.
"""

from __future__ import annotations

from typing import Any

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
from tendril.contacts.models import Contact, Grade
from tendril.core.conditions import where_editor, where_words
from tendril.core.errors import DomainError
from tendril.core.events import describe
from tendril.scoring import selectors, services
from tendril.scoring.forms import RuleForm, ThresholdsForm
from tendril.scoring.models import ScoringRule
from tendril.ui.views import confirm_then, form_error, form_saved, found, role_required


def _page(
    request: AuthedRequest, thresholds: ThresholdsForm | None = None, status: int = 200
) -> HttpResponse:
    settings_row = selectors.scoring_settings()
    bands = selectors.score_bands()
    rules = [{"rule": rule, "where": where_words(rule.where)} for rule in selectors.rule_list()]
    context: dict[str, Any] = {
        "rules": rules,
        "bands": bands,
        "settings": settings_row,
        "can_edit": is_marketing(request.user),
        "thresholds_form": thresholds or ThresholdsForm.for_settings(settings_row),
        "chart_data": {
            "labels": [str(label) for label in Grade.labels],
            "label": _("Contacts"),
            "values": [bands["hot"], bands["warm"], bands["cold"]],
        },
    }
    return render(request, "scoring/scoring.html", context, status=status)


@login_required
def scoring_page(request: AuthedRequest) -> HttpResponse:
    return _page(request)


@role_required(is_marketing)
@require_POST
def thresholds_save(request: AuthedRequest) -> HttpResponse:
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.settings_update(
                hot=data["hot"],
                warm=data["warm"],
                decay_points=data["decay_points"],
                decay_every=data["decay_every"] or None,
                by=request.user,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The grade thresholds were saved."))
            return redirect("scoring:scoring")
    return _page(request, thresholds=form, status=422)


def _rule_form_page(
    request: AuthedRequest, form: RuleForm, rule: ScoringRule | None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "rule": rule,
        "event_types": selectors.scorable_event_types(),
        "where_editor": where_editor(),
    }
    return render(request, "scoring/rule_form.html", context, status=status)


@role_required(is_marketing)
def rule_new(request: AuthedRequest) -> HttpResponse:
    form = RuleForm(request.POST or None)
    if form_saved(
        request,
        form,
        lambda: services.rule_create(data=form.service_data(), by=request.user),
        lambda rule: _("The rule %(name)s was added.") % {"name": rule.name},
    ):
        return redirect("scoring:scoring")
    return _rule_form_page(request, form, None, status=422 if form.errors else 200)


@role_required(is_marketing)
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = found(selectors.rule_get, pk)
    form = RuleForm(request.POST) if request.method == "POST" else RuleForm.for_rule(rule)
    if form_saved(
        request,
        form,
        lambda: services.rule_update(rule=rule, data=form.service_data(), by=request.user),
        lambda saved: (
            (
                _("The rule %(name)s was saved; its points are being recounted in the background.")
                if saved.rescore_due
                else _("The rule %(name)s was saved.")
            )
            % {"name": saved.name}
        ),
    ):
        return redirect("scoring:scoring")
    return _rule_form_page(request, form, rule, status=422 if form.errors else 200)


@role_required(is_marketing)
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = found(selectors.rule_get, pk)
    return confirm_then(
        request,
        lambda: services.rule_delete(rule=rule, by=request.user),
        done=_("The rule %(name)s was deleted.") % {"name": rule.name},
        then="scoring:scoring",
        title=_("Delete the rule %(name)s?") % {"name": rule.name},
        text=_(
            "The rule gives no more points. The points it already gave stay, and the contact "
            "page still says they came from it."
        ),
        button=_("Delete rule"),
        cancel_url=reverse("scoring:scoring"),
    )


def contact_panel(request: HttpRequest, contact: Contact) -> SafeString:
    """The contact page's "Why this score?": each ledger row with its rule and the sentence of
    the event that earned it, newest first (the stage history is lifecycle's panel)."""
    entries = list(selectors.score_history(contact_id=contact.pk))
    events = selectors.events_by_id(entry.event_id for entry in entries)
    context = {
        "contact": contact,
        "ledger": [
            {
                "entry": entry,
                "sentence": _("Points fade while the contact does nothing for a while.")
                if entry.is_decay
                else describe(events[entry.event_id].type, events[entry.event_id].properties)
                if entry.event_id in events
                else "",
            }
            for entry in entries
        ],
    }
    return render_to_string("scoring/_contact_panel.html", context, request=request)

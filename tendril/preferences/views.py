"""Consent and preferences screens: the email topics (list with subscriber counts, new, edit,
archive and restore; marketing changes them, every role reads), and the contact page's
"Consent history" panel (every role: support staff read it and may open the person's
preference centre for them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts.models import Contact
from tendril.preferences import selectors, services
from tendril.preferences.forms import TopicForm
from tendril.preferences.links import preference_path
from tendril.preferences.models import Topic
from tendril.ui.views import form_saved, found, role_required

# The contact page shows this many changes; the API pages through all of them.
PANEL_ROWS = 50


@login_required
def topic_list(request: AuthedRequest) -> HttpResponse:
    topics = list(selectors.topic_list())
    counts = selectors.subscriber_counts(topics)

    def rows(archived: bool) -> list[dict[str, object]]:
        return [{"topic": t, "subscribers": counts[t.pk]} for t in topics if t.archived == archived]

    context = {
        "active": rows(False),
        "archived": rows(True),
        "can_edit": is_marketing(request.user),
    }
    return render(request, "preferences/topic_list.html", context)


def _form_page(request: AuthedRequest, form: TopicForm, topic: Topic | None) -> HttpResponse:
    status = 422 if form.errors else 200
    context = {"form": form, "topic": topic}
    return render(request, "preferences/topic_form.html", context, status=status)


@role_required(is_marketing)
def topic_new(request: AuthedRequest) -> HttpResponse:
    form = TopicForm(request.POST or None)
    if form_saved(
        request,
        form,
        lambda: services.topic_create(data=form.service_data(), by=request.user),
        lambda topic: _("The topic %(name)s was added.") % {"name": topic},
    ):
        return redirect("preferences:topic_list")
    return _form_page(request, form, None)


@role_required(is_marketing)
def topic_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    topic = found(selectors.topic_get_for, request.user, pk)
    form = TopicForm(request.POST) if request.method == "POST" else TopicForm.for_topic(topic)
    if form_saved(
        request,
        form,
        lambda: services.topic_update(topic=topic, data=form.service_data(), by=request.user),
        lambda saved: _("The topic %(name)s was saved.") % {"name": saved},
    ):
        return redirect("preferences:topic_list")
    return _form_page(request, form, topic)


@role_required(is_marketing)
@require_POST
def topic_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    """Archive (or, with ``archived=0``, restore) a topic: nothing is deleted, so this asks
    for no confirmation."""
    topic = found(selectors.topic_get_for, request.user, pk)
    archived = request.POST.get("archived") != "0"
    services.topic_update(topic=topic, data={"archived": archived}, by=request.user)
    if archived:
        text = _("The topic %(name)s was archived: it is no longer offered nor sent.")
    else:
        text = _("The topic %(name)s is offered again.")
    messages.success(request, text % {"name": topic})
    return redirect("preferences:topic_list")


def consent_panel(request: HttpRequest, contact: Contact) -> SafeString:
    """The contact page's "Consent history": the topics the person is subscribed to, a link
    to their preference centre, and every change of their consent and topics, newest first."""
    events = selectors.history_events(contact=contact)[:PANEL_ROWS]
    context = {
        "contact": contact,
        "history": [selectors.history_row(e) for e in events],
        "subscribed": [c.topic for c in selectors.contact_topics(contact=contact) if c.subscribed],
        "centre": preference_path(contact),
    }
    return render_to_string("preferences/_consent_panel.html", context, request=request)

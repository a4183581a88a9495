"""The Alerts box on a segment's page: who is told when a contact enters the segment, and how.
Admins and marketers set it (``is_marketing``); anyone signed in, a sales rep too, can ask to
be told, or stop being told, themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.models import User
from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.alerts import selectors, services
from tendril.alerts.consumers import DIGEST_AFTER
from tendril.alerts.forms import AlertForm
from tendril.core.errors import DomainError
from tendril.segments.models import Segment
from tendril.segments.selectors import segment_get_for
from tendril.ui.views import found, role_required


def alert_panel(request: HttpRequest, segment: Segment) -> SafeString:
    """The segment page's Alerts box for the viewer."""
    user = request.user
    assert isinstance(user, User)
    alert = selectors.alert_of(segment)
    people = list(alert.users.all()) if alert is not None else []
    can_edit = is_marketing(user)
    form = None
    if can_edit:
        initial = (
            {
                "active": alert.active,
                "in_app": alert.in_app,
                "by_email": alert.by_email,
                "users": [p.pk for p in people],
            }
            if alert is not None
            else {"active": True, "in_app": True, "by_email": False, "users": []}
        )
        form = AlertForm(initial=initial)
    context = {
        "segment": segment,
        "alert": alert,
        "people": people,
        "told": user in people,
        "form": form,
        "digest_after": DIGEST_AFTER,
    }
    return render_to_string("alerts/_segment_panel.html", context, request=request)


def _back(segment: Segment) -> HttpResponse:
    return redirect(reverse("segments:segment_detail", args=[segment.pk]) + "#alerts")


@role_required(is_marketing)
@require_POST
def alert_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = found(segment_get_for, request.user, pk)
    form = AlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose people among the active users."))
        return _back(segment)
    data = form.cleaned_data
    try:
        services.alert_set(
            segment=segment,
            users=[u.pk for u in data["users"]],
            in_app=data["in_app"],
            by_email=data["by_email"],
            active=data["active"],
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The alert was saved."))
    return _back(segment)


@login_required
@require_POST
def alert_subscribe(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = found(segment_get_for, request.user, pk)
    subscribed = request.POST.get("subscribe") == "1"
    services.alert_subscribe(segment=segment, user=request.user, subscribed=subscribed)
    if subscribed:
        messages.success(request, _("You will be told when a contact enters this segment."))
    else:
        messages.success(request, _("You will no longer be told about this segment."))
    return _back(segment)

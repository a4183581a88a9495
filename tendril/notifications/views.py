"""The notifications page: the signed-in user's notifications, newest first, with the unread
ones marked; opening one marks it read and leads to what it is about. Every change is a POST
(with CSRF): a link preview or prefetch never marks anything read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest
from tendril.notifications import selectors, services
from tendril.notifications.models import Notification
from tendril.ui.views import found, paginate


def _read(request: AuthedRequest, pk: int) -> Notification:
    """The user's notification ``pk`` marked read; anyone else's is the 404 page."""
    return found(lambda: services.notification_read(user=request.user, notification_id=pk))


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    page = paginate(request, selectors.notification_list(user=request.user, unread=unread))
    page.object_list = selectors.shown(page.object_list)
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark read and go where the notification points (only ever inside Tendril)."""
    notification = _read(request, pk)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=False
    ):
        return redirect("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    _read(request, pk)
    return redirect("notifications:inbox")


@login_required
@require_POST
def notifications_read_all(request: AuthedRequest) -> HttpResponse:
    marked = services.notifications_read_all(user=request.user)
    messages.success(request, _("Notifications marked read: %(n)s.") % {"n": marked})
    return redirect("notifications:inbox")

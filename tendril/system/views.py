"""The System screen (admins): each event consumer's lag and the events it parked; and
``/healthz``, the same figures as JSON for load balancers and monitoring."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import is_admin
from tendril.core.errors import NotFound
from tendril.core.models import DeadLetterStatus
from tendril.core.selectors import consumer_lags, dead_letter_list
from tendril.system.selectors import health_report
from tendril.system.services import dead_letter_resolve
from tendril.ui.views import paginate, role_required


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    status, body = health_report()
    return JsonResponse(body, status=status)


@role_required(is_admin)
def system_index(request: HttpRequest) -> HttpResponse:
    consumer = request.GET.get("consumer") or None
    context = {
        "lags": consumer_lags(),
        "page": paginate(request, dead_letter_list(consumer=consumer), per_page=25),
        "consumer": consumer,
    }
    return render(request, "system/index.html", context)


@role_required(is_admin)
@require_POST
def dead_letter_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ("retry", "skip"):
        raise Http404(_("There is no such action."))
    try:
        letter = dead_letter_resolve(letter_id=pk, action=action, by=request.user)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from None
    if action == "skip":
        messages.success(request, _("The event was skipped."))
    elif letter.status == DeadLetterStatus.RETRIED:
        messages.success(request, _("The event was delivered."))
    else:
        messages.error(request, _("The event failed again: %(error)s") % {"error": letter.error})
    return redirect("system:index")

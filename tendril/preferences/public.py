"""The person's own pages (no sign-in), reached from the signed links in every marketing email:
the preference centre ``/u/<token>`` (their topics, unsubscribe from all, subscribe again) and
the one-click unsubscribe ``/u/<token>/one-click`` (RFC 8058: a POST with
``List-Unsubscribe=One-Click`` unsubscribes at once, a GET only shows a button, since link
scanners fetch every link of an email).

Each page speaks the contact's language, is never framed nor indexed, and is not cached. A
tampered link gets a 400 page; the link of a contact merged into another acts on the contact
kept; an erased contact's link gets a "no longer works" page; never a 5xx.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from tendril.contacts.models import ConsentStatus, Contact
from tendril.preferences import selectors, services
from tendril.preferences.events import VIA_CENTRE, VIA_ONE_CLICK
from tendril.preferences.links import LinkGone, LinkRefused, token_contact

ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"
# What the confirmation says after each action (the page is shown again after a redirect).
DONE = ("saved", "unsubscribed", "subscribed")

PublicView = Callable[[HttpRequest, Contact, str], HttpResponse]


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    # The address holds the person's token: never sent to another site. Same-origin still
    # sends it to us, so the form's POST carries an Origin the CSRF check accepts ("null"
    # under no-referrer is refused).
    response["Referrer-Policy"] = "same-origin"
    return response


def _link_problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return _private(
        render(request, "preferences/link_problem.html", {"message": message}, status=status)
    )


def person_page(view: PublicView) -> Callable[[HttpRequest, str], HttpResponse]:
    """Resolve the link to its contact and speak the contact's language for the request."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str) -> HttpResponse:
        try:
            contact = token_contact(token)
        except LinkRefused:
            return _link_problem(
                request,
                _("This link is not valid. Open the link from one of our emails again."),
                400,
            )
        except LinkGone:
            return _link_problem(
                request,
                _(
                    "This link no longer works. Use the link in a more recent email from us, "
                    "or reply to it to ask us to stop."
                ),
                404,
            )
        with translation.override(contact.language or translation.get_language()):
            return _private(view(request, contact, token))

    return wrapped


def masked_email(email: str) -> str:
    """Enough of the address for the person to recognise it, not enough to read it off a
    shared screen: ``an•••@example.com``."""
    local, _at, domain = email.partition("@")
    return f"{local[:2]}•••@{domain}"


def _centre_context(contact: Contact, token: str, done: str) -> dict[str, Any]:
    consent = selectors.email_consent(contact)
    return {
        "contact": contact,
        "email": masked_email(contact.email),
        "granted": consent is not None and consent.status == ConsentStatus.GRANTED,
        "choices": selectors.contact_topics(contact=contact),
        "done": done if done in DONE else "",
        "token": token,
        "lang": translation.get_language(),
    }


@xframe_options_deny
@csrf_protect
@require_http_methods(["GET", "POST"])
@person_page
def centre(request: HttpRequest, contact: Contact, token: str) -> HttpResponse:
    if request.method == "GET":
        done = request.GET.get("done", "")
        return render(request, "preferences/centre.html", _centre_context(contact, token, done))
    action = request.POST.get("action", "")
    if action == "unsubscribe":
        services.unsubscribe_all(contact=contact, via=VIA_CENTRE)
        done = "unsubscribed"
    elif action == "subscribe":
        services.subscribe_again(contact=contact)
        done = "subscribed"
    elif action == "save":
        ticked = {int(v) for v in request.POST.getlist("topic") if v.isdigit() and len(v) < 12}
        services.preferences_save(contact=contact, subscribed=ticked)
        done = "saved"
    else:
        context = _centre_context(contact, token, "")
        return render(request, "preferences/centre.html", context, status=400)
    # After a change, the page is fetched again: a reload does not send the form twice.
    return HttpResponseRedirect(f"{reverse('preferences:centre', args=[token])}?done={done}")


@csrf_exempt  # RFC 8058: mail providers post it without cookies, from their own servers
@xframe_options_deny
@require_http_methods(["GET", "POST"])
@person_page
def one_click(request: HttpRequest, contact: Contact, token: str) -> HttpResponse:
    context = {"token": token, "email": masked_email(contact.email), "done": False}
    if request.method == "GET":
        return render(request, "preferences/one_click.html", context)
    if request.POST.get(ONE_CLICK_FIELD) != ONE_CLICK_VALUE:
        context["problem"] = True
        return render(request, "preferences/one_click.html", context, status=400)
    services.unsubscribe_all(contact=contact, via=VIA_ONE_CLICK)
    context["done"] = True
    return render(request, "preferences/one_click.html", context)

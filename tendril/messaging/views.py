"""Email screens: the list of emails, the editor (new, from a starter, edit), an email's page
with its preview as a chosen contact and the test send form, and deletion.

Every role reads emails and their previews; admins and marketers write them and send tests
(``is_marketing``), as the API allows. The preview is the rendered HTML served on its own
address (``email_frame``) with a Content-Security-Policy that runs no script and loads nothing
but images, shown in a ``sandbox=""`` frame: a hostile email cannot act on the app's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.contacts.models import Contact
from tendril.contacts.selectors import contact_get_for, contact_ids_by_email
from tendril.core.errors import DomainError
from tendril.messaging import selectors, services
from tendril.messaging.forms import EmailForm, TestSendForm
from tendril.messaging.models import Email
from tendril.messaging.rendering import RenderedEmail
from tendril.messaging.starters import starter_get, starters
from tendril.ui.views import confirm_page, confirmed, form_error, found, paginate, role_required

# The preview runs no script, submits nothing and frames nothing; it shows the email's own
# styles and its pictures (as a mail client would).
FRAME_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "font-src https: data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox"
)


@login_required
def email_list(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = paginate(request, selectors.email_list(q=query or None))
    context = {"page": page, "q": query, "can_edit": is_marketing(request.user)}
    return render(request, "messaging/email_list.html", context)


def _editor(
    request: AuthedRequest, form: EmailForm, email: Email | None, starter_key: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "email": email,
        "starters": starters(),
        "starter_key": starter_key,
    }
    return render(request, "messaging/email_form.html", context, status=422 if form.errors else 200)


@role_required(is_marketing)
def email_new(request: AuthedRequest) -> HttpResponse:
    starter = starter_get(request.GET.get("starter", ""))
    if request.method == "POST":
        form = EmailForm(request.POST)
    elif starter is not None:
        initial = {
            "name": starter.name,
            "subject": starter.subject,
            "html": starter.html,
            "language": starter.language,
        }
        form = EmailForm(initial=initial)
    else:
        form = EmailForm()
    if request.method == "POST" and form.is_valid():
        try:
            email = services.email_create(data=form.cleaned_data, by=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The email %(name)s was saved.") % {"name": email})
            return redirect("messaging:email_detail", email.pk)
    return _editor(request, form, None, starter.key if starter else "")


@role_required(is_marketing)
def email_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    email = found(selectors.email_get_for, request.user, pk)
    form = EmailForm(request.POST) if request.method == "POST" else EmailForm.for_email(email)
    if request.method == "POST" and form.is_valid():
        try:
            email = services.email_update(email=email, data=form.cleaned_data, by=request.user)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The email %(name)s was saved.") % {"name": email})
            return redirect("messaging:email_detail", email.pk)
    return _editor(request, form, email)


def _preview_contact(request: AuthedRequest) -> tuple[Contact | None, str]:
    """The contact asked for by email address (``?contact=``), and a problem to show."""
    address = request.GET.get("contact", "").strip()[:254]
    if not address:
        return None, ""
    ids = contact_ids_by_email(emails=[address.lower()])
    if not ids:
        return None, _("There is no contact with the email %(email)s.") % {"email": address}
    return contact_get_for(request.user, next(iter(ids.values()))), ""


def _rendered(email: Email, contact: Contact | None) -> tuple[RenderedEmail | None, str]:
    try:
        return services.email_render(email=email, contact=contact), ""
    except DomainError as exc:
        return None, exc.message


@login_required
def email_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    email = found(selectors.email_get_for, request.user, pk)
    contact, contact_problem = _preview_contact(request)
    rendered, render_problem = _rendered(email, contact)
    frame_url = reverse("messaging:email_frame", args=[email.pk])
    if contact is not None:
        frame_url += "?contact=" + str(contact.pk)
    context: dict[str, Any] = {
        "email": email,
        "contact": contact,
        "contact_asked": request.GET.get("contact", ""),
        "contact_problem": contact_problem,
        "rendered": rendered,
        "render_problem": render_problem,
        "frame_url": frame_url,
        "sender": services.sender_of(email),
        "can_edit": is_marketing(request.user),
        "test_form": TestSendForm(initial={"to": request.user.email}),
    }
    return render(request, "messaging/email_detail.html", context)


@xframe_options_sameorigin
@login_required
def email_frame(request: AuthedRequest, pk: int) -> HttpResponse:
    """The email's HTML personalised for ``?contact=<id>`` (the sample person without one)."""
    email = found(selectors.email_get_for, request.user, pk)
    contact_id = request.GET.get("contact", "")
    contact = (
        found(contact_get_for, request.user, int(contact_id)) if contact_id.isdigit() else None
    )
    rendered, problem = _rendered(email, contact)
    body = rendered.html if rendered is not None else ""
    if rendered is not None and not body:
        # A text-only email: shown as the text it is.
        text = escape(rendered.text)
        body = f"<pre style='white-space:pre-wrap;font:14px sans-serif'>{text}</pre>"
    response = HttpResponse(body or escape(problem), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = FRAME_POLICY
    response["Cache-Control"] = "no-store"
    return response


@role_required(is_marketing)
@require_POST
def email_test(request: AuthedRequest, pk: int) -> HttpResponse:
    email = found(selectors.email_get_for, request.user, pk)
    form = TestSendForm(request.POST)
    contact_id = request.POST.get("contact", "")
    contact = (
        found(contact_get_for, request.user, int(contact_id)) if contact_id.isdigit() else None
    )
    back = reverse("messaging:email_detail", args=[email.pk])
    if contact is not None:
        back += "?contact=" + contact.email
    if not form.is_valid():
        messages.error(request, _("Type the address to send the test to."))
        return redirect(back)
    try:
        sent = services.email_test_send(
            email=email, to=form.cleaned_data["to"], contact=contact, by=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A test was sent to %(to)s.") % {"to": sent.to})
    return redirect(back)


@role_required(is_marketing)
def email_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    email = found(selectors.email_get_for, request.user, pk)
    if confirmed(request):
        services.email_delete(email=email, by=request.user)
        messages.success(request, _("The email %(name)s was deleted.") % {"name": email})
        return redirect("messaging:email_list")
    return confirm_page(
        request,
        title=_("Delete the email %(name)s?") % {"name": email},
        text=_("The email is deleted for good."),
        button=_("Delete the email"),
        cancel_url=reverse("messaging:email_detail", args=[email.pk]),
    )

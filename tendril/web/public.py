"""The public form endpoints (no sign-in): the form's page (``GET /f/<key>``, linked or framed),
the script that frames it in any page (``/f/<key>/embed.js``), the submission (``POST /f/<key>``,
form-encoded from the page or JSON from an integration), and the double opt-in confirmation
link (``/f/confirm/<token>``). Pages speak the visitor's language."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tendril.core.errors import DomainError
from tendril.tracking.visits import client_ip
from tendril.web import assets, landing, selectors, services
from tendril.web.blocks import PostedForm
from tendril.web.form_render import HONEYPOT, form_context
from tendril.web.landing_views import page_response
from tendril.web.models import Form

# The form's page may be framed by any site that embeds it; it still loads nothing foreign.
FRAMED_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors *"
)
MAX_BODY = 64 * 1024
VISITOR_LENGTH = 64


def _form(key: str) -> Form:
    form = Form.objects.filter(key=key).first()
    if form is None:
        raise Http404
    return form


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang") or request.POST.get("lang") or ""
    if asked in ("en", "vi", "th"):
        return asked
    return translation.get_language_from_request(request)[:2]


def _page(
    request: HttpRequest,
    form: Form,
    *,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    done: bool = False,
    download: str = "",
) -> HttpResponse:
    context = form_context(form, values=values, errors=errors, done=done, download=download)
    response = render(request, "web/form_page.html", context, status=status)
    response["Content-Security-Policy"] = FRAMED_POLICY
    return response


def _values_from_query(request: HttpRequest) -> dict[str, Any]:
    """Hidden values the embedding page passes: campaign (utm_*), the visitor and the page."""
    values = {k: request.GET[k] for k in services.UTM_KEYS if request.GET.get(k)}
    values["_v"] = request.GET.get("v", "")[:VISITOR_LENGTH]
    values["_page"] = request.GET.get("page", "")[:2000]
    return values


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def form_page(request: HttpRequest, key: str) -> HttpResponse:
    form = _form(key)
    with translation.override(_language(request)):
        if request.method == "GET":
            return _page(request, form, values=_values_from_query(request), errors={})
        return _submit(request, form)


def _submission(request: HttpRequest) -> tuple[services.Submission, dict[str, Any], bool] | None:
    """The posted values, as a page's form post or a JSON body; None when unreadable."""
    as_json = request.content_type == "application/json"
    if as_json:
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict):
            return None
        values: dict[str, Any] = body
    else:
        values = {k: request.POST.get(k) for k in request.POST}
    visitor, page = values.get("_v") or "", values.get("_page") or ""
    landing = values.get("_lp") or ""
    submission = services.Submission(
        values=values,
        consent=values.get("consent") in ("on", True, "true"),
        visitor=visitor[:VISITOR_LENGTH] if isinstance(visitor, str) else "",
        page=page if isinstance(page, str) else "",
        ip=client_ip(request),
        browser=not as_json,
        honeypot=str(values.get(HONEYPOT) or ""),
        shown=values.get("_t"),
        language=translation.get_language(),
        landing=landing[:100] if isinstance(landing, str) else "",
    )
    return submission, values, as_json


def _submit(request: HttpRequest, form: Form) -> HttpResponse:
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
        return JsonResponse({"detail": "payload too large", "field": None}, status=413)
    parsed = _submission(request)
    if parsed is None:
        return JsonResponse({"detail": "the body is not JSON", "field": None}, status=400)
    submission, values, as_json = parsed
    try:
        outcome = services.form_submit(form=form, submission=submission)
    except DomainError as error:
        outcome = services.Outcome(contact=None, errors={error.field or "email": error.message})
    if outcome.errors:
        if as_json:
            return JsonResponse({"detail": "invalid", "errors": outcome.errors}, status=422)
        return _answer(request, form, submission, values, errors=outcome.errors, status=422)
    download = reverse("web:asset_download", args=[outcome.download]) if outcome.download else ""
    if as_json:
        answer: dict[str, Any] = {"ok": True, "redirect_url": form.redirect_url or None}
        if download:
            answer["download_url"] = request.build_absolute_uri(download)
        return JsonResponse(answer)
    if form.redirect_url and not download:
        return HttpResponseRedirect(form.redirect_url)
    page = selectors.page_published_get(submission.landing) if submission.landing else None
    if page is not None:
        # Post/redirect/get: back to the page, which shows the thank-you; a refresh there
        # sends nothing again.
        marker = landing.sent_marker(page=page, form_id=form.pk, download=outcome.download)
        back = HttpResponseRedirect(
            reverse("web:landing_page", args=[page.slug]) + "?" + urlencode({"sent": marker})
        )
        back.status_code = 303
        return back
    return _answer(request, form, submission, {}, done=True, download=download)


def _answer(
    request: HttpRequest,
    form: Form,
    submission: services.Submission,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    done: bool = False,
    download: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page a browser's post lands on: the landing page it was sent from, with the form
    showing its errors in place (an accepted one is redirected back to the page); else the
    form's own page."""
    page = selectors.page_published_get(submission.landing) if submission.landing else None
    if page is None:
        return _page(
            request,
            form,
            values=values,
            errors=errors or {},
            done=done,
            download=download,
            status=status,
        )
    posted = PostedForm(values=values, errors=errors or {}, done=done, download=download)
    return page_response(
        request,
        page,
        visitor=submission.visitor,
        url=submission.page,
        posted={form.pk: posted},
        status=status,
    )


@require_GET
def embed_js(request: HttpRequest, key: str) -> HttpResponse:
    """A script that puts the form's page in a frame where the script tag is, passing the
    visitor's tracking cookie, the page and its campaign parameters along."""
    form = _form(key)
    base = request.build_absolute_uri(f"/f/{form.key}")
    script = (
        "(function(d,s){var c=d.cookie.match(/(?:^|; )tendril_vid=([A-Za-z0-9_-]{8,64})/),"
        "q=new URLSearchParams(location.search),p=new URLSearchParams();"
        "['utm_source','utm_medium','utm_campaign','utm_term','utm_content'].forEach("
        "function(k){if(q.get(k))p.set(k,q.get(k))});if(c)p.set('v',c[1]);"
        "p.set('page',location.href);p.set('lang',(d.documentElement.lang||'').slice(0,2));"
        "var f=d.createElement('iframe');f.src=" + json.dumps(base) + "+'?'+p.toString();"
        "f.title=" + json.dumps(form.name) + ";f.style.border='0';f.style.width='100%';"
        "f.style.minHeight='480px';s.parentNode.insertBefore(f,s);})"
        "(document,document.currentScript);"
    )
    response = HttpResponse(script, content_type="text/javascript")
    response["Cache-Control"] = "public, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def consent_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        confirmed = services.consent_confirm(token=token)
    except services.LinkRefused as refused:
        return render(request, "web/confirmed.html", {"error": refused.message}, status=400)
    with translation.override(confirmed.language or None):
        return render(request, "web/confirmed.html", {"error": None})


def embed_snippet(form: Form, base_url: str) -> str:
    """The tag a marketer pastes where the form should appear."""
    return f'<script async src="{base_url}/f/{form.key}/embed.js"></script>'


@require_GET
def asset_download(request: HttpRequest, token: str) -> HttpResponse | FileResponse:
    """The form's file, for the person the signed link was given to (recorded as theirs)."""
    try:
        asset, data = assets.download_open(token=token)
    except assets.LinkRefused as refused:
        return render(request, "web/confirmed.html", {"error": refused.message}, status=400)
    response = FileResponse(
        data, as_attachment=True, filename=asset.file_name, content_type=asset.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""The public personalisation endpoints the snippet calls from a site's pages, with the site's
public key as the only credential, exactly like ``POST /t/collect``:

- ``GET /t/decide?k=KEY&v=VISITOR&s=VISIT&u=PAGE&sl=key1,key2`` → ``{"slots": {key: html},
  "popup": {id, trigger, value, form_url, headline, text} | null}``: per visitor, so never
  cached (``Cache-Control: no-store``);
- ``POST /t/popup`` ``{"k", "v", "p": popup id, "a": "shown" | "check"}`` (``text/plain``, no
  preflight): count a display, or ask whether the visitor has sent the pop-up's form.

A key that names no site gets 403, and so does a page (``Origin``, else ``Referer``) that is not
on one of the site's domains; CORS headers go only to the site's pages. Malformed input is 400.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tendril.personalisation import decisions, services
from tendril.personalisation.models import Popup
from tendril.tracking.collector import origin_host, refused
from tendril.tracking.models import Site
from tendril.tracking.selectors import site_by_key
from tendril.tracking.services import MAX_URL, VISITOR, site_serves
from tendril.tracking.visits import is_robot

DECIDE_PARAMETERS = frozenset({"k", "v", "s", "u", "sl"})
SLOT_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
MAX_SLOTS = 20
MAX_BODY = 1024


def _site_for(request: HttpRequest, key: object) -> tuple[Site, str | None] | JsonResponse:
    """The key's site and the asking page's origin, or the refusal."""
    if not isinstance(key, str) or not key or len(key) > 40:
        return refused("the site key is missing", 400, "k")
    site = site_by_key(key)
    if site is None:
        return refused("unknown site key", 403, "k")
    origin, host = origin_host(request)
    if not site_serves(site, host):
        return refused(f"this site's key is not for pages on {host or '?'}", 403)
    return site, origin


def _answer(response: HttpResponse, origin: str | None) -> HttpResponse:
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def decide(request: HttpRequest) -> HttpResponse:
    unknown = sorted(set(request.GET) - DECIDE_PARAMETERS)
    if unknown:
        return refused(f"unknown parameter '{unknown[0]}'", 400, unknown[0])
    checked = _site_for(request, request.GET.get("k"))
    if isinstance(checked, JsonResponse):
        return checked
    site, origin = checked
    visitor, session = request.GET.get("v", ""), request.GET.get("s", "")
    if not VISITOR.match(visitor):
        return refused("the visitor id is missing or malformed", 400, "v")
    if session and not VISITOR.match(session):
        return refused("the visit id is malformed", 400, "s")
    url = request.GET.get("u", "")
    parts = urlsplit(url) if len(url) <= MAX_URL else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not site_serves(site, parts.hostname)
    ):
        return refused("the page is not on one of the site's domains", 400, "u")
    keys = [k for k in request.GET.get("sl", "").split(",") if k]
    if len(keys) > MAX_SLOTS or not all(SLOT_KEY.match(k) for k in keys):
        return refused(f"sl is up to {MAX_SLOTS} slot keys, comma-separated", 400, "sl")
    with translation.override(translation.get_language_from_request(request)):
        answer = decisions.decide(
            site_id=site.pk,
            visitor_id=visitor,
            session=session,
            url=url,
            keys=keys,
            # As the form's embed.js: the address this request reached Tendril at.
            base=request.build_absolute_uri("/").rstrip("/"),
        )
    return _answer(JsonResponse(answer), origin)


@csrf_exempt
@require_http_methods(["POST"])
def popup_event(request: HttpRequest) -> HttpResponse:
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY or len(request.body) > MAX_BODY:
        return refused("payload too large", 413)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return refused("the body is not JSON", 400)
    if not isinstance(body, dict):
        return refused("the body is a JSON object", 400)
    checked = _site_for(request, body.get("k"))
    if isinstance(checked, JsonResponse):
        return checked
    site, origin = checked
    visitor, popup_id, action = body.get("v"), body.get("p"), body.get("a")
    if not isinstance(visitor, str) or not VISITOR.match(visitor):
        return refused("the visitor id is missing or malformed", 400, "v")
    if action not in ("shown", "check"):
        return refused("a is 'shown' or 'check'", 400, "a")
    popup = (
        Popup.objects.filter(pk=popup_id, site=site).first()
        if isinstance(popup_id, int) and not isinstance(popup_id, bool)
        else None
    )
    if popup is None:
        return refused("this site has no such pop-up", 404, "p")
    if action == "check":
        converted = services.popup_conversion_check(popup=popup, visitor_id=visitor)
        return _answer(JsonResponse({"converted": converted}), origin)
    # Robots are answered like people, and nothing of theirs is counted (as the collector does).
    shown = 0
    if not is_robot(request.headers.get("User-Agent", "")):
        shown = services.popup_display_record(popup=popup, visitor_id=visitor)
    return _answer(JsonResponse({"shown": shown}), origin)

"""The public tracking endpoints: the snippet (``GET /t/tendril.js``), its collector
(``POST /t/collect``) and Segment-spec ingest (``POST /v1/identify|track|page|screen|batch``).
A site key is the only credential, and nothing here can read data. Answers carry CORS headers
only for the pages of the key's site."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tendril.core.errors import DomainError
from tendril.tracking import identity, segment_spec, selectors, services
from tendril.tracking.visits import client_ip

SNIPPET = Path(__file__).parent / "static" / "tracking" / "tendril.js"
# A hit is one moment on one page; anything larger is not from the snippet.
MAX_BODY = 16 * 1024
# Segment's own limit for a batch; also the most a gzipped body may inflate to.
MAX_SEGMENT_BODY = 512 * 1024


@cache
def snippet() -> tuple[bytes, bytes]:
    """The snippet as served, and gzipped (read once per process)."""
    body = SNIPPET.read_bytes()
    return body, gzip.compress(body, 9)


@require_GET
def tendril_js(request: HttpRequest) -> HttpResponse:
    plain, packed = snippet()
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(packed if gzipped else plain, content_type="text/javascript")
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def origin_host(request: HttpRequest) -> tuple[str | None, str | None]:
    """The asking page's origin and host: ``Origin``, or ``Referer`` where a browser omits it."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin, urlsplit(origin).hostname
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}", parts.hostname
    return None, None


def refused(message: str, status: int, field: str | None = None) -> JsonResponse:
    """A refusal as the public tracking endpoints answer it: ``{detail, field}``."""
    return JsonResponse({"detail": message, "field": field}, status=status)


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def collect(request: HttpRequest) -> HttpResponse:
    """Store a hit. ``sendBeacon`` posts it as ``text/plain``, which needs no preflight; a
    preflight (``OPTIONS``) is answered for any origin, and the post itself decides."""
    origin, host = origin_host(request)
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        if origin:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = "POST"
            response["Access-Control-Allow-Headers"] = "Content-Type"
            response["Access-Control-Max-Age"] = "86400"
            response["Vary"] = "Origin"
        return response
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY or len(request.body) > MAX_BODY:
        return refused("payload too large", 413)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return refused("the body is not JSON", 400)
    try:
        hit = services.hit_parse(body)
        site = selectors.site_by_key(hit.key)
        if site is None:
            return refused("unknown site key", 403, "k")
        services.hit_record(
            site=site,
            hit=hit,
            origin_host=host,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except DomainError as error:
        return refused(error.message, error.status, error.field)
    response = HttpResponse(status=204)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


@require_GET
def click(request: HttpRequest, token: str) -> HttpResponse:
    """``GET /t/c/<signed>``: a tracked link of an email. The click is recorded and the browser
    sent on to the signed address only; a changed link gets 400, never a redirect."""
    clicked = identity.click_read(token)
    if clicked is None:
        response = HttpResponse(
            _("This link is not valid: it was changed or cut short."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    else:
        destination = services.email_click(
            click=clicked, user_agent=request.headers.get("User-Agent", "")
        )
        response = HttpResponseRedirect(destination)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- Segment-spec ingest -----------------------------------------------------------------------


def _write_key(request: HttpRequest, body: object) -> str:
    """The site key: HTTP Basic's user name (empty password), as the SDKs send it, or the
    body's ``writeKey``."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(encoded, validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return ""
    key = body.get("writeKey") if isinstance(body, dict) else None
    return key if isinstance(key, str) else ""


def _inflated(request: HttpRequest) -> bytes | None:
    """The body, gunzipped when the SDK compressed it; None when it is, or would inflate to,
    more than ``MAX_SEGMENT_BODY`` (a small gzip bomb is refused without being inflated)."""
    if int(request.headers.get("Content-Length") or 0) > MAX_SEGMENT_BODY:
        return None
    raw = request.body
    if request.headers.get("Content-Encoding", "").lower() != "gzip":
        return raw if len(raw) <= MAX_SEGMENT_BODY else None
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, MAX_SEGMENT_BODY + 1)
    except zlib.error:
        return b""  # not gzip after all: refused as not JSON
    return data if len(data) <= MAX_SEGMENT_BODY else None


@csrf_exempt
@require_http_methods(["POST"])
def segment_ingest(request: HttpRequest, kind: str) -> JsonResponse:
    """``POST /v1/<kind>``: one message, or ``batch`` of them; 200 ``{"success": true}`` once
    all are stored, a 4xx naming the bad part otherwise (nothing stored)."""
    data = _inflated(request)
    if data is None:
        return refused("payload too large", 413)
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return refused("the body is not JSON", 400)
    site = selectors.site_by_key(_write_key(request, body))
    if site is None:
        return refused("unknown or missing write key", 401)
    _origin, host = origin_host(request)
    if request.headers.get("Origin") and not services.site_serves(site, host):
        return refused(f"this site's key is not for pages on {host}", 403)
    try:
        if kind == "batch":
            raw = body.get("batch") if isinstance(body, dict) else None
            if not isinstance(raw, list) or not 1 <= len(raw) <= segment_spec.MAX_MESSAGES:
                return refused(
                    f"batch is a list of 1 to {segment_spec.MAX_MESSAGES} messages", 422, "batch"
                )
            pairs = [
                (f"batch[{i}].", segment_spec.message_parse(m, kind=None, at=f"batch[{i}]."))
                for i, m in enumerate(raw)
            ]
        else:
            pairs = [("", segment_spec.message_parse(body, kind=kind))]
        kept = [(path, message) for path, message in pairs if message is not None]
        segment_spec.messages_record(
            site=site, messages=[m for _, m in kept], paths=[p for p, _ in kept]
        )
    except DomainError as error:
        return refused(error.message, error.status, error.field)
    return JsonResponse({"success": True})
